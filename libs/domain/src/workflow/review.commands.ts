import { z } from 'zod';
import { scoreString } from '../shared/decimal.js';
import { opinionSchema } from './review.events.js';
import { stageIdSchema } from './workflow.definition.js';

// Review actions are commands on the report itself: they append to its stream with the revision
// the reviewer saw, so a reviewer never approves a version they did not see. Each names the stage
// it acts at, so an action from a stale screen is refused rather than applied to the next stage.

export const reviewCommandDataSchemas = {
  ApproveReport: z.object({ stageId: stageIdSchema, opinion: z.string().trim().min(1).max(5000).nullable().default(null) }).strict(),
  ReturnReport: z
    .object({
      stageId: stageIdSchema,
      /** The opinion on the report as a whole: a return always says why. */
      opinion: z.string().trim().min(1).max(5000),
      /** Opinions on single fields or indicators, shown beside them to the filler. */
      opinions: z.array(opinionSchema).max(200).default([]),
    })
    .strict(),
  SetReviewerScore: z
    .object({
      stageId: stageIdSchema,
      path: z.string().min(1).max(200),
      score: scoreString.nullable(),
      reason: z.string().trim().min(1).max(5000),
    })
    .strict(),
  PublishReport: z.object({}).strict(),
  ReopenReport: z.object({ reason: z.string().trim().min(1).max(5000) }).strict(),
} as const;

export type ReviewCommandType = keyof typeof reviewCommandDataSchemas;
export const reviewCommandTypes = Object.keys(reviewCommandDataSchemas) as ReviewCommandType[];
