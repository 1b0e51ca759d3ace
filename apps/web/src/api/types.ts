import type { LocalizedText } from '../i18n/text.js';

// Wire shapes of the API, as it serves them (decimals are strings). Kept by hand: the API's
// OpenAPI document describes bodies, not these representations.

export type Role = 'unit_filler' | 'unit_leader' | 'department_reviewer' | 'finance_reviewer' | 'performance_officer' | 'auditor' | 'admin';

export interface SessionUser {
  userId: string;
  role: Role;
  organisationId: string;
  displayName: string;
}

export interface LoginResponse {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: SessionUser;
}

export interface OrganisationRef {
  organisationId: string;
  kind: 'finance_bureau' | 'department' | 'unit';
  name: string;
}

export interface Me extends SessionUser {
  username: string;
  organisation: OrganisationRef;
  lineage: OrganisationRef[];
  scopeRootId: string;
}

export interface Actor {
  userId: string;
  role: Role;
  organisationId: string;
}

export type ReportKind = 'department' | 'project';
export type ReportStatus = 'draft' | 'submitted' | 'approved' | 'published';
export type FundingSource = 'total' | 'fiscal' | 'specialAccount' | 'unit' | 'other';
export type Level1 = 'output' | 'benefit' | 'satisfaction' | 'cost';
export type Comparator = '≥' | '>' | '=' | '≤' | '<' | '定性';
export type QualitativeBand = 'achieved' | 'partial' | 'failed';
export type NarrativeField = 'goal' | 'achievement' | 'implementation' | 'conclusion' | 'problems' | 'improvements';

export interface Header {
  unit: string;
  competentDepartment: string | null;
  implementingUnit: string | null;
  year: number;
  projectCode: string | null;
  projectName: string | null;
}

export interface BudgetRow {
  initial: string | null;
  adjusted: string | null;
  executed: string | null;
  statedRate: string | null;
}

export type Budget = Partial<Record<FundingSource, BudgetRow>> & { selfScore: string | null; explanation: string | null };

export interface Indicator {
  id: string;
  level1: Level1;
  level2: string;
  name: string;
  comparator: Comparator;
  target: string | null;
  unit: string | null;
  actual: string | null;
  weight: string;
  selfScore: string | null;
  explanation: string | null;
  qualitativeBand: QualitativeBand | null;
}

export interface EvaluationItem {
  id: string;
  category: string;
  maximum: string | null;
  score: string | null;
  justification: string | null;
}

export interface Evidence {
  id: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  description: string | null;
  indicatorId: string | null;
  attachedAt: string;
  attachedBy: string;
}

export interface ReportDocument {
  id: string;
  kind: ReportKind;
  profileId: string;
  header: Header;
  budget: Budget;
  narrative: Record<NarrativeField, string | null>;
  indicators: Indicator[];
  evaluationItems: EvaluationItem[];
  evidence: Evidence[];
  selfTotal: string | null;
}

export interface IndicatorScore {
  indicatorId: string;
  weight: string;
  score: string | null;
  rule: string;
  reason: { code: string; message: LocalizedText } | null;
  attainmentPercent: string | null;
}

export interface ScoreView {
  profile: { id: string; version: number };
  execution: { rule: string; weight: string; rate: string | null; score: string | null; reason: { code: string; message: LocalizedText } | null };
  indicators: IndicatorScore[];
  evaluationItems: Array<{ itemId: string; maximum: string | null; score: string | null; rule: string }>;
  indicatorTotal: string;
  evaluationTotal: string;
  maximum: string;
  total: string;
  complete: boolean;
  grade: '优' | '良' | '中' | '差' | null;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Check {
  code: string;
  severity: Severity;
  path: string;
  message: LocalizedText;
  details?: Record<string, unknown>;
}

export interface ReviewOpinion {
  path: string;
  text: string;
}

export type ReviewRole = 'unit_leader' | 'department_reviewer' | 'finance_reviewer' | 'performance_officer';

export interface WorkflowStage {
  id: string;
  name: LocalizedText;
  role: ReviewRole;
  /** Whether this stage may set reviewer scores (核查分数). */
  mayScore: boolean;
  /** Distinct approvers needed: 2 or more is four-eyes. */
  approvals: number;
  timeLimitWorkingDays: number | null;
  returnTo: 'draft' | 'previous';
}

export interface WorkflowSnapshot {
  id: string;
  version: number;
  stages: WorkflowStage[];
  resubmission: 'restart' | 'resume';
}

export interface StageApproval {
  stageId: string;
  userId: string;
  at: string;
  revision: number;
  opinion: string | null;
}

export interface ReviewerScore {
  score: string | null;
  reason: string;
  stageId: string;
  by: Actor;
  at: string;
}

/** Where a report stands in its workflow (null until its first submission). */
export interface ReviewState {
  workflow: WorkflowSnapshot;
  cycle: number;
  /** The stage acting now (while submitted), or the last stage that acted. */
  stageIndex: number;
  stageEnteredAt: string | null;
  firstSubmittedAt: string;
  /** Approvals of the current stage in the current cycle. */
  approvals: StageApproval[];
  reviewedThisCycle: boolean;
  /** Each user's approved stage, over every cycle. */
  approvedStageOf: Record<string, string>;
  /** By item path: `budget`, `indicators[<id>]`, `evaluationItems[<id>]`. */
  reviewerScores: Record<string, ReviewerScore>;
  resumeAt: number | null;
  approvedAt: string | null;
  publishedAt: string | null;
}

export interface ReturnRecord {
  at: string;
  by: Actor;
  stage: string | null;
  opinion: string | null;
  /** Opinions on single fields, named by the checks' paths. */
  opinions?: ReviewOpinion[];
  to?: 'draft' | 'previous';
}

export interface ReportRepresentation {
  id: string;
  status: ReportStatus;
  organisationId: string;
  createdAt: string;
  createdBy: Actor;
  updatedAt: string;
  submittedAt: string | null;
  submittedBy: Actor | null;
  editors: string[];
  submitters?: string[];
  /** The last return to the filler. */
  lastReturn: ReturnRecord | null;
  review?: ReviewState | null;
  /** The total with reviewer scores in place of computed ones; null while none is set. */
  reviewerTotal?: { total: string; grade: ScoreView['grade']; reviewed: number } | null;
  report: ReportDocument;
  revision: number;
  score: ScoreView;
  checks: Check[];
  checkSummary: { errors: number; warnings: number; infos: number; submittable: boolean };
}

/** The acting stage of a report in review, as lists carry it. */
export interface StageSummary {
  stageName: LocalizedText;
  role: ReviewRole;
  enteredAt: string | null;
  timeLimitWorkingDays: number | null;
  /** The end of the stage's last working day (UTC); null without a time limit or calendar data. */
  dueAt: string | null;
  approvalsRequired: number;
  approvedBy: string[];
  /** Users who may not approve this stage (segregation of duties). */
  barred: string[];
}

export interface ReportSummary {
  reportId: string;
  kind: ReportKind;
  year: number;
  status: ReportStatus;
  stage: string | null;
  review?: StageSummary | null;
  reviewerTotal?: string | null;
  reviewerGrade?: string | null;
  returned?: boolean;
  grade: string | null;
  errors: number;
  warnings: number;
  /**
   * Whether it is overdue when listed: in review, past its stage's due day; in draft, past its
   * unit's deadline in a campaign asking for it (extensions included).
   */
  overdue: boolean;
  complete: boolean;
  revision: number;
  unitName: string;
  projectCode: string | null;
  projectName: string | null;
  competentDepartment: string | null;
  computedTotal: string | null;
  selfTotal: string | null;
  organisationId: string;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface FieldChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  label: LocalizedText;
  before: unknown;
  after: unknown;
}

export interface HistoryEntry {
  revision: number;
  position: string;
  type: string;
  at: string;
  actor: Actor;
  reason: string | null;
  correlationId: string;
  hash: string;
  changes: FieldChange[];
}

export interface History {
  reportId: string;
  total: number;
  page: number;
  pageSize: number;
  items: HistoryEntry[];
}

export interface Diff {
  reportId: string;
  from: number;
  to: number;
  changes: FieldChange[];
}

export type Verification =
  | { ok: true; streamId: string; events: number; lastHash: string | null }
  | { ok: false; streamId: string; events: number; brokenAt: number; reason: 'hash_mismatch' | 'previous_hash_mismatch' | 'revision_gap'; expected: string; found: string };

export interface OrganisationNode extends OrganisationRef {
  parentId: string | null;
  children: OrganisationNode[];
}

// ── review inbox ───────────────────────────────────────────────────────────

export interface StageDue {
  dueDate: string;
  dueAt: string;
  overdue: boolean;
}

export interface InboxItem extends ReportSummary {
  /** Null without a time limit, or when the working-day calendar lacks the year. */
  due: StageDue | null;
}

export interface StageCount {
  stage: string;
  stageName: LocalizedText;
  role: ReviewRole;
  count: number;
}

// ── campaigns ──────────────────────────────────────────────────────────────

export interface CampaignExtension {
  at: string;
  by: Actor;
  unitId: string | null;
  deadline: string;
  reason: string;
}

export interface Campaign {
  campaignId: string;
  financeBureauId: string;
  year: number;
  name: string;
  kind: ReportKind | null;
  unitIds: string[];
  submissionDeadline: string;
  unitDeadlines: Record<string, string>;
  reminderOffsets: Array<{ workingDays: number; escalate: boolean }>;
  stageTimeLimits: Record<string, number> | null;
  openedAt: string;
  revision: number;
  extensions: CampaignExtension[];
}

export const progressStates = ['not_started', 'draft', 'returned', 'in_review', 'approved', 'published'] as const;
export type ProgressState = (typeof progressStates)[number];
export type Timeliness = 'on_time' | 'late' | 'pending';

export interface CampaignReportProgress {
  reportId: string;
  kind: ReportKind;
  projectName: string | null;
  state: Exclude<ProgressState, 'not_started'>;
  stage: { id: string; name: LocalizedText; enteredAt: string | null } | null;
  firstSubmittedAt: string | null;
  timeliness: Timeliness;
  computedTotal: string | null;
  grade: string | null;
  reviewerTotal: string | null;
}

export interface CampaignUnitProgress {
  unitId: string;
  unitName: string | null;
  deadline: string;
  deadlineExtended: boolean;
  state: ProgressState;
  timeliness: Timeliness;
  reports: CampaignReportProgress[];
}

export interface CampaignProgress {
  campaignId: string;
  year: number;
  kind: ReportKind | null;
  asOf: string;
  campaign: Campaign;
  totals: {
    units: number;
    reports: number;
    unitsByState: Record<ProgressState, number>;
    reportsByState: Record<Exclude<ProgressState, 'not_started'>, number>;
    inReviewByStage: Array<{ stageId: string; stageName: LocalizedText; reports: number }>;
    unitsByTimeliness: Record<Timeliness, number>;
    reportsByTimeliness: Record<Timeliness, number>;
    grades: Record<'优' | '良' | '中' | '差' | 'none', number>;
    scoreHistogram: Array<{ from: number; to: number; reports: number }>;
  };
  units: CampaignUnitProgress[];
}

// ── notifications ──────────────────────────────────────────────────────────

export interface AppNotification {
  notificationId: string;
  kind: 'reminder' | 'escalation';
  phase: 'before' | 'due' | 'overdue';
  title: string;
  body: string;
  dueDate: string;
  createdAt: string;
  readAt: string | null;
  read: boolean;
  subject: { kind: string; [key: string]: string };
  deadlineId: string;
}

export interface NotificationPage extends Page<AppNotification> {
  unread: number;
}
