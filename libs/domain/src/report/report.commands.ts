import { z } from 'zod';
import { commandMetadataSchema } from '../shared/actor.js';
import { scoreString } from '../shared/decimal.js';
import { parseOrThrow } from '../shared/zod-problems.js';
import { fundingSources } from './report.model.js';
import { reviewCommandDataSchemas } from '../workflow/review.commands.js';
import {
  budgetAssessmentChangesSchema,
  budgetRowSchema,
  evaluationItemFieldsSchema,
  evidenceFieldsSchema,
  headerChangesSchema,
  headerSchema,
  idSchema,
  indicatorChangesSchema,
  indicatorFieldsSchema,
  narrativeFieldSchema,
  reportKindSchema,
} from './report.fields.js';

// Command payloads (`data`) are what an HTTP body carries; `metadata` (who, when) is added by the
// application from the authenticated user and its clock.

export const reportCommandDataSchemas = {
  CreateReport: z
    .object({
      reportId: idSchema,
      kind: reportKindSchema,
      /** The budget unit the report belongs to; defaults to the acting user's organisation. */
      organisationId: z.string().min(1).max(128).optional(),
      profileId: z.string().min(1).max(64).default('default'),
      header: headerSchema,
    })
    .strict(),
  UpdateHeader: z.object({ changes: headerChangesSchema }).strict(),
  SetBudgetRow: z.object({ source: z.enum(fundingSources), row: budgetRowSchema }).strict(),
  UpdateBudgetAssessment: z.object({ changes: budgetAssessmentChangesSchema }).strict(),
  AddIndicator: z
    .object({
      /** Supplied by the caller: the decider makes no ids. */
      indicatorId: idSchema,
      indicator: indicatorFieldsSchema,
      /** 0-based place in the table; appended when absent. */
      position: z.number().int().min(0).optional(),
    })
    .strict(),
  UpdateIndicator: z.object({ indicatorId: idSchema, changes: indicatorChangesSchema }).strict(),
  RemoveIndicator: z.object({ indicatorId: idSchema }).strict(),
  ReorderIndicators: z.object({ order: z.array(idSchema) }).strict(),
  SetEvaluationItem: z.object({ itemId: idSchema, item: evaluationItemFieldsSchema }).strict(),
  RemoveEvaluationItem: z.object({ itemId: idSchema }).strict(),
  SetNarrative: z.object({ field: narrativeFieldSchema, text: z.string().max(20000).nullable() }).strict(),
  SetSelfTotal: z.object({ value: scoreString.nullable() }).strict(),
  AttachEvidence: z.object({ evidenceId: idSchema, evidence: evidenceFieldsSchema }).strict(),
  DetachEvidence: z.object({ evidenceId: idSchema }).strict(),
  SubmitReport: z.object({}).strict(),
  WithdrawReport: z.object({ reason: z.string().max(2000).nullable().default(null) }).strict(),
  ...reviewCommandDataSchemas,
} as const;

export type ReportCommandType = keyof typeof reportCommandDataSchemas;
export const reportCommandTypes = Object.keys(reportCommandDataSchemas) as ReportCommandType[];

function commandSchema<T extends ReportCommandType>(type: T) {
  return z.object({ type: z.literal(type), data: reportCommandDataSchemas[type], metadata: commandMetadataSchema }).strict();
}

export const reportCommandSchema = z.discriminatedUnion('type', [
  commandSchema('CreateReport'),
  commandSchema('UpdateHeader'),
  commandSchema('SetBudgetRow'),
  commandSchema('UpdateBudgetAssessment'),
  commandSchema('AddIndicator'),
  commandSchema('UpdateIndicator'),
  commandSchema('RemoveIndicator'),
  commandSchema('ReorderIndicators'),
  commandSchema('SetEvaluationItem'),
  commandSchema('RemoveEvaluationItem'),
  commandSchema('SetNarrative'),
  commandSchema('SetSelfTotal'),
  commandSchema('AttachEvidence'),
  commandSchema('DetachEvidence'),
  commandSchema('SubmitReport'),
  commandSchema('WithdrawReport'),
  commandSchema('ApproveReport'),
  commandSchema('ReturnReport'),
  commandSchema('SetReviewerScore'),
  commandSchema('PublishReport'),
  commandSchema('ReopenReport'),
]);

export type ReportCommand = z.output<typeof reportCommandSchema>;
export type ReportCommandOf<T extends ReportCommandType> = Extract<ReportCommand, { type: T }>;
/** What a caller writes: defaults may be left out. */
export type ReportCommandInput = z.input<typeof reportCommandSchema>;

/** Validates an untrusted command; a DomainError (code COMMAND_INVALID) names every bad field. */
export function parseReportCommand(input: unknown): ReportCommand {
  return parseOrThrow(reportCommandSchema, input, 'COMMAND_INVALID');
}
