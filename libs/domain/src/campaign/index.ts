export {
  campaignEventSchemas,
  campaignStreamId,
  defaultReminderOffsets,
  isCampaignEventType,
  localDateSchema,
  parseStoredCampaignEvent,
  reminderOffsetSchema,
  type CampaignEvent,
  type CampaignEventData,
  type CampaignEventType,
  type ReminderOffset,
} from './campaign.events.js';
export { campaignCommandDataSchemas, parseCampaignCommand, type CampaignCommand, type CampaignCommandInput } from './campaign.commands.js';
export { deadlineOf, decideCampaign, evolveCampaign, type CampaignAggregate, type CampaignContext, type CampaignState } from './campaign.decider.js';
