import { z } from 'zod';
import { calendarDateSchema } from '../calendar/local-date.js';
import { parseOrThrow } from '../shared/zod-problems.js';
import {
  deadlineActorSchema,
  deadlineCauseSchema,
  deadlineIdSchema,
  deadlineSubjectSchema,
  recipientSpecSchema,
  deadlineOffsetsSchema,
  resolvedRecipientSchema,
} from './deadline.model.js';

const reason = z.string().trim().min(1).max(2000);
const cause = deadlineCauseSchema.nullable().default(null);

/** Commands come from the worker's process manager and wake-ups, never from HTTP; they are still parsed. */
export const deadlineCommandDataSchemas = {
  ScheduleDeadline: z
    .object({
      deadlineId: deadlineIdSchema,
      subject: deadlineSubjectSchema,
      title: z.string().trim().min(1).max(200),
      organisationId: z.string().min(1).max(128),
      organisationName: z.string().max(200).nullable(),
      dueDate: calendarDateSchema,
      offsets: deadlineOffsetsSchema,
      recipients: recipientSpecSchema,
      cause,
    })
    .strict(),
  /** `extend` moves only to a later date (a campaign-wide extension never shortens a unit's own). */
  MoveDeadline: z.object({ dueDate: calendarDateSchema, reason, mode: z.enum(['set', 'extend']).default('set'), cause }).strict(),
  CancelDeadline: z.object({ reason: z.enum(['submitted', 'stage-completed', 'withdrawn', 'campaign-closed', 'other']), detail: z.string().max(2000).nullable(), cause }).strict(),
  ReinstateDeadline: z.object({ reason, cause }).strict(),
  /** Recipients are resolved against the directory by the caller, when the reminder fires. */
  SendReminder: z
    .object({
      offsetId: z.string().min(1).max(32),
      dueVersion: z.number().int().min(1),
      recipients: z.array(resolvedRecipientSchema).max(500),
      escalation: z.object({ toOrganisationId: z.string().min(1).max(128).nullable(), userIds: z.array(z.string()).max(500) }).strict().nullable(),
    })
    .strict(),
} as const;

export type DeadlineCommandType = keyof typeof deadlineCommandDataSchemas;
const metadataSchema = z.object({ at: z.iso.datetime({ offset: true }), actor: deadlineActorSchema }).strict();

export type DeadlineCommand = {
  [T in DeadlineCommandType]: { type: T; data: z.output<(typeof deadlineCommandDataSchemas)[T]>; metadata: z.output<typeof metadataSchema> };
}[DeadlineCommandType];
export type DeadlineCommandInput = {
  [T in DeadlineCommandType]: { type: T; data: z.input<(typeof deadlineCommandDataSchemas)[T]>; metadata: z.input<typeof metadataSchema> };
}[DeadlineCommandType];
export type DeadlineCommandOf<T extends DeadlineCommandType> = Extract<DeadlineCommand, { type: T }>;

export function parseDeadlineCommand(input: DeadlineCommandInput): DeadlineCommand {
  const schema = deadlineCommandDataSchemas[input.type];
  return {
    type: input.type,
    data: parseOrThrow(schema, input.data, 'COMMAND_INVALID', 'data'),
    metadata: parseOrThrow(metadataSchema, input.metadata, 'COMMAND_INVALID', 'metadata'),
  } as DeadlineCommand;
}
