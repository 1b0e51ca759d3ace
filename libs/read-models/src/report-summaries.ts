import {
  chinaCalendarYears,
  chinaWorkingDayCalendar,
  getRuleProfile,
  reviewedTotal,
  stageDueAt,
  type Grade,
  type ReportAggregate,
  type ReportKind,
  type ReportScoreView,
  type ReportStatus,
} from '#domain';
import { scoringOf, utc, type FoldedReport } from './report-fold.js';
import { addGeneratedColumns, unlessColumnExists, type GeneratedColumn } from './schema-guard.js';

/**
 * A stage's due instant is computed with the built-in working-day calendar when the row is folded
 * (as the inbox computes it when read): a year added to the calendar must recompute the rows, so
 * the documents' projection version counts the years.
 */
const calendar = chinaWorkingDayCalendar();
export const calendarFingerprint = chinaCalendarYears.length;

/**
 * One report as the list read model stores it: what the filters, the sort orders and a list row
 * need, except whether it is overdue, which depends on when it is read (see ReportSummary).
 */
export interface StoredReportSummary {
  reportId: string;
  /** The budget unit the report belongs to. */
  organisationId: string;
  /** Null: report events do not name the unit's department or bureau (filter by subtree instead). */
  departmentId: string | null;
  financeBureauId: string | null;
  year: number;
  kind: ReportKind;
  unitName: string;
  competentDepartment: string | null;
  projectCode: string | null;
  projectName: string | null;
  profileId: string;
  status: ReportStatus;
  /** The review stage acting now; null unless in review. */
  stage: string | null;
  /** Who acts at that stage, when it began, its time limit, and who approved it so far. */
  review: {
    stageName: { 'zh-CN': string; en: string };
    role: string;
    enteredAt: string | null;
    timeLimitWorkingDays: number | null;
    /**
     * The end (UTC) of the stage's last working day: its time limit counted in working days from
     * the day it began. Null without a time limit, or when the calendar lacks the year.
     */
    dueAt: string | null;
    approvalsRequired: number;
    approvedBy: string[];
    /** Users who may not approve this stage (segregation of duties): they never see it in their inbox. */
    barred: string[];
  } | null;
  /** First submission ever (UTC), for on-time / late against a campaign deadline. */
  firstSubmittedAt: string | null;
  /** The total with reviewer scores (核查分数) in place of computed ones; null when none is set. */
  reviewerTotal: string | null;
  reviewerGrade: Grade | null;
  returned: boolean;
  /** The total as the form states it. */
  selfTotal: string | null;
  /** The total computed by the rule profile at this revision; null when it cannot be scored. */
  computedTotal: string | null;
  /** False while some item cannot be scored automatically (then there is no grade). */
  complete: boolean;
  grade: Grade | null;
  errors: number;
  warnings: number;
  revision: number;
  /** UTC instants, so that they sort as text. */
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
}

/** One report in a list, as GET /reports returns it. */
export interface ReportSummary extends StoredReportSummary {
  /**
   * Judged when the list is read, against the platform clock: in review, when the current stage's
   * due instant (review.dueAt) has passed; in draft (returned drafts too), when the submission
   * deadline of a campaign asking the unit for this report (its own extension, else the
   * campaign's) is over; otherwise never.
   */
  overdue: boolean;
}

export function summarise(folded: FoldedReport): StoredReportSummary {
  const { state, revision } = folded;
  const { header } = state.content;
  const { score, checkSummary } = scoringOf(folded);
  const review = currentStage(state);
  const reviewed = score && state.review ? reviewedTotalOf(score, state) : null;
  return {
    reportId: state.id,
    organisationId: state.organisationId,
    departmentId: null,
    financeBureauId: null,
    year: header.year,
    kind: state.content.kind,
    unitName: header.unit,
    competentDepartment: header.competentDepartment,
    projectCode: header.projectCode,
    projectName: header.projectName,
    profileId: state.content.profileId,
    status: state.status,
    stage: review?.stageId ?? null,
    review: review?.summary ?? null,
    firstSubmittedAt: state.review ? utc(state.review.firstSubmittedAt) : null,
    reviewerTotal: reviewed?.total ?? null,
    reviewerGrade: reviewed?.grade ?? null,
    returned: state.status === 'draft' && state.lastReturn !== null,
    selfTotal: state.content.selfTotal === null ? null : state.content.selfTotal.toFixed(),
    computedTotal: score?.total ?? null,
    complete: score?.complete ?? false,
    grade: score?.grade ?? null,
    errors: checkSummary.errors,
    warnings: checkSummary.warnings,
    revision,
    createdAt: utc(state.createdAt),
    updatedAt: utc(state.updatedAt),
    submittedAt: utc(state.submittedAt),
  };
}

function currentStage(state: ReportAggregate) {
  const review = state.review;
  if (state.status !== 'submitted' || !review) return null;
  const stage = review.workflow.stages[review.stageIndex]!;
  const approvedBy = review.approvals.map((a) => a.userId);
  const otherStage = Object.entries(review.approvedStageOf).filter(([, stageId]) => stageId !== stage.id).map(([userId]) => userId);
  const barred = [...new Set([...state.editors, ...state.submitters, ...approvedBy, ...otherStage])].sort();
  const enteredAt = review.stageEnteredAt === null ? null : utc(review.stageEnteredAt);
  return {
    stageId: stage.id,
    summary: {
      stageName: stage.name,
      role: stage.role,
      enteredAt,
      timeLimitWorkingDays: stage.timeLimitWorkingDays,
      dueAt: stageDueAt(calendar, enteredAt, stage.timeLimitWorkingDays)?.dueAt ?? null,
      approvalsRequired: stage.approvals,
      approvedBy,
      barred,
    },
  };
}

function reviewedTotalOf(score: ReportScoreView, state: ReportAggregate) {
  try {
    return reviewedTotal(score, state.review!.reviewerScores, getRuleProfile(state.content.profileId));
  } catch {
    return null;
  }
}

/**
 * The list read model, `rm_report_summaries`: a view over the summary each report document
 * carries, with the columns lists filter and sort on generated (stored) from it. A view rather
 * than a projection of its own: a summary's score, grade and check counts need the whole report,
 * so a separate projection would have to store the whole report a second time and fold every
 * event twice, for rows that must always equal what the documents say anyway.
 *
 * No column says whether a report is overdue: that depends on when the list is read, so queries
 * judge it then (list-reports.ts) from `due_at` and the campaigns' deadlines.
 */
const summaryColumns: readonly GeneratedColumn[] = [
  ['summary', 'jsonb', `doc->'summary'`],
  ['organisation_id', 'text', `doc->'summary'->>'organisationId'`],
  ['department_id', 'text', `doc->'summary'->>'departmentId'`],
  ['year', 'int', `(doc->'summary'->>'year')::int`],
  ['kind', 'text', `doc->'summary'->>'kind'`],
  ['status', 'text', `doc->'summary'->>'status'`],
  ['stage', 'text', `doc->'summary'->>'stage'`],
  ['grade', 'text', `doc->'summary'->>'grade'`],
  ['computed_total', 'numeric', `(doc->'summary'->>'computedTotal')::numeric`],
  ['unit_name', 'text', `doc->'summary'->>'unitName'`],
  ['updated_at', 'text', `doc->'summary'->>'updatedAt'`],
  ['submitted_at', 'text', `doc->'summary'->>'submittedAt'`],
  // Free-text search with lower() and LIKE: pg_trgm is not on every server, nor in PGlite by
  // default. A substring match cannot use a b-tree; it runs on the rows the visibility, year and
  // other filters leave, which the indexes narrow first.
  [
    'search',
    'text',
    `lower(coalesce(doc->'summary'->>'unitName', '') || ' ' || coalesce(doc->'summary'->>'projectName', '') || ' ' || coalesce(doc->'summary'->>'projectCode', ''))`,
  ],
  ['stage_role', 'text', `doc->'summary'->'review'->>'role'`],
  // The end of the current review stage's time limit (ISO, UTC, so it compares as text).
  // The newest column last: the migration runs when the view lacks it.
  ['due_at', 'text', `doc->'summary'->'review'->>'dueAt'`],
];

/** Columns of earlier versions that no longer exist (overdue was a constant stored at fold time). */
const droppedColumns = ['overdue'];

// The view is dropped first and created again: its columns may change in any way, and the DDL locks
// the view before the table, in the order a query does, so a list query running meanwhile waits
// instead of deadlocking.
const summariesDdl = [
  'DROP VIEW IF EXISTS rm_report_summaries;',
  ...droppedColumns.map((name) => `ALTER TABLE rm_report_documents DROP COLUMN IF EXISTS ${name};`),
  ...addGeneratedColumns('rm_report_documents', summaryColumns),
  'CREATE INDEX IF NOT EXISTS rm_report_documents_organisation_year ON rm_report_documents (organisation_id, year, kind);',
  'CREATE INDEX IF NOT EXISTS rm_report_documents_year_kind ON rm_report_documents (year, kind);',
  'CREATE INDEX IF NOT EXISTS rm_report_documents_status ON rm_report_documents (status, stage);',
  'CREATE INDEX IF NOT EXISTS rm_report_documents_grade ON rm_report_documents (grade);',
  'CREATE INDEX IF NOT EXISTS rm_report_documents_inbox ON rm_report_documents (stage_role, organisation_id) WHERE stage_role IS NOT NULL;',
  'CREATE INDEX IF NOT EXISTS rm_report_documents_updated ON rm_report_documents (updated_at DESC, id);',
  'CREATE INDEX IF NOT EXISTS rm_report_documents_due ON rm_report_documents (due_at) WHERE due_at IS NOT NULL;',
  `CREATE VIEW rm_report_summaries AS
  SELECT id, summary AS doc, position, ${summaryColumns.filter(([name]) => name !== 'summary').map(([name]) => name).join(', ')}
  FROM rm_report_documents;`,
];

/** Run by every runner at start; the DDL runs only when the view lacks its newest column. */
export const reportSummariesSchema = unlessColumnExists('rm_report_summaries', summaryColumns.at(-1)![0], summariesDdl);
