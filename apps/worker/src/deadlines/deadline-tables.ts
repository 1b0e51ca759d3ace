import type { SqlClient, SqlQueryable } from '#eventstore';
import type { DeadlineState } from '#domain';

/**
 * The deadline process manager's own tables in the read store. `deadline_index` folds every
 * deadline stream (reconciliation reads the open ones); the campaign units and report refs are
 * what the triggers look up. Written only by the process manager that holds the lock.
 */
export const deadlineTablesSchema = /* sql */ `
CREATE TABLE IF NOT EXISTS deadline_manager_checkpoints (name text PRIMARY KEY, position bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS deadline_index (
  deadline_id text PRIMARY KEY,
  status text NOT NULL,
  doc jsonb NOT NULL,
  position bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS deadline_index_open ON deadline_index (deadline_id) WHERE status = 'open';
CREATE TABLE IF NOT EXISTS deadline_campaign_units (
  campaign_id text NOT NULL,
  unit_id text NOT NULL,
  year int NOT NULL,
  report_kind text,
  PRIMARY KEY (campaign_id, unit_id)
);
CREATE INDEX IF NOT EXISTS deadline_campaign_units_unit ON deadline_campaign_units (unit_id, year);
CREATE TABLE IF NOT EXISTS deadline_reports (
  report_id text PRIMARY KEY,
  unit_id text NOT NULL,
  year int NOT NULL,
  report_kind text,
  status text NOT NULL,
  stage_deadline_id text,
  stage_id text,
  approvals_required int NOT NULL DEFAULT 1,
  approvals int NOT NULL DEFAULT 0,
  -- the last report event applied
  position bigint NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS deadline_reports_unit ON deadline_reports (unit_id, year);`;

export interface ReportRef {
  reportId: string;
  unitId: string;
  year: number;
  reportKind: string | null;
  status: 'draft' | 'submitted';
  stageDeadlineId: string | null;
  stageId: string | null;
  approvalsRequired: number;
  approvals: number;
  position: bigint;
}

interface RawReport {
  report_id: string;
  unit_id: string;
  year: number;
  report_kind: string | null;
  status: 'draft' | 'submitted';
  stage_deadline_id: string | null;
  stage_id: string | null;
  approvals_required: number;
  approvals: number;
  position: string;
}

const toReport = (r: RawReport): ReportRef => ({
  reportId: r.report_id,
  unitId: r.unit_id,
  year: r.year,
  reportKind: r.report_kind,
  status: r.status,
  stageDeadlineId: r.stage_deadline_id,
  stageId: r.stage_id,
  approvalsRequired: r.approvals_required,
  approvals: r.approvals,
  position: BigInt(r.position),
});

export class DeadlineTables {
  constructor(readonly sql: SqlClient) {}

  async ensureSchema(): Promise<void> {
    await this.sql.withSession(async (session) => {
      await session.query('SELECT pg_advisory_lock(746514)');
      try {
        await session.exec(deadlineTablesSchema);
      } finally {
        await session.query('SELECT pg_advisory_unlock(746514)');
      }
    });
  }

  // ── checkpoint ───────────────────────────────────────────────────────────

  async checkpoint(name: string): Promise<bigint> {
    const { rows } = await this.sql.query<{ position: string }>('SELECT position::text AS position FROM deadline_manager_checkpoints WHERE name = $1', [name]);
    return rows[0] ? BigInt(rows[0].position) : 0n;
  }

  async saveCheckpoint(tx: SqlQueryable, name: string, position: bigint): Promise<void> {
    await tx.query(
      `INSERT INTO deadline_manager_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now()`,
      [name, position.toString()],
    );
  }

  // ── index ────────────────────────────────────────────────────────────────

  async loadIndex(ids: readonly string[]): Promise<Map<string, { state: DeadlineState; position: bigint }>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.sql.query<{ deadline_id: string; doc: DeadlineState; position: string }>(
      'SELECT deadline_id, doc, position::text AS position FROM deadline_index WHERE deadline_id = ANY($1::text[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.deadline_id, { state: r.doc, position: BigInt(r.position) }]));
  }

  async saveIndex(tx: SqlQueryable, rows: ReadonlyMap<string, { state: DeadlineState; position: bigint }>): Promise<void> {
    if (rows.size === 0) return;
    await tx.query(
      `INSERT INTO deadline_index (deadline_id, status, doc, position)
       SELECT r.id, r.status, r.doc, r.position FROM jsonb_to_recordset($1::jsonb) AS r(id text, status text, doc jsonb, position bigint)
       ON CONFLICT (deadline_id) DO UPDATE SET status = excluded.status, doc = excluded.doc, position = excluded.position`,
      [JSON.stringify([...rows].map(([id, row]) => ({ id, status: row.state.status, doc: row.state, position: row.position.toString() })))],
    );
  }

  /** Open deadlines in pages, for reconciliation. */
  async openDeadlines(after: string, limit: number): Promise<DeadlineState[]> {
    const { rows } = await this.sql.query<{ doc: DeadlineState }>(
      `SELECT doc FROM deadline_index WHERE status = 'open' AND deadline_id > $1 ORDER BY deadline_id LIMIT $2`,
      [after, limit],
    );
    return rows.map((r) => r.doc);
  }

  // ── campaigns and reports ────────────────────────────────────────────────
  //
  // Written through a batch overlay: the process manager's changes of one batch reach the tables
  // in the transaction that moves its checkpoint, so after a crash the tables are exactly as at
  // the checkpoint and the replayed events make the same decisions (which the store recognises
  // by their deterministic ids) rather than new ones from a state ahead of them.

  private batch: { units: Map<string, { year: number; reportKind: string | null; unitIds: Set<string> }>; reports: Map<string, ReportRef> } | null = null;

  beginBatch(): void {
    this.batch = { units: new Map(), reports: new Map() };
  }

  endBatch(): void {
    this.batch = null;
  }

  async flushBatch(tx: SqlQueryable): Promise<void> {
    if (!this.batch) return;
    for (const [campaignId, entry] of this.batch.units) {
      await tx.query(
        `INSERT INTO deadline_campaign_units (campaign_id, unit_id, year, report_kind)
         SELECT $1, u, $2, $3 FROM unnest($4::text[]) u ON CONFLICT (campaign_id, unit_id) DO NOTHING`,
        [campaignId, entry.year, entry.reportKind, [...entry.unitIds]],
      );
    }
    const reports = [...this.batch.reports.values()];
    if (reports.length > 0) {
      await tx.query(
        `INSERT INTO deadline_reports (report_id, unit_id, year, report_kind, status, stage_deadline_id, stage_id, approvals_required, approvals, position)
         SELECT r.report_id, r.unit_id, r.year, r.report_kind, r.status, r.stage_deadline_id, r.stage_id, r.approvals_required, r.approvals, r.position
           FROM jsonb_to_recordset($1::jsonb) AS r(report_id text, unit_id text, year int, report_kind text, status text, stage_deadline_id text, stage_id text, approvals_required int, approvals int, position bigint)
         ON CONFLICT (report_id) DO UPDATE SET unit_id = excluded.unit_id, year = excluded.year, report_kind = excluded.report_kind, status = excluded.status,
           stage_deadline_id = excluded.stage_deadline_id, stage_id = excluded.stage_id, approvals_required = excluded.approvals_required, approvals = excluded.approvals,
           position = excluded.position`,
        [
          JSON.stringify(
            reports.map((r) => ({
              report_id: r.reportId,
              unit_id: r.unitId,
              year: r.year,
              report_kind: r.reportKind,
              status: r.status,
              stage_deadline_id: r.stageDeadlineId,
              stage_id: r.stageId,
              approvals_required: r.approvalsRequired,
              approvals: r.approvals,
              position: r.position.toString(),
            })),
          ),
        ],
      );
    }
  }

  private overlay() {
    if (!this.batch) throw new Error('deadline tables written outside a process manager batch');
    return this.batch;
  }

  addCampaignUnits(campaignId: string, year: number, reportKind: string | null, unitIds: readonly string[]): void {
    const units = this.overlay().units;
    const entry = units.get(campaignId) ?? { year, reportKind, unitIds: new Set<string>() };
    for (const unitId of unitIds) entry.unitIds.add(unitId);
    units.set(campaignId, entry);
  }

  async campaignUnits(campaignId: string): Promise<string[]> {
    const { rows } = await this.sql.query<{ unit_id: string }>('SELECT unit_id FROM deadline_campaign_units WHERE campaign_id = $1', [campaignId]);
    const units = new Set(rows.map((r) => r.unit_id));
    for (const unitId of this.batch?.units.get(campaignId)?.unitIds ?? []) units.add(unitId);
    return [...units].sort();
  }

  async campaignsOfUnit(unitId: string, year: number): Promise<Array<{ campaignId: string; reportKind: string | null }>> {
    const { rows } = await this.sql.query<{ campaign_id: string; report_kind: string | null }>(
      'SELECT campaign_id, report_kind FROM deadline_campaign_units WHERE unit_id = $1 AND year = $2',
      [unitId, year],
    );
    const campaigns = new Map(rows.map((r) => [r.campaign_id, r.report_kind]));
    for (const [campaignId, entry] of this.batch?.units ?? []) if (entry.year === year && entry.unitIds.has(unitId)) campaigns.set(campaignId, entry.reportKind);
    return [...campaigns].sort(([a], [b]) => (a < b ? -1 : 1)).map(([campaignId, reportKind]) => ({ campaignId, reportKind }));
  }

  async report(reportId: string): Promise<ReportRef | null> {
    const pending = this.batch?.reports.get(reportId);
    if (pending) return pending;
    const { rows } = await this.sql.query<RawReport>('SELECT *, position::text AS position FROM deadline_reports WHERE report_id = $1', [reportId]);
    return rows[0] ? toReport(rows[0]) : null;
  }

  async reportsOfUnit(unitId: string, year: number): Promise<ReportRef[]> {
    const { rows } = await this.sql.query<RawReport>('SELECT *, position::text AS position FROM deadline_reports WHERE unit_id = $1 AND year = $2', [unitId, year]);
    const reports = new Map(rows.map((r) => [r.report_id, toReport(r)]));
    for (const [reportId, report] of this.batch?.reports ?? []) {
      if (report.unitId === unitId && report.year === year) reports.set(reportId, report);
      else reports.delete(reportId);
    }
    return [...reports.values()];
  }

  /** The units among these that have any report of the year (one query). */
  async unitsWithReports(unitIds: readonly string[], year: number): Promise<Set<string>> {
    const { rows } = await this.sql.query<{ unit_id: string }>('SELECT DISTINCT unit_id FROM deadline_reports WHERE year = $1 AND unit_id = ANY($2::text[])', [year, unitIds]);
    const units = new Set(rows.map((r) => r.unit_id));
    for (const report of this.batch?.reports.values() ?? []) if (report.year === year && unitIds.includes(report.unitId)) units.add(report.unitId);
    return units;
  }

  saveReport(report: ReportRef): void {
    this.overlay().reports.set(report.reportId, report);
  }
}
