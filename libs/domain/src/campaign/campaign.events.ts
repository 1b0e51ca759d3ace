import { z } from 'zod';
import { DomainError } from '../shared/domain-error.js';
import { eventPayload } from '../shared/event-payload.js';
import { text } from '../shared/i18n.js';
import { parseOrThrow } from '../shared/zod-problems.js';
import { idSchema, reportKindSchema } from '../report/report.fields.js';

/** A calendar day in Asia/Shanghai, as deadlines are announced: the deadline is the end of that day. */
export const localDateSchema = z.iso.date();

/** A reminder relative to a deadline, in working days: −7 is seven working days before, 0 the day itself. */
export const reminderOffsetSchema = z
  .object({
    workingDays: z.number().int().min(-30).max(30),
    /** After the deadline: tell the next level up (the department, then the finance bureau) too. */
    escalate: z.boolean().default(false),
  })
  .strict();
export type ReminderOffset = z.output<typeof reminderOffsetSchema>;

/** The guide's defaults: 7, 3 and 1 working days before, on the day, and 1 day after with escalation. */
export const defaultReminderOffsets: ReminderOffset[] = [
  { workingDays: -7, escalate: false },
  { workingDays: -3, escalate: false },
  { workingDays: -1, escalate: false },
  { workingDays: 0, escalate: false },
  { workingDays: 1, escalate: true },
];

export const campaignEventSchemas = {
  /** 评价任务: self-evaluation opens for a year and a set of units. */
  CampaignOpened: {
    version: 1,
    schema: eventPayload({
      campaignId: idSchema,
      financeBureauId: z.string().min(1).max(128),
      year: z.number().int().min(2000).max(2100),
      name: z.string().trim().min(1).max(200),
      /** Which kind of report the campaign asks for; null: both. */
      kind: reportKindSchema.nullable(),
      unitIds: z.array(z.string().min(1).max(128)).min(1).max(5000),
      submissionDeadline: localDateSchema,
      /** null: the defaults. */
      reminderOffsets: z.array(reminderOffsetSchema).max(20).nullable(),
      /** Working days per review stage id, overriding the workflow's own limits for this campaign. */
      stageTimeLimits: z.record(z.string(), z.number().int().min(1).max(60)).nullable(),
    }),
  },
  /** 延期: the whole campaign (unitId null) or one unit gets a later deadline. */
  CampaignDeadlineExtended: {
    version: 1,
    schema: eventPayload({
      campaignId: idSchema,
      unitId: z.string().min(1).max(128).nullable(),
      deadline: localDateSchema,
      reason: z.string().trim().min(1).max(2000),
    }),
  },
} as const;

export type CampaignEventType = keyof typeof campaignEventSchemas;
export type CampaignEventData<T extends CampaignEventType> = z.output<(typeof campaignEventSchemas)[T]['schema']>;
export type CampaignEvent = { [T in CampaignEventType]: { type: T; data: CampaignEventData<T> } }[CampaignEventType];

export function campaignStreamId(campaignId: string): string {
  return `campaign-${campaignId}`;
}

export function isCampaignEventType(type: string): type is CampaignEventType {
  return Object.hasOwn(campaignEventSchemas, type);
}

export function parseStoredCampaignEvent(stored: { type: string; data: unknown }): CampaignEvent {
  if (!isCampaignEventType(stored.type)) {
    throw DomainError.of('EVENT_TYPE_UNKNOWN', 'type', text(`未知的事件类型：${stored.type}`, `unknown event type: ${stored.type}`));
  }
  return { type: stored.type, data: parseOrThrow(campaignEventSchemas[stored.type].schema, stored.data, 'EVENT_INVALID', 'data') } as CampaignEvent;
}
