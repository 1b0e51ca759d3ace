import type { SqlQueryable } from '#eventstore';
import type { AuditEntry, AuditEntryDoc } from '../audit-entries.projection.js';
import { isReportStream, reportIdOfStream } from '../report-fold.js';

/** Where a page of the trail ended: the next page starts after it. */
export interface TrailCursor {
  at: string;
  position: string;
}

export interface OrganisationTrailQuery {
  /** The organisations whose events to include (usually an organisation's subtree). */
  organisationIds: readonly string[];
  /** Inclusive, any ISO-8601 instant. */
  from?: string;
  /** Exclusive, any ISO-8601 instant. */
  to?: string;
  after?: TrailCursor;
  /** At most MAX_TRAIL_PAGE. */
  limit?: number;
}

export interface TrailPage {
  entries: AuditEntry[];
  /** Null on the last page. */
  next: TrailCursor | null;
}

export const MAX_TRAIL_PAGE = 10_000;

/** Audit entries of the organisations, oldest first (by recording time, then position). */
export async function organisationTrail(sql: SqlQueryable, query: OrganisationTrailQuery): Promise<TrailPage> {
  const limit = Math.min(MAX_TRAIL_PAGE, Math.max(1, Math.trunc(query.limit ?? 1000)));
  if (query.organisationIds.length === 0) return { entries: [], next: null };
  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  // Entries store `at` as UTC ISO-8601 text, so bounds are normalised the same way to compare as text.
  const where = [`organisation_id = ANY(${bind(query.organisationIds)}::text[])`, 'at IS NOT NULL'];
  if (query.from !== undefined) where.push(`at >= ${bind(new Date(query.from).toISOString())}`);
  if (query.to !== undefined) where.push(`at < ${bind(new Date(query.to).toISOString())}`);
  if (query.after !== undefined) where.push(`(at, position) > (${bind(query.after.at)}::text, ${bind(query.after.position)}::bigint)`);
  const { rows } = await sql.query<{ position: string; doc: AuditEntryDoc }>(
    `SELECT position::text AS position, doc FROM rm_audit_entries WHERE ${where.join(' AND ')} ORDER BY at, position LIMIT ${bind(limit)}`,
    params,
  );
  const entries = rows.map(
    ({ position, doc }): AuditEntry => ({ ...doc, position, reportId: isReportStream(doc.streamId) ? reportIdOfStream(doc.streamId) : null }),
  );
  const last = entries[entries.length - 1];
  return { entries, next: entries.length === limit && last ? { at: last.at, position: last.position } : null };
}
