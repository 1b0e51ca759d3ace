import { ruleProfiles, type ScoreBasis } from '#domain';
import type { SqlClient, SqlQueryable } from '#eventstore';
import type { WakeUp } from './score-queue.js';

/**
 * What still needs scoring, as a checkpointed read of the event store (the tracker keeps it):
 * per report, the revision and profile version it should be scored at (`wanted_*`) and the last
 * ones recorded (`scored_*`). `pending` says a computation is owed. Redis only carries wake-ups:
 * after a flush, the pending rows say what to queue again.
 *
 * `generation` moves on whenever a job claims the report (see claim); `lease_*` keeps a second job
 * for the same report from computing at the same time.
 */
const PENDING = `wanted_profile_version IS NOT NULL AND (
  scored_revision IS NULL OR scored_revision < wanted_revision
  OR scored_profile_id IS DISTINCT FROM profile_id OR scored_profile_version < wanted_profile_version)`;

export const scoringSchema = /* sql */ `
CREATE TABLE IF NOT EXISTS scoring_checkpoints (name text PRIMARY KEY, position bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS scoring_profiles (profile_id text PRIMARY KEY, version int NOT NULL, defined_at text);
CREATE TABLE IF NOT EXISTS scoring_profile_versions (
  profile_id text NOT NULL, version int NOT NULL, doc jsonb NOT NULL, defined_at text NOT NULL, PRIMARY KEY (profile_id, version));
CREATE TABLE IF NOT EXISTS scoring_work (
  report_id text PRIMARY KEY,
  organisation_id text NOT NULL,
  profile_id text NOT NULL,
  wanted_revision int NOT NULL,
  wanted_profile_version int,
  scored_revision int,
  scored_profile_id text,
  scored_profile_version int,
  scored_stream_revision int,
  generation int NOT NULL DEFAULT 0,
  lease_token text,
  lease_until timestamptz,
  pending boolean GENERATED ALWAYS AS (${PENDING}) STORED
);
CREATE INDEX IF NOT EXISTS scoring_work_pending ON scoring_work (report_id) WHERE pending;
CREATE INDEX IF NOT EXISTS scoring_work_profile ON scoring_work (profile_id);`;

/** SQL: whether a candidate record supersedes the one scoring_work (alias `w`) notes; domain `supersedes`. */
function superseding(c: { rev: string; pid: string; pv: string }, w = ''): string {
  return `(${w}scored_revision IS NULL OR ${c.rev} > ${w}scored_revision OR (${c.rev} = ${w}scored_revision AND (${c.pid} <> ${w}scored_profile_id OR ${c.pv} > ${w}scored_profile_version)))`;
}

/**
 * This table is derived from the store (the tracker's rows) or coordinates jobs (claims, leases):
 * a commit lost to a server crash is folded again, or recomputed and found already recorded. So
 * its writes do not wait for the WAL to reach disk — a durable commit costs a few milliseconds,
 * twice per job. `set_config(…, true)` in the statement itself keeps it to this statement's
 * transaction without an extra round trip.
 */
const ASYNC_COMMIT = `(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit`;

export interface TrackerBatch {
  /** Definitions in store order. */
  profiles: Array<{ profileId: string; version: number; doc: unknown; definedAt: string }>;
  /** Reports whose ReportCreated is in the batch, at their last revision in it. */
  created: Array<{ reportId: string; organisationId: string; profileId: string; revision: number }>;
  /** Other reports changed in the batch, at their last revision in it. */
  revised: Array<{ reportId: string; revision: number }>;
  /** The record of each report that supersedes the others in the batch, and its score stream's last revision. */
  scored: Array<ScoreBasis & { reportId: string; streamRevision: number }>;
}

export interface ClaimedReport {
  organisationId: string;
  profileId: string;
  wantedRevision: number;
  wantedProfileVersion: number | null;
  /** The last record as far as this table knows (it may lag the score stream after a crash). */
  scored: (ScoreBasis & { streamRevision: number }) | null;
  pending: boolean;
}

export type Claim = { kind: 'claimed'; report: ClaimedReport } | { kind: 'leased'; waitMs: number } | { kind: 'missing' };

export interface ProfileProgress {
  profileId: string;
  version: number;
  /** When the version in force was defined (ISO); null for a built-in default. */
  definedAt: string | null;
  /** Reports naming the profile. */
  total: number;
  /** Of those, scored under the version in force (or a later one). */
  done: number;
  /** Reports owed a computation for any reason (an edit, a profile change). */
  pending: number;
}

interface WorkRow {
  organisation_id: string;
  profile_id: string;
  wanted_revision: number;
  wanted_profile_version: number | null;
  scored_revision: number | null;
  scored_profile_id: string | null;
  scored_profile_version: number | null;
  scored_stream_revision: number | null;
  pending: boolean;
}

export class ScoringTables {
  constructor(private readonly sql: SqlClient) {}

  /** Idempotent; the built-in profiles are the version 1 rows of their ids. */
  async ensureSchema(): Promise<void> {
    // Processes starting at once must not race on CREATE TABLE IF NOT EXISTS (a duplicate pg_type row).
    await this.sql.withSession(async (session) => {
      await session.query('SELECT pg_advisory_lock(746515)');
      try {
        await session.exec(scoringSchema);
      } finally {
        await session.query('SELECT pg_advisory_unlock(746515)');
      }
    });
    const builtIns = Object.values(ruleProfiles);
    await this.sql.query(
      `INSERT INTO scoring_profiles (profile_id, version) SELECT * FROM unnest($1::text[], $2::int[]) ON CONFLICT (profile_id) DO NOTHING`,
      [builtIns.map((p) => p.id), builtIns.map((p) => p.version)],
    );
  }

  async checkpoint(name: string, sql: SqlQueryable = this.sql): Promise<bigint> {
    const { rows } = await sql.query<{ position: string }>('SELECT position::text AS position FROM scoring_checkpoints WHERE name = $1', [name]);
    return rows[0] ? BigInt(rows[0].position) : 0n;
  }

  async saveCheckpoint(tx: SqlQueryable, name: string, position: bigint): Promise<void> {
    await tx.query(
      `INSERT INTO scoring_checkpoints (name, position) VALUES ($1, $2::bigint)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now()`,
      [name, position.toString()],
    );
  }

  /**
   * Folds one batch of the store into the table and returns the wake-ups it calls for: every
   * report it touched that is owed a computation. Run inside the tracker's transaction: the rows it
   * changes stay locked until commit, so a job claiming one of them sees this batch.
   */
  async applyBatch(tx: SqlQueryable, batch: TrackerBatch): Promise<WakeUp[]> {
    await tx.query(`SELECT set_config('synchronous_commit', 'off', true)`);
    const changedProfiles = new Map<string, number>();
    for (const p of batch.profiles) {
      await tx.query(
        `INSERT INTO scoring_profile_versions (profile_id, version, doc, defined_at) VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT DO NOTHING`,
        [p.profileId, p.version, JSON.stringify(p.doc), p.definedAt],
      );
      await tx.query(
        `INSERT INTO scoring_profiles (profile_id, version, defined_at) VALUES ($1, $2, $3)
         ON CONFLICT (profile_id) DO UPDATE SET version = excluded.version, defined_at = excluded.defined_at WHERE excluded.version > scoring_profiles.version`,
        [p.profileId, p.version, p.definedAt],
      );
      changedProfiles.set(p.profileId, Math.max(p.version, changedProfiles.get(p.profileId) ?? 0));
    }
    if (batch.created.length > 0) {
      const c = batch.created;
      await tx.query(
        `INSERT INTO scoring_work (report_id, organisation_id, profile_id, wanted_revision, wanted_profile_version)
         SELECT r.id, r.org, r.profile, r.rev, p.version
         FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS r(id, org, profile, rev)
         LEFT JOIN scoring_profiles p ON p.profile_id = r.profile
         ON CONFLICT (report_id) DO UPDATE SET wanted_revision = GREATEST(scoring_work.wanted_revision, excluded.wanted_revision)`,
        [c.map((r) => r.reportId), c.map((r) => r.organisationId), c.map((r) => r.profileId), c.map((r) => r.revision)],
      );
    }
    if (batch.revised.length > 0) {
      await tx.query(
        `UPDATE scoring_work w SET wanted_revision = r.rev
         FROM unnest($1::text[], $2::int[]) AS r(id, rev)
         WHERE w.report_id = r.id AND r.rev > w.wanted_revision`,
        [batch.revised.map((r) => r.reportId), batch.revised.map((r) => r.revision)],
      );
    }
    if (batch.scored.length > 0) {
      const s = batch.scored;
      const superseded = superseding({ rev: 's.rev', pid: 's.pid', pv: 's.pv' }, 'w.');
      await tx.query(
        `UPDATE scoring_work w SET
           scored_revision = CASE WHEN ${superseded} THEN s.rev ELSE w.scored_revision END,
           scored_profile_id = CASE WHEN ${superseded} THEN s.pid ELSE w.scored_profile_id END,
           scored_profile_version = CASE WHEN ${superseded} THEN s.pv ELSE w.scored_profile_version END,
           scored_stream_revision = GREATEST(COALESCE(w.scored_stream_revision, -1), s.srev)
         FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::int[]) AS s(id, rev, pid, pv, srev)
         WHERE w.report_id = s.id`,
        [s.map((r) => r.reportId), s.map((r) => r.reportRevision), s.map((r) => r.profileId), s.map((r) => r.profileVersion), s.map((r) => r.streamRevision)],
      );
    }
    if (changedProfiles.size > 0) {
      // An UPDATE, not a read: it waits for a job holding a row's claim and locks the rows until
      // commit, so no claim slips between this batch and its wake-ups.
      await tx.query(
        `UPDATE scoring_work w SET wanted_profile_version = p.version
         FROM scoring_profiles p
         WHERE p.profile_id = ANY($1::text[]) AND w.profile_id = p.profile_id
           AND (w.wanted_profile_version IS NULL OR w.wanted_profile_version < p.version)`,
        [[...changedProfiles.keys()]],
      );
    }
    const touched = [...batch.created.map((r) => r.reportId), ...batch.revised.map((r) => r.reportId), ...batch.scored.map((r) => r.reportId)];
    if (touched.length === 0 && changedProfiles.size === 0) return [];
    const { rows } = await tx.query<{ report_id: string; generation: number }>(
      `SELECT report_id, generation FROM scoring_work WHERE pending AND (report_id = ANY($1::text[]) OR profile_id = ANY($2::text[]))`,
      [touched, [...changedProfiles.keys()]],
    );
    return rows.map((r) => ({ reportId: r.report_id, generation: r.generation }));
  }

  /**
   * A job takes the report: the generation moves on (wake-ups decided from now on get a new job
   * id) and a lease keeps other jobs for the report waiting until it is done. Committed at once,
   * before the job reads the report, so any later change finds the new generation.
   */
  async claim(reportId: string, token: string, leaseMs: number): Promise<Claim> {
    const { rows } = await this.sql.query<WorkRow>(
      `UPDATE scoring_work SET generation = generation + 1, lease_token = $2, lease_until = now() + $3::int * interval '1 millisecond'
       FROM ${ASYNC_COMMIT}
       WHERE report_id = $1 AND (lease_until IS NULL OR lease_until < now() OR lease_token = $2)
       RETURNING organisation_id, profile_id, wanted_revision, wanted_profile_version, scored_revision, scored_profile_id, scored_profile_version, scored_stream_revision, pending`,
      [reportId, token, leaseMs],
    );
    const row = rows[0];
    if (row) {
      return {
        kind: 'claimed',
        report: {
          organisationId: row.organisation_id,
          profileId: row.profile_id,
          wantedRevision: row.wanted_revision,
          wantedProfileVersion: row.wanted_profile_version,
          scored:
            row.scored_revision === null || row.scored_stream_revision === null
              ? null
              : { reportRevision: row.scored_revision, profileId: row.scored_profile_id!, profileVersion: row.scored_profile_version!, streamRevision: row.scored_stream_revision },
          pending: row.pending,
        },
      };
    }
    const { rows: leased } = await this.sql.query<{ wait_ms: number | null }>(
      `SELECT GREATEST(0, ceil(EXTRACT(EPOCH FROM (lease_until - now())) * 1000))::int AS wait_ms FROM scoring_work WHERE report_id = $1`,
      [reportId],
    );
    return leased[0] ? { kind: 'leased', waitMs: leased[0].wait_ms ?? 0 } : { kind: 'missing' };
  }

  /**
   * Ends a claim: notes the record now last in the report's score stream (if the job knows it) and
   * releases the lease. Returns whether the report is still owed a computation (it changed while
   * the job ran, or the job could not record), and the generation to wake it under.
   */
  async release(reportId: string, token: string, recorded: (ScoreBasis & { streamRevision: number }) | null): Promise<{ pending: boolean; generation: number } | null> {
    const known = `$3::int IS NOT NULL AND ${superseding({ rev: '$3::int', pid: '$4::text', pv: '$5::int' })}`;
    const { rows } = await this.sql.query<{ pending: boolean; generation: number }>(
      `UPDATE scoring_work SET
         scored_revision = CASE WHEN ${known} THEN $3::int ELSE scored_revision END,
         scored_profile_id = CASE WHEN ${known} THEN $4::text ELSE scored_profile_id END,
         scored_profile_version = CASE WHEN ${known} THEN $5::int ELSE scored_profile_version END,
         scored_stream_revision = GREATEST(COALESCE(scored_stream_revision, -1), COALESCE($6::int, -1)),
         lease_until = CASE WHEN lease_token = $2 THEN NULL ELSE lease_until END,
         lease_token = CASE WHEN lease_token = $2 THEN NULL ELSE lease_token END
       FROM ${ASYNC_COMMIT}
       WHERE report_id = $1
       RETURNING pending, generation`,
      [reportId, token, recorded?.reportRevision ?? null, recorded?.profileId ?? null, recorded?.profileVersion ?? null, recorded?.streamRevision ?? null],
    );
    return rows[0] ?? null;
  }

  /** Pending reports after `after` (by id), for reconciliation. */
  async pendingPage(after: string, limit: number): Promise<WakeUp[]> {
    const { rows } = await this.sql.query<{ report_id: string; generation: number }>(
      'SELECT report_id, generation FROM scoring_work WHERE pending AND report_id > $1 ORDER BY report_id LIMIT $2',
      [after, limit],
    );
    return rows.map((r) => ({ reportId: r.report_id, generation: r.generation }));
  }

  async pendingCount(): Promise<number> {
    const { rows } = await this.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM scoring_work WHERE pending');
    return rows[0]?.n ?? 0;
  }

  /** A stored profile version (built-in defaults are not stored). */
  async profileVersion(profileId: string, version: number): Promise<unknown> {
    const { rows } = await this.sql.query<{ doc: unknown }>('SELECT doc FROM scoring_profile_versions WHERE profile_id = $1 AND version = $2', [profileId, version]);
    return rows[0]?.doc;
  }

  /** Re-score progress per profile (one profile when `profileId` is given). */
  async progress(profileId?: string): Promise<ProfileProgress[]> {
    const { rows } = await this.sql.query<{ profile_id: string; version: number; defined_at: string | null; total: number; done: number; pending: number }>(
      `SELECT p.profile_id, p.version, p.defined_at,
              count(w.report_id)::int AS total,
              (count(w.report_id) FILTER (WHERE w.scored_profile_id = p.profile_id AND w.scored_profile_version >= p.version))::int AS done,
              (count(w.report_id) FILTER (WHERE w.pending))::int AS pending
       FROM scoring_profiles p LEFT JOIN scoring_work w ON w.profile_id = p.profile_id
       WHERE $1::text IS NULL OR p.profile_id = $1
       GROUP BY p.profile_id, p.version, p.defined_at
       ORDER BY p.profile_id`,
      [profileId ?? null],
    );
    return rows.map((r) => ({ profileId: r.profile_id, version: r.version, definedAt: r.defined_at, total: r.total, done: r.done, pending: r.pending }));
  }
}
