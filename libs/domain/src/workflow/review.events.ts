import { z } from 'zod';
import { scoreString } from '../shared/decimal.js';
import { eventPayload } from '../shared/event-payload.js';
import { gradeSchema } from '../scoring/grade.js';
import { defaultWorkflow, reviewRoles, stageIdSchema, workflowSnapshotSchema } from './workflow.definition.js';

/** An opinion (审核意见) on the report as a whole (path '') or on one field or indicator. */
export const opinionSchema = z
  .object({
    path: z.string().max(200),
    text: z.string().trim().min(1).max(5000),
  })
  .strict();
export type Opinion = z.output<typeof opinionSchema>;

const submittedScore = z
  .object({ profileId: z.string(), profileVersion: z.number().int(), total: z.string(), grade: gradeSchema.nullable() })
  .strict();

/**
 * The review workflow's events. They live in the report's own stream, so one revision number
 * orders edits and review actions, and a reviewer acts on exactly the revision they saw.
 */
export const reviewEventSchemas = {
  ReportSubmitted: {
    version: 2,
    schema: eventPayload({
      /** The score as the submitter saw it; profiles change later, this record does not. */
      score: submittedScore,
      /** The workflow this submission goes through, kept with the report from its first submission on. */
      workflow: workflowSnapshotSchema,
    }),
  },
  ReviewStageEntered: {
    version: 1,
    schema: eventPayload({
      stageId: stageIdSchema,
      stageIndex: z.number().int().min(0),
      role: z.enum(reviewRoles),
      approvalsRequired: z.number().int().min(1),
      timeLimitWorkingDays: z.number().int().min(1).nullable(),
      /** Which submission of the report this is (1 for the first). */
      cycle: z.number().int().min(1),
    }),
  },
  ReviewApproved: {
    version: 1,
    schema: eventPayload({
      stageId: stageIdSchema,
      /** The report revision the approver saw and approved. */
      revision: z.number().int().min(0),
      opinion: z.string().trim().min(1).max(5000).nullable(),
    }),
  },
  /** 退回修改: back to draft, or to the previous stage when the workflow says so. */
  ReportReturned: {
    version: 2,
    schema: eventPayload({
      stage: z.string().max(64).nullable(),
      opinion: z.string().max(20000).nullable(),
      opinions: z.array(opinionSchema).max(200),
      to: z.enum(['draft', 'previous']),
    }),
  },
  ReviewerScoreSet: {
    version: 1,
    schema: eventPayload({
      stageId: stageIdSchema,
      /** An indicator (`indicators[id]`), an evaluation item (`evaluationItems[id]`) or `budget` (the execution rate item). */
      path: z.string().max(200),
      /** null clears the reviewer score: the computed score stands again. */
      score: scoreString.nullable(),
      reason: z.string().trim().min(1).max(5000),
    }),
  },
  /** The last stage approved: the chain is complete. */
  ReportApproved: { version: 1, schema: eventPayload({}) },
  ReportPublished: { version: 1, schema: eventPayload({}) },
  /** After approval, the performance officer sends the report back to the unit for a new cycle. */
  ReportReopened: { version: 1, schema: eventPayload({ reason: z.string().trim().min(1).max(5000) }) },
} as const;

/** Steps from the payload versions written before the workflow existed. */
export const reviewEventUpcasters = {
  ReportSubmitted: {
    // Before workflows were data, every submission went through the built-in chain.
    1: (data: unknown) => ({ ...(data as object), workflow: defaultWorkflow }),
  },
  ReportReturned: {
    1: (data: unknown) => ({ ...(data as object), opinions: [], to: 'draft' }),
  },
} as const;
