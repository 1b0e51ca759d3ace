import { z } from 'zod';
import type { RecordedEvent } from '#eventstore';
import { deadlineActorSchema, deadlineOffsetId, deadlineOffsetsSchema, systemActor, type DeadlineActor, type DeadlineOffset, type Role } from '#domain';

/**
 * THE one place that knows the shapes of the campaign and report events deadlines react to.
 * Everything else sees `DeadlineTrigger`s: when an upstream event is renamed or reshaped, this
 * file changes and nothing else. Parsing is lenient (extra fields are fine; a missing field makes
 * the event no trigger, logged by the caller) so a stricter upstream schema never stops reminders.
 */
export type DeadlineTrigger =
  | {
      kind: 'campaign-opened';
      campaignId: string;
      year: number;
      name: string;
      /** Which kind of report the campaign asks for; null: any. */
      reportKind: string | null;
      unitIds: string[];
      dueDate: string;
      /** null: the defaults. */
      offsets: DeadlineOffset[] | null;
    }
  | { kind: 'campaign-extended'; campaignId: string; unitId: string | null; dueDate: string; reason: string }
  | { kind: 'report-created'; reportId: string; unitId: string; year: number; reportKind: string | null }
  | { kind: 'report-year-changed'; reportId: string; year: number }
  /** Where the unit's work stands: draft (to be submitted) or submitted (in review or beyond). */
  | { kind: 'report-status'; reportId: string; status: 'draft' | 'submitted'; why: string }
  | { kind: 'stage-entered'; reportId: string; stageId: string; role: Role; timeLimitWorkingDays: number | null; approvalsRequired: number; revision: number }
  | { kind: 'stage-approved'; reportId: string; stageId: string }
  | { kind: 'stage-closed'; reportId: string; why: 'returned' | 'withdrawn' | 'approved' };

export interface TriggerOf {
  trigger: DeadlineTrigger;
  /** Who caused it: the deadline events it leads to record them. */
  by: DeadlineActor;
  at: string;
}

const id = z.string().min(1).max(128);
const date = z.iso.date();
const meta = { at: z.iso.datetime({ offset: true }) };
const reviewRole = z.enum(['unit_leader', 'department_reviewer', 'finance_reviewer', 'performance_officer']);

const shapes = {
  CampaignOpened: z.looseObject({
    ...meta,
    campaignId: id,
    year: z.number().int(),
    name: z.string().min(1),
    kind: z.string().nullable().optional(),
    unitIds: z.array(id),
    submissionDeadline: date,
    reminderOffsets: z.array(z.looseObject({ workingDays: z.number().int(), escalate: z.boolean().optional() })).nullable().optional(),
  }),
  CampaignDeadlineExtended: z.looseObject({ ...meta, campaignId: id, unitId: id.nullable(), deadline: date, reason: z.string().min(1) }),
  ReportCreated: z.looseObject({ ...meta, reportId: id, organisationId: id, kind: z.string().optional(), header: z.looseObject({ year: z.number().int() }) }),
  HeaderUpdated: z.looseObject({ ...meta, changes: z.looseObject({ year: z.number().int().optional() }) }),
  ReportSubmitted: z.looseObject({ ...meta }),
  ReportWithdrawn: z.looseObject({ ...meta }),
  ReportReturned: z.looseObject({ ...meta, to: z.enum(['draft', 'previous']).optional() }),
  ReportReopened: z.looseObject({ ...meta }),
  ReportApproved: z.looseObject({ ...meta }),
  ReviewStageEntered: z.looseObject({
    ...meta,
    stageId: z.string().min(1),
    role: reviewRole,
    timeLimitWorkingDays: z.number().int().min(1).nullable(),
    approvalsRequired: z.number().int().min(1).optional(),
  }),
  ReviewApproved: z.looseObject({ ...meta, stageId: z.string().min(1) }),
} as const;

export const triggerEventTypes = Object.keys(shapes) as Array<keyof typeof shapes>;

const reportIdOf = (event: RecordedEvent) => (event.streamId.startsWith('report-') ? event.streamId.slice('report-'.length) : null);

/** Campaign offsets ({workingDays, escalate}) as the deadlines' offsets: ids, 09:00 local, escalation only after the date. */
export function campaignOffsets(offsets: ReadonlyArray<{ workingDays: number; escalate?: boolean | undefined }>): DeadlineOffset[] {
  const seen = new Set<number>();
  const mapped = [...offsets]
    .filter((o) => (seen.has(o.workingDays) ? false : (seen.add(o.workingDays), true)))
    .sort((a, b) => a.workingDays - b.workingDays)
    .map((o) => ({ id: deadlineOffsetId(o.workingDays), workingDays: o.workingDays, time: '09:00', escalate: (o.escalate ?? false) && o.workingDays > 0 }));
  return deadlineOffsetsSchema.parse(mapped);
}

/** The triggers in one stored event (none for most events). Throws only on a known type whose shape does not fit. */
export function readTriggers(event: RecordedEvent): TriggerOf[] {
  if (!Object.hasOwn(shapes, event.type)) return [];
  const type = event.type as keyof typeof shapes;
  const data = shapes[type].parse(event.data) as Record<string, unknown> & { at: string };
  const by = byOf(event);
  const at = data.at;
  const one = (trigger: DeadlineTrigger): TriggerOf[] => [{ trigger, by, at }];
  const reportId = reportIdOf(event);
  switch (type) {
    case 'CampaignOpened': {
      const d = data as z.output<(typeof shapes)['CampaignOpened']>;
      return one({
        kind: 'campaign-opened',
        campaignId: d.campaignId,
        year: d.year,
        name: d.name,
        reportKind: d.kind ?? null,
        unitIds: d.unitIds,
        dueDate: d.submissionDeadline,
        offsets: d.reminderOffsets ? campaignOffsets(d.reminderOffsets) : null,
      });
    }
    case 'CampaignDeadlineExtended': {
      const d = data as z.output<(typeof shapes)['CampaignDeadlineExtended']>;
      return one({ kind: 'campaign-extended', campaignId: d.campaignId, unitId: d.unitId, dueDate: d.deadline, reason: d.reason });
    }
    default:
      break;
  }
  if (reportId === null) return [];
  switch (type) {
    case 'ReportCreated': {
      const d = data as z.output<(typeof shapes)['ReportCreated']>;
      return one({ kind: 'report-created', reportId, unitId: d.organisationId, year: d.header.year, reportKind: d.kind ?? null });
    }
    case 'HeaderUpdated': {
      const year = (data as z.output<(typeof shapes)['HeaderUpdated']>).changes.year;
      return year === undefined ? [] : one({ kind: 'report-year-changed', reportId, year });
    }
    case 'ReportSubmitted':
      return one({ kind: 'report-status', reportId, status: 'submitted', why: 'submitted' });
    case 'ReportWithdrawn':
      return [...one({ kind: 'stage-closed', reportId, why: 'withdrawn' }), ...one({ kind: 'report-status', reportId, status: 'draft', why: 'withdrawn' })];
    case 'ReportReturned': {
      const toDraft = (data as z.output<(typeof shapes)['ReportReturned']>).to !== 'previous';
      return [...one({ kind: 'stage-closed', reportId, why: 'returned' }), ...(toDraft ? one({ kind: 'report-status', reportId, status: 'draft', why: 'returned' }) : [])];
    }
    case 'ReportReopened':
      return one({ kind: 'report-status', reportId, status: 'draft', why: 'reopened' });
    case 'ReportApproved':
      return one({ kind: 'stage-closed', reportId, why: 'approved' });
    case 'ReviewStageEntered': {
      const d = data as z.output<(typeof shapes)['ReviewStageEntered']>;
      return one({
        kind: 'stage-entered',
        reportId,
        stageId: d.stageId,
        role: d.role,
        timeLimitWorkingDays: d.timeLimitWorkingDays,
        approvalsRequired: d.approvalsRequired ?? 1,
        revision: event.revision,
      });
    }
    case 'ReviewApproved':
      return one({ kind: 'stage-approved', reportId, stageId: (data as z.output<(typeof shapes)['ReviewApproved']>).stageId });
    default:
      return [];
  }
}

function byOf(event: RecordedEvent): DeadlineActor {
  const fromData = deadlineActorSchema.safeParse((event.data as { by?: unknown } | null)?.by);
  if (fromData.success) return fromData.data;
  const fromMetadata = deadlineActorSchema.safeParse(event.metadata.actor);
  return fromMetadata.success ? fromMetadata.data : systemActor(event.metadata.actor?.organisationId || 'system');
}
