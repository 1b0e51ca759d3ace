import { z } from 'zod';
import { isLocalTime } from '../calendar/shanghai-time.js';
import { actorSchema, roles, type Actor } from '../shared/actor.js';

/**
 * Deadlines: a submission deadline per unit of a campaign, and a time limit per review stage a
 * report enters. Each lives in its own stream, `deadline-<deadlineId>`.
 */

// Ids as elsewhere in the domain; `~` joins them into compound ids because no id contains it.
export const deadlineIdPartSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, { error: 'id' });
export const deadlineIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:~-]{0,199}$/, { error: 'id' });

export function deadlineStreamId(deadlineId: string): string {
  return `deadline-${deadlineId}`;
}

export function submissionDeadlineId(campaignId: string, unitId: string): string {
  return `sub~${campaignId}~${unitId}`;
}

/** One deadline per entry into a stage: the report revision of its ReviewStageEntered tells entries apart. */
export function reviewStageDeadlineId(reportId: string, enteredAtRevision: number): string {
  return `rev~${reportId}~${enteredAtRevision}`;
}

export const deadlineSubjectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('submission'), campaignId: deadlineIdPartSchema, unitId: deadlineIdPartSchema }).strict(),
  z.object({ kind: z.literal('review-stage'), reportId: deadlineIdPartSchema, stageId: z.string().min(1).max(64) }).strict(),
]);
export type DeadlineSubject = z.output<typeof deadlineSubjectSchema>;

// ── reminder offsets ───────────────────────────────────────────────────────

/**
 * When to remind, in working days relative to the due date: negative before it, 0 on it,
 * positive after it (overdue). Before and on the day count from the last working day on or
 * before the due date; after counts working days after the due date.
 */
export const deadlineOffsetSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, { error: 'offset id: lower-case letters, digits and -' }),
    workingDays: z.number().int().min(-60).max(60),
    /** Local time in Asia/Shanghai. */
    time: z.string().refine(isLocalTime, { error: 'expected a time as HH:MM' }).default('09:00'),
    /** Also notify one level up in the organisation tree. Only after the due date. */
    escalate: z.boolean().default(false),
  })
  .strict()
  .refine((offset) => !offset.escalate || offset.workingDays > 0, { error: 'only an offset after the due date escalates', path: ['escalate'] });
export type DeadlineOffset = z.output<typeof deadlineOffsetSchema>;
export type DeadlineOffsetInput = z.input<typeof deadlineOffsetSchema>;

export const deadlineOffsetsSchema = z
  .array(deadlineOffsetSchema)
  .min(1)
  .max(12)
  .superRefine((offsets, ctx) => {
    const seen = new Set<string>();
    offsets.forEach((offset, index) => {
      if (seen.has(offset.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate offset id ${offset.id}` });
      seen.add(offset.id);
    });
  });

export function deadlineOffsetId(workingDays: number): string {
  return workingDays < 0 ? `before-${-workingDays}` : workingDays === 0 ? 'due' : `after-${workingDays}`;
}

/**
 * Offsets from plain numbers of working days, as a campaign states them: `before` [7, 3, 1],
 * `onTheDay`, and `after` [1] (the last of them escalates unless said otherwise).
 */
export function offsetsFromWorkingDays(spec: { before?: readonly number[]; onTheDay?: boolean; after?: readonly number[]; escalateAfter?: boolean; time?: string }): DeadlineOffset[] {
  const time = spec.time ?? '09:00';
  const before = [...new Set(spec.before ?? [])].filter((n) => n > 0).sort((a, b) => b - a);
  const after = [...new Set(spec.after ?? [])].filter((n) => n > 0).sort((a, b) => a - b);
  const offsets: DeadlineOffset[] = before.map((n) => ({ id: deadlineOffsetId(-n), workingDays: -n, time, escalate: false }));
  if (spec.onTheDay ?? true) offsets.push({ id: 'due', workingDays: 0, time, escalate: false });
  after.forEach((n, index) => offsets.push({ id: deadlineOffsetId(n), workingDays: n, time, escalate: (spec.escalateAfter ?? true) && index === after.length - 1 }));
  return offsets;
}

/** 7, 3 and 1 working days before, on the day, and 1 working day after with escalation; 09:00 local. */
export const defaultDeadlineOffsets: readonly DeadlineOffset[] = offsetsFromWorkingDays({ before: [7, 3, 1], onTheDay: true, after: [1] });

// ── recipients ─────────────────────────────────────────────────────────────

/**
 * Who is reminded, resolved against the directory when a reminder fires: users with one of the
 * roles in the organisation (`organisation`), or in it and any organisation above it (`lineage`,
 * for review stages: a department reviewer of the unit's department).
 */
export const recipientSpecSchema = z
  .object({
    organisationId: deadlineIdPartSchema,
    roles: z.array(z.enum(roles)).min(1).max(roles.length),
    scope: z.enum(['organisation', 'lineage']),
  })
  .strict();
export type RecipientSpec = z.output<typeof recipientSpecSchema>;

export const notificationChannels = ['in-app', 'email', 'webhook'] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

export const resolvedRecipientSchema = z
  .object({
    userId: deadlineIdPartSchema,
    displayName: z.string().max(100).nullable(),
    organisationId: z.string().min(1).max(128),
    role: z.enum(roles),
    /** responsible: the deadline's own recipients; escalation: one level up. */
    reason: z.enum(['responsible', 'escalation']),
    channels: z.array(z.enum(notificationChannels)).min(1).max(notificationChannels.length),
  })
  .strict();
export type ResolvedRecipient = z.output<typeof resolvedRecipientSchema>;

// ── what caused a change ──────────────────────────────────────────────────

/**
 * The triggering event's global position, and the order of this command among those it caused
 * for the same deadline. Triggers are handled in global order, so a deadline that recorded a
 * cause has seen every earlier one: a command whose cause is not later is a replay and decides
 * nothing (after a crash the process manager handles events again from its checkpoint).
 */
export const deadlineCauseSchema = z.object({ position: z.string().regex(/^\d{1,20}$/), seq: z.number().int().min(0).max(1000) }).strict();
export type DeadlineCause = z.output<typeof deadlineCauseSchema>;

export function causeIsAfter(cause: DeadlineCause, than: DeadlineCause | null): boolean {
  if (than === null) return true;
  const [a, b] = [BigInt(cause.position), BigInt(than.position)];
  return a > b || (a === b && cause.seq > than.seq);
}

// ── who records deadline events ─────────────────────────────────────────────

/** Reminders are recorded by the system itself; moves and cancellations by whoever caused them. */
export const systemActorSchema = z.object({ userId: z.literal('system'), role: z.literal('system'), organisationId: z.string().min(1).max(128) }).strict();
export type SystemActor = z.output<typeof systemActorSchema>;
export const deadlineActorSchema = z.union([actorSchema, systemActorSchema]);
export type DeadlineActor = Actor | SystemActor;

export function systemActor(organisationId: string): SystemActor {
  return { userId: 'system', role: 'system', organisationId };
}

