import type { Actor, Comparator, Evidence, FundingSource, Level1, NarrativeField, QualitativeBand, ReportHeader, ReportKind, ReportStatus, ReportView, ReviewRole, Role } from '#domain';
import type { CampaignProgress as CampaignProgressOfUnits } from '../../../../libs/read-models/src/queries/campaign-progress.types.js';
import type { LocalizedText } from '../i18n/text.js';

// Wire shapes of the API, as it serves them (decimals are strings). Where the domain's or a read
// model's own type is already plain JSON it is imported (types only: nothing of the server
// reaches the bundle); the rest is kept by hand, since the API's OpenAPI document describes
// bodies, not these representations.

export type {
  Actor,
  Comparator,
  Evidence,
  FundingSource,
  Level1,
  ReportHeader as Header,
  NarrativeField,
  Opinion as ReviewOpinion,
  QualitativeBand,
  ReportKind,
  ReportStatus,
  ReturnRecord,
  ReviewerScore,
  ReviewRole,
  ReviewState,
  Role,
  StageApproval,
  WorkflowSnapshot,
  WorkflowStage,
} from '#domain';
export type { CampaignReportProgress, CampaignUnitProgress, ProgressState, Timeliness } from '../../../../libs/read-models/src/queries/campaign-progress.types.js';

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

export interface ReportDocument {
  id: string;
  kind: ReportKind;
  profileId: string;
  header: ReportHeader;
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

/** The domain's view of the report (see ReportView), with the document as this client reads it, and its scores and checks. */
export interface ReportRepresentation extends Omit<ReportView, 'report'> {
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

/** What GET /campaigns/:id/progress answers: the progress, with the campaign as the API represents it. */
export interface CampaignProgress extends CampaignProgressOfUnits {
  campaign: Campaign;
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
