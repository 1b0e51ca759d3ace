// Public surface of the pure domain library (no framework, no I/O).

export { Dec, fixed2, moneyString, percentString, scoreString } from './shared/decimal.js';
export { DomainError, isDomainError, type Problem } from './shared/domain-error.js';
export { text, type Locale, type LocalizedText } from './shared/i18n.js';
export { formatPath, parseOrThrow, zodIssuesToProblems } from './shared/zod-problems.js';
export { actorSchema, commandMetadataSchema, roles, type Actor, type CommandMetadata, type Role } from './shared/actor.js';

export * from './report/report.model.js';
export {
  reportCommandDataSchemas,
  reportCommandSchema,
  reportCommandTypes,
  parseReportCommand,
  type ReportCommand,
  type ReportCommandInput,
  type ReportCommandOf,
  type ReportCommandType,
} from './report/report.commands.js';
export {
  reportEventSchemas,
  reportEventTypes,
  reportEventUpcasters,
  isReportEventType,
  parseStoredReportEvent,
  upcastReportEvent,
  upcastStoredReportEvent,
  checkedReportEvents,
  createUpcaster,
  type UpcasterSteps,
  type ReportEvent,
  type ReportEventData,
  type ReportEventOf,
  type ReportEventType,
  type ReportEventUpcasters,
  type Upcaster,
} from './report/report.events.js';
export { decide, type ReportDeciderOptions } from './report/report.decider.js';
export {
  evolve,
  evolveAll,
  initialState,
  reportStatuses,
  reportStreamId,
  type ReportAggregate,
  type ReportState,
  type ReportStatus,
} from './report/report.state.js';
export {
  contentToDocument,
  documentToContent,
  parseReportDocument,
  reportDocumentSchema,
  toReportView,
  type ReportDocument,
  type ReportDocumentInput,
  type ReportView,
} from './report/report.document.js';

export { parseQuantity, type BoundOp, type ParsedQuantity, type ParseFailure } from './scoring/actual-parser.js';
export { gradeFor, gradeLabels, grades, type Grade } from './scoring/grade.js';
export { scoreIndicator, type IndicatorRule, type IndicatorScore, type NotComparableCode } from './scoring/indicator-score.js';
export { parseRuleProfile, ruleProfileSchema, type RuleProfile, type RuleProfileJson } from './scoring/rule-profile.js';
export { builtInProfiles, getRuleProfile, ruleProfiles, type ProfileLookup } from './scoring/profiles/index.js';
export {
  executionRate,
  scoreReport,
  toScoreView,
  type EvaluationItemScore,
  type ExecutionScore,
  type ReportScore,
  type ReportScoreView,
} from './scoring/score-report.js';

export { checkCatalogue, checkCodes, type Check, type CheckCode, type Severity } from './checks/check-catalogue.js';
export { runChecks, summariseChecks, type CheckSummary } from './checks/checks.js';
export { scoreReportFile, type ScoreFileResult } from './file/score-report-file.js';
export * from './audit/index.js';
export * from './directory/index.js';

export {
  DEFAULT_WORKFLOW_ID,
  defaultWorkflow,
  defaultWorkflowDefinition,
  parseWorkflowDefinition,
  reviewRoles,
  workflowDefinitionSchema,
  workflowSnapshotSchema,
  workflowStageSchema,
  type ReviewRole,
  type WorkflowDefinition,
  type WorkflowDefinitionInput,
  type WorkflowSnapshot,
  type WorkflowStage,
} from './workflow/workflow.definition.js';
export { reviewCommandDataSchemas, reviewCommandTypes, type ReviewCommandType } from './workflow/review.commands.js';
export { opinionSchema, type Opinion } from './workflow/review.events.js';
export type { ReviewState, ReviewerScore, ReturnRecord, StageApproval } from './workflow/review.state.js';
export type { ReviewContext } from './workflow/review.decider.js';
export {
  currentWorkflow,
  decideWorkflow,
  defineWorkflowCommandSchema,
  evolveWorkflow,
  parseDefineWorkflow,
  parseStoredWorkflowEvent,
  workflowEventSchemas,
  workflowStreamId,
  type DefineWorkflow,
  type WorkflowEvent,
  type WorkflowState,
} from './workflow/workflow.decider.js';
export * from './campaign/index.js';

export * from './calendar/index.js';
export * from './deadlines/index.js';
export { reviewedTotal, type ReviewedTotal } from './workflow/reviewer-total.js';
export { stageDue, stageDueAt, type StageDue, type StageDueAt } from './workflow/stage-due.js';
export * from './scoring/records/index.js';
export * from './scoring/profiles-store/index.js';
