import { shanghaiDateOf, type Grade, type ReportKind, type ReportStatus } from '#domain';
import type { SqlQueryable } from '#eventstore';
import type { ReportSummary, StoredReportSummary } from '../report-summaries.js';

export const reportSorts = {
  '-updatedAt': 'updated_at DESC, id',
  updatedAt: 'updated_at ASC, id',
  '-year': 'year DESC, unit_name, id',
  year: 'year ASC, unit_name, id',
  unit: 'unit_name ASC, year DESC, id',
  '-unit': 'unit_name DESC, year DESC, id',
  '-computedTotal': 'computed_total DESC NULLS LAST, id',
  computedTotal: 'computed_total ASC NULLS LAST, id',
  '-submittedAt': 'submitted_at DESC NULLS LAST, id',
  submittedAt: 'submitted_at ASC NULLS LAST, id',
} as const;
export type ReportSort = keyof typeof reportSorts;
export const reportSortKeys = Object.keys(reportSorts) as ReportSort[];

export const MAX_PAGE_SIZE = 100;

export interface ListReportsQuery {
  /** The organisations whose reports the caller may see; nothing outside them is ever listed. */
  organisationIds: readonly string[];
  year?: number;
  kind?: ReportKind;
  /** One budget unit. */
  unitId?: string;
  /** A department's subtree (the department and everything below it), resolved by the caller. */
  departmentSubtree?: readonly string[];
  status?: ReportStatus;
  stage?: string;
  grade?: Grade;
  /** Only reports overdue (true) or not overdue (false) at `now`; see overdueCondition. */
  overdue?: boolean;
  /** Substring of the unit name, project name or project code, any case. */
  q?: string;
  /** 1-based. */
  page?: number;
  /** At most MAX_PAGE_SIZE. */
  pageSize?: number;
  sort?: ReportSort;
  /** The platform clock's now: whether a report is overdue is judged against it. */
  now: Date;
}

export interface ReportList {
  items: ReportSummary[];
  total: number;
  page: number;
  pageSize: number;
}

/** Escapes LIKE's wildcards so that user text matches literally. */
export function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Whether a row of rm_report_summaries is overdue at the instant bound as `now` (ISO, UTC) and
 * its Asia/Shanghai date bound as `today`; never null.
 *
 * - In review: the current stage's due instant (`due_at`, from stageDueAt when folded) has passed.
 * - In draft, returned or not: the unit's deadline in a campaign asking for this report is over.
 *   That is the deadline worker's rule: a campaign of the report's year that lists the unit and
 *   asks for reports of its kind (or of any kind); the unit's own extension if later, else the
 *   campaign's deadline (deadlineOf); over once its day has ended in Asia/Shanghai
 *   (deadlineInstant), that is when it falls before `today` (deadlines are dates, compared as text).
 * - Otherwise (approved, published) never.
 *
 * The campaigns asking a unit are found through rm_campaign_units' index on (unit, year).
 */
export function overdueCondition(now: string, today: string): string {
  return `(
    (status = 'submitted' AND due_at IS NOT NULL AND due_at < ${now})
    OR (status = 'draft' AND EXISTS (
      SELECT 1 FROM rm_campaign_units cu JOIN rm_campaigns c ON c.id = cu.campaign_id
       WHERE cu.unit_id = rm_report_summaries.organisation_id
         AND cu.year = rm_report_summaries.year
         AND (cu.kind IS NULL OR cu.kind = rm_report_summaries.kind)
         AND greatest(c.deadline, cu.own_deadline) < ${today}
    ))
  )`;
}

/** A page of report summaries, newest change first unless another order is asked for. */
export async function listReports(sql: SqlQueryable, query: ListReportsQuery): Promise<ReportList> {
  const page = Math.max(1, Math.trunc(query.page ?? 1));
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(query.pageSize ?? 20)));
  if (query.organisationIds.length === 0) return { items: [], total: 0, page, pageSize };

  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = [`organisation_id = ANY(${bind(query.organisationIds)}::text[])`];
  if (query.departmentSubtree !== undefined) where.push(`organisation_id = ANY(${bind(query.departmentSubtree)}::text[])`);
  if (query.unitId !== undefined) where.push(`organisation_id = ${bind(query.unitId)}`);
  if (query.year !== undefined) where.push(`year = ${bind(query.year)}`);
  if (query.kind !== undefined) where.push(`kind = ${bind(query.kind)}`);
  if (query.status !== undefined) where.push(`status = ${bind(query.status)}`);
  if (query.stage !== undefined) where.push(`stage = ${bind(query.stage)}`);
  if (query.grade !== undefined) where.push(`grade = ${bind(query.grade)}`);
  // The instant and the date are bound once, where first used: by the filter, else by the items.
  let overdueSql: string | undefined;
  const overdue = () => (overdueSql ??= overdueCondition(`${bind(query.now.toISOString())}::text`, `${bind(shanghaiDateOf(query.now))}::text`));
  if (query.overdue !== undefined) where.push(query.overdue ? overdue() : `NOT ${overdue()}`);
  const q = query.q?.trim();
  if (q) where.push(`search LIKE '%' || lower(${bind(likeLiteral(q))}) || '%'`);
  const filter = where.join(' AND ');
  const order = reportSorts[query.sort ?? '-updatedAt'];

  const countParams = [...params];
  // Every listed item says whether it is overdue, by the same condition as the filter.
  const overdueColumn = overdue();
  const limit = bind(pageSize);
  const offset = bind((page - 1) * pageSize);
  const [{ rows: counted }, { rows }] = await Promise.all([
    sql.query<{ total: number }>(`SELECT count(*)::int AS total FROM rm_report_summaries WHERE ${filter}`, countParams),
    sql.query<{ doc: StoredReportSummary; overdue: boolean }>(
      `SELECT doc, ${overdueColumn} AS overdue FROM rm_report_summaries WHERE ${filter} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
      params,
    ),
  ]);
  return { items: rows.map((r) => ({ ...r.doc, overdue: r.overdue })), total: counted[0]?.total ?? 0, page, pageSize };
}
