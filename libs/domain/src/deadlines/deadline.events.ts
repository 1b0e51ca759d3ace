import { z } from 'zod';
import { calendarDateSchema } from '../calendar/local-date.js';
import { createUpcaster, type UpcasterSteps } from '../report/report.events.js';
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

const meta = { at: z.iso.datetime({ offset: true }), by: deadlineActorSchema };
function payload<S extends z.ZodRawShape>(shape: S) {
  return z.object({ ...meta, deadlineId: deadlineIdSchema, ...shape }).strict();
}

const reason = z.string().trim().min(1).max(2000);
/** Set when a campaign or report event caused the change (see deadlineCauseSchema). */
const cause = deadlineCauseSchema.nullable().default(null);

/** Stable event type names of `deadline-<id>` streams, with the current version of each payload. */
export const deadlineEventSchemas = {
  DeadlineScheduled: {
    version: 1,
    schema: payload({
      subject: deadlineSubjectSchema,
      /** What the deadline is for, as people read it (the campaign's name, the stage's name). */
      title: z.string().trim().min(1).max(200),
      /** The organisation that must act: the unit (submission) or the report's unit (review stage). */
      organisationId: z.string().min(1).max(128),
      organisationName: z.string().max(200).nullable(),
      dueDate: calendarDateSchema,
      offsets: deadlineOffsetsSchema,
      recipients: recipientSpecSchema,
      cause,
    }),
  },
  /** 延期 (or brought forward): the reminders of the earlier due date no longer apply. */
  DeadlineMoved: { version: 1, schema: payload({ dueDate: calendarDateSchema, previousDueDate: calendarDateSchema, dueVersion: z.number().int().min(2), reason, cause }) },
  DeadlineCancelled: {
    version: 1,
    schema: payload({ reason: z.enum(['submitted', 'stage-completed', 'withdrawn', 'campaign-closed', 'other']), detail: z.string().max(2000).nullable(), cause }),
  },
  /** A cancelled deadline applies again (a submission withdrawn or returned): reminders resume from now on. */
  DeadlineReinstated: { version: 1, schema: payload({ dueVersion: z.number().int().min(2), reason, cause }) },
  ReminderSent: {
    version: 1,
    schema: payload({
      offsetId: z.string().min(1).max(32),
      dueVersion: z.number().int().min(1),
      dueDate: calendarDateSchema,
      workingDays: z.number().int(),
      phase: z.enum(['before', 'due', 'overdue']),
      /** When the plan said to remind; `at` is when it was sent. */
      plannedAt: z.iso.datetime({ offset: true }),
      subject: deadlineSubjectSchema,
      title: z.string().max(200),
      organisationName: z.string().max(200).nullable(),
      recipients: z.array(resolvedRecipientSchema).max(500),
    }),
  },
  DeadlineEscalated: {
    version: 1,
    schema: payload({
      offsetId: z.string().min(1).max(32),
      dueVersion: z.number().int().min(1),
      /** The organisation one level up that was told. */
      toOrganisationId: z.string().min(1).max(128).nullable(),
      userIds: z.array(z.string()).max(500),
    }),
  },
} as const;

export type DeadlineEventType = keyof typeof deadlineEventSchemas;
export const deadlineEventTypes = Object.keys(deadlineEventSchemas) as DeadlineEventType[];
export type DeadlineEventData<T extends DeadlineEventType> = z.output<(typeof deadlineEventSchemas)[T]['schema']>;
export type DeadlineEvent = { [T in DeadlineEventType]: { type: T; data: DeadlineEventData<T> } }[DeadlineEventType];
export type DeadlineEventOf<T extends DeadlineEventType> = Extract<DeadlineEvent, { type: T }>;

export function isDeadlineEventType(type: string): type is DeadlineEventType {
  return Object.hasOwn(deadlineEventSchemas, type);
}

export function deadlineEvent<T extends DeadlineEventType>(type: T, data: DeadlineEventData<T>): DeadlineEventOf<T> {
  return { type, data } as DeadlineEventOf<T>;
}

/** Every payload version so far is current. Add steps here, never edit old ones. */
export const deadlineEventUpcasters: UpcasterSteps = {};

const upcast = createUpcaster(Object.fromEntries(deadlineEventTypes.map((type) => [type, deadlineEventSchemas[type].version])), deadlineEventUpcasters);

/** Validates a stored deadline event on read: upcast, then check against the current schema. */
export function parseStoredDeadlineEvent(stored: { type: string; schemaVersion: number; data: unknown }): DeadlineEvent {
  const data = upcast(stored.type, stored.schemaVersion, stored.data);
  const type = stored.type as DeadlineEventType;
  return { type, data: parseOrThrow(deadlineEventSchemas[type].schema, data, 'EVENT_INVALID', 'data') } as DeadlineEvent;
}
