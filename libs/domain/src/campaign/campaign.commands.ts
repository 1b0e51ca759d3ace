import { z } from 'zod';
import { commandMetadataSchema } from '../shared/actor.js';
import { parseOrThrow } from '../shared/zod-problems.js';
import { idSchema, reportKindSchema } from '../report/report.fields.js';
import { localDateSchema, reminderOffsetSchema } from './campaign.events.js';

export const campaignCommandDataSchemas = {
  OpenCampaign: z
    .object({
      campaignId: idSchema,
      year: z.number().int().min(2000).max(2100),
      name: z.string().trim().min(1).max(200),
      kind: reportKindSchema.nullable().default(null),
      unitIds: z.array(z.string().min(1).max(128)).min(1).max(5000),
      submissionDeadline: localDateSchema,
      reminderOffsets: z.array(reminderOffsetSchema).max(20).nullable().default(null),
      stageTimeLimits: z.record(z.string(), z.number().int().min(1).max(60)).nullable().default(null),
    })
    .strict(),
  ExtendCampaignDeadline: z
    .object({
      unitId: z.string().min(1).max(128).nullable().default(null),
      deadline: localDateSchema,
      reason: z.string().trim().min(1).max(2000),
    })
    .strict(),
} as const;

const commandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('OpenCampaign'), data: campaignCommandDataSchemas.OpenCampaign, metadata: commandMetadataSchema }).strict(),
  z.object({ type: z.literal('ExtendCampaignDeadline'), data: campaignCommandDataSchemas.ExtendCampaignDeadline, metadata: commandMetadataSchema }).strict(),
]);

export type CampaignCommand = z.output<typeof commandSchema>;
export type CampaignCommandInput = z.input<typeof commandSchema>;

export function parseCampaignCommand(input: unknown): CampaignCommand {
  return parseOrThrow(commandSchema, input, 'COMMAND_INVALID');
}
