import type { Grade, LocalizedText, ReportKind } from '#domain';

// Campaign progress as the API serves it: plain JSON, and nothing imported but domain types, so
// that the web workbench can share these types (the queries are in campaign-progress.ts).

/** Ordered from nothing done to done: a unit is as far as its least advanced report. */
export const progressStates = ['not_started', 'draft', 'returned', 'in_review', 'approved', 'published'] as const;
export type ProgressState = (typeof progressStates)[number];
export type ReportProgressState = Exclude<ProgressState, 'not_started'>;

/**
 * on_time: first submitted by the end of the deadline day (Asia/Shanghai); late: submitted after
 * it, or not submitted and the day is over; pending: not submitted yet, the deadline still ahead.
 */
export const timelinessValues = ['on_time', 'late', 'pending'] as const;
export type Timeliness = (typeof timelinessValues)[number];

export interface CampaignReportProgress {
  reportId: string;
  kind: ReportKind;
  projectName: string | null;
  state: ReportProgressState;
  /** The stage acting now, while in review. */
  stage: { id: string; name: LocalizedText; enteredAt: string | null } | null;
  firstSubmittedAt: string | null;
  timeliness: Timeliness;
  computedTotal: string | null;
  grade: Grade | null;
  reviewerTotal: string | null;
}

export interface CampaignUnitProgress {
  unitId: string;
  /** From the directory when the caller knows it, else as the unit's report names it; null when neither does. */
  unitName: string | null;
  /** The deadline that applies to the unit (its own extension, else the campaign's). */
  deadline: string;
  deadlineExtended: boolean;
  state: ProgressState;
  timeliness: Timeliness;
  reports: CampaignReportProgress[];
}

export interface ScoreBin {
  /** Inclusive. */
  from: number;
  /** Exclusive, but the last bin includes 100. */
  to: number;
  reports: number;
}

export interface CampaignProgressTotals {
  units: number;
  reports: number;
  unitsByState: Record<ProgressState, number>;
  reportsByState: Record<ReportProgressState, number>;
  /** Reports in review per stage, in the default workflow's order, other stages after it by id. */
  inReviewByStage: Array<{ stageId: string; stageName: LocalizedText; reports: number }>;
  unitsByTimeliness: Record<Timeliness, number>;
  reportsByTimeliness: Record<Timeliness, number>;
  /** Over submitted reports (in review, approved, published): a draft's score still moves. none: not completely scorable. */
  grades: Record<Grade | 'none', number>;
  /** 10-point bins of the computed total, over the same submitted reports; reports without a total are left out. */
  scoreHistogram: ScoreBin[];
}

export interface CampaignProgress {
  campaignId: string;
  year: number;
  kind: ReportKind | null;
  /** The instant the late / pending split was computed at. */
  asOf: string;
  totals: CampaignProgressTotals;
  units: CampaignUnitProgress[];
}
