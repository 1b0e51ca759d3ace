import type { Role } from '#domain';
import type { SqlQueryable } from '#eventstore';
import type { StoredReportSummary } from '../report-summaries.js';
import { MAX_PAGE_SIZE } from './list-reports.js';

export interface InboxQuery {
  /** Organisations whose reports the user may act on: their own subtree. */
  organisationIds: readonly string[];
  role: Role;
  userId: string;
  stage?: string;
  page?: number;
  pageSize?: number;
}

export interface InboxPage {
  /** As stored: the caller judges each stage's due date against its clock. */
  items: StoredReportSummary[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * What a user must act on: reports in review at a stage of their role, inside their subtree,
 * that they may still approve (segregation of duties leaves out what they edited, submitted,
 * already approved, or approved at another stage). Oldest stage first: what waits longest.
 */
export async function listInbox(sql: SqlQueryable, query: InboxQuery): Promise<InboxPage> {
  const page = Math.max(1, Math.trunc(query.page ?? 1));
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(query.pageSize ?? 20)));
  if (query.organisationIds.length === 0) return { items: [], total: 0, page, pageSize };
  const params: unknown[] = [query.organisationIds, query.role, query.userId];
  let filter = `organisation_id = ANY($1::text[]) AND status = 'submitted' AND stage_role = $2 AND NOT (doc->'review'->'barred' ? $3)`;
  if (query.stage !== undefined) {
    params.push(query.stage);
    filter += ` AND stage = $${params.length}`;
  }
  const total = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM rm_report_summaries WHERE ${filter}`, params);
  const rows = await sql.query<{ doc: StoredReportSummary }>(
    `SELECT doc FROM rm_report_summaries WHERE ${filter} ORDER BY doc->'review'->>'enteredAt' ASC NULLS LAST, id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    params,
  );
  return { items: rows.rows.map((r) => r.doc), total: Number(total.rows[0]!.n), page, pageSize };
}

export interface StageCount {
  stage: string;
  stageName: { 'zh-CN': string; en: string };
  role: string;
  count: number;
}

/** Reports in review per stage, for dashboards: everything in the caller's view, not only what they may act on. */
export async function inboxCounts(sql: SqlQueryable, organisationIds: readonly string[]): Promise<StageCount[]> {
  if (organisationIds.length === 0) return [];
  const result = await sql.query<{ stage: string; stage_name: StageCount['stageName']; role: string; n: string }>(
    `SELECT stage, min(doc->'review'->>'role') AS role, (array_agg(doc->'review'->'stageName'))[1] AS stage_name, count(*) AS n
       FROM rm_report_summaries
      WHERE organisation_id = ANY($1::text[]) AND status = 'submitted' AND stage IS NOT NULL
      GROUP BY stage ORDER BY stage`,
    [organisationIds],
  );
  return result.rows.map((r) => ({ stage: r.stage, stageName: r.stage_name, role: r.role, count: Number(r.n) }));
}
