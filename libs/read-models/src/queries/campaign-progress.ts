import { deadlineOf, defaultWorkflowDefinition, Dec, endOfShanghaiDay, grades, type CampaignAggregate, type LocalizedText } from '#domain';
import type { SqlQueryable } from '#eventstore';
import type { CampaignRow } from '../campaigns.projection.js';
import type { StoredReportSummary } from '../report-summaries.js';
import {
  progressStates,
  timelinessValues,
  type CampaignProgress,
  type CampaignProgressTotals,
  type CampaignReportProgress,
  type CampaignUnitProgress,
  type ProgressState,
  type ReportProgressState,
  type Timeliness,
} from './campaign-progress.types.js';

// ── campaigns of a region ──────────────────────────────────────────────────

export const MAX_CAMPAIGN_PAGE_SIZE = 100;

export interface ListCampaignsQuery {
  /** The region (finance bureau): nothing of another region is ever listed. */
  financeBureauId: string;
  year?: number;
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface CampaignList {
  items: CampaignRow[];
  total: number;
  page: number;
  pageSize: number;
}

/** A region's campaigns, newest year first, then the latest opened. */
export async function listCampaigns(sql: SqlQueryable, query: ListCampaignsQuery): Promise<CampaignList> {
  const page = Math.max(1, Math.trunc(query.page ?? 1));
  const pageSize = Math.min(MAX_CAMPAIGN_PAGE_SIZE, Math.max(1, Math.trunc(query.pageSize ?? 20)));
  const filter = 'finance_bureau_id = $1 AND ($2::int IS NULL OR year = $2::int)';
  const params = [query.financeBureauId, query.year ?? null];
  const [{ rows: counted }, { rows }] = await Promise.all([
    sql.query<{ total: number }>(`SELECT count(*)::int AS total FROM rm_campaigns WHERE ${filter}`, params),
    sql.query<{ doc: CampaignRow }>(`SELECT doc FROM rm_campaigns WHERE ${filter} ORDER BY year DESC, opened_at DESC, id LIMIT $3 OFFSET $4`, [
      ...params,
      pageSize,
      (page - 1) * pageSize,
    ]),
  ]);
  return { items: rows.map((r) => r.doc), total: counted[0]?.total ?? 0, page, pageSize };
}

export async function findCampaign(sql: SqlQueryable, campaignId: string): Promise<CampaignRow | null> {
  const { rows } = await sql.query<{ doc: CampaignRow }>('SELECT doc FROM rm_campaigns WHERE id = $1', [campaignId]);
  return rows[0]?.doc ?? null;
}

// ── progress ───────────────────────────────────────────────────────────────

export * from './campaign-progress.types.js';

export interface CampaignProgressOptions {
  /** The platform clock's now. */
  now: Date;
  /** Only these units (the caller's subtree); default every unit of the campaign. */
  visibleUnitIds?: ReadonlySet<string>;
  unitName?: (unitId: string) => string | null | undefined;
}

/** Progress of a campaign: its units' reports of the campaign's year (and kind) from `rm_report_summaries`. */
export async function campaignProgress(sql: SqlQueryable, campaign: CampaignAggregate, options: CampaignProgressOptions): Promise<CampaignProgress> {
  const unitIds = campaign.unitIds.filter((id) => options.visibleUnitIds?.has(id) ?? true);
  const { rows } =
    unitIds.length === 0
      ? { rows: [] }
      : await sql.query<{ doc: StoredReportSummary }>(
          'SELECT doc FROM rm_report_summaries WHERE organisation_id = ANY($1::text[]) AND year = $2 AND ($3::text IS NULL OR kind = $3::text)',
          [unitIds, campaign.year, campaign.kind],
        );
  return progressOf(campaign, unitIds, rows.map((r) => r.doc), options);
}

const stageOrder = new Map(defaultWorkflowDefinition.stages.map((stage, index) => [stage.id, index]));
const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

function reportState(summary: StoredReportSummary): ReportProgressState {
  switch (summary.status) {
    case 'draft':
      return summary.returned ? 'returned' : 'draft';
    case 'submitted':
      return 'in_review';
    case 'approved':
    case 'published':
      return summary.status;
  }
}

function timelinessOf(firstSubmittedAt: string | null, deadlineEnds: number, now: number): Timeliness {
  if (firstSubmittedAt !== null) return Date.parse(firstSubmittedAt) <= deadlineEnds ? 'on_time' : 'late';
  return now > deadlineEnds ? 'late' : 'pending';
}

function binOf(total: string): number {
  const bin = new Dec(total).div(10).floor().toNumber();
  return Math.min(9, Math.max(0, bin));
}

/** The pure part: categories per report and unit, and the totals over them. */
export function progressOf(campaign: CampaignAggregate, unitIds: readonly string[], summaries: readonly StoredReportSummary[], options: CampaignProgressOptions): CampaignProgress {
  const now = options.now.getTime();
  const byUnit = new Map<string, StoredReportSummary[]>();
  for (const summary of summaries) byUnit.set(summary.organisationId, [...(byUnit.get(summary.organisationId) ?? []), summary]);

  const totals: CampaignProgressTotals = {
    units: unitIds.length,
    reports: 0,
    unitsByState: zeros(progressStates),
    reportsByState: zeros(progressStates.filter((s): s is ReportProgressState => s !== 'not_started')),
    inReviewByStage: [],
    unitsByTimeliness: zeros(timelinessValues),
    reportsByTimeliness: zeros(timelinessValues),
    grades: zeros([...grades, 'none'] as const),
    scoreHistogram: Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i * 10 + 10, reports: 0 })),
  };
  const stages = new Map<string, { stageId: string; stageName: LocalizedText; reports: number }>();

  const units = unitIds.map((unitId): CampaignUnitProgress => {
    const deadline = deadlineOf(campaign, unitId);
    const deadlineEnds = endOfShanghaiDay(deadline).getTime();
    const own = (byUnit.get(unitId) ?? []).slice().sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.reportId.localeCompare(b.reportId));
    const reports = own.map((summary): CampaignReportProgress => {
      const state = reportState(summary);
      const stage = state === 'in_review' && summary.stage !== null && summary.review !== null ? { id: summary.stage, name: summary.review.stageName, enteredAt: summary.review.enteredAt } : null;
      return {
        reportId: summary.reportId,
        kind: summary.kind,
        projectName: summary.projectName,
        state,
        stage,
        firstSubmittedAt: summary.firstSubmittedAt,
        timeliness: timelinessOf(summary.firstSubmittedAt, deadlineEnds, now),
        computedTotal: summary.computedTotal,
        grade: summary.grade,
        reviewerTotal: summary.reviewerTotal,
      };
    });

    for (const report of reports) {
      totals.reports++;
      totals.reportsByState[report.state]++;
      totals.reportsByTimeliness[report.timeliness]++;
      if (report.stage !== null) {
        const entry = stages.get(report.stage.id) ?? { stageId: report.stage.id, stageName: report.stage.name, reports: 0 };
        entry.reports++;
        stages.set(report.stage.id, entry);
      }
      if (report.state === 'in_review' || report.state === 'approved' || report.state === 'published') {
        totals.grades[report.grade ?? 'none']++;
        if (report.computedTotal !== null) totals.scoreHistogram[binOf(report.computedTotal)]!.reports++;
      }
    }

    const state = reports.reduce<ProgressState>(
      (least, report) => (least === 'not_started' || progressStates.indexOf(report.state) < progressStates.indexOf(least) ? report.state : least),
      'not_started',
    );
    const timeliness: Timeliness =
      reports.length === 0
        ? timelinessOf(null, deadlineEnds, now)
        : reports.some((r) => r.timeliness === 'late')
          ? 'late'
          : reports.some((r) => r.timeliness === 'pending')
            ? 'pending'
            : 'on_time';
    totals.unitsByState[state]++;
    totals.unitsByTimeliness[timeliness]++;
    return {
      unitId,
      unitName: options.unitName?.(unitId) ?? own[0]?.unitName ?? null,
      deadline,
      deadlineExtended: deadline !== campaign.submissionDeadline,
      state,
      timeliness,
      reports,
    };
  });

  totals.inReviewByStage = [...stages.values()].sort(
    (a, b) => (stageOrder.get(a.stageId) ?? Infinity) - (stageOrder.get(b.stageId) ?? Infinity) || a.stageId.localeCompare(b.stageId),
  );
  return { campaignId: campaign.campaignId, year: campaign.year, kind: campaign.kind, asOf: options.now.toISOString(), totals, units };
}
