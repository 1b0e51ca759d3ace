import { DomainError } from '../shared/domain-error.js';
import { text } from '../shared/i18n.js';
import type { CampaignCommand } from './campaign.commands.js';
import { defaultReminderOffsets, type CampaignEvent, type ReminderOffset } from './campaign.events.js';

export interface CampaignAggregate {
  status: 'open';
  campaignId: string;
  financeBureauId: string;
  year: number;
  name: string;
  kind: 'project' | 'department' | null;
  unitIds: string[];
  /** The campaign-wide deadline. */
  submissionDeadline: string;
  /** Units whose own deadline was extended beyond the campaign's. */
  unitDeadlines: Record<string, string>;
  reminderOffsets: ReminderOffset[];
  stageTimeLimits: Record<string, number> | null;
  openedAt: string;
}
export type CampaignState = { status: 'none' } | CampaignAggregate;

/**
 * What the application resolves before deciding: the acting user's region, and which of the
 * requested units are budget units of that region.
 */
export interface CampaignContext {
  actorRegionId: string | null;
  isUnitOfRegion: (unitId: string) => boolean;
}

const refuse = (code: string, path: string, zh: string, en: string, details?: Record<string, unknown>): never => {
  throw DomainError.of(code, path, text(zh, en), details);
};

/** The deadline that applies to one unit: its own extension, else the campaign's. */
export function deadlineOf(campaign: CampaignAggregate, unitId: string): string {
  const own = campaign.unitDeadlines[unitId];
  return own !== undefined && own > campaign.submissionDeadline ? own : campaign.submissionDeadline;
}

export function evolveCampaign(state: CampaignState, event: CampaignEvent): CampaignState {
  if (event.type === 'CampaignOpened') {
    const d = event.data;
    return {
      status: 'open',
      campaignId: d.campaignId,
      financeBureauId: d.financeBureauId,
      year: d.year,
      name: d.name,
      kind: d.kind,
      unitIds: d.unitIds,
      submissionDeadline: d.submissionDeadline,
      unitDeadlines: {},
      reminderOffsets: d.reminderOffsets ?? defaultReminderOffsets,
      stageTimeLimits: d.stageTimeLimits,
      openedAt: d.at,
    };
  }
  if (state.status === 'none') throw new Error(`campaign stream is inconsistent: ${event.type} before CampaignOpened`);
  const { unitId, deadline } = event.data;
  if (unitId === null) return { ...state, submissionDeadline: deadline };
  return { ...state, unitDeadlines: { ...state.unitDeadlines, [unitId]: deadline } };
}

/**
 * Campaigns (评价任务) are opened and extended by the finance bureau's performance office (or
 * its administrator), for budget units of its own region only.
 */
export function decideCampaign(command: CampaignCommand, state: CampaignState, context: CampaignContext): CampaignEvent[] {
  const actor = command.metadata.actor;
  const meta = { at: command.metadata.at, by: actor };
  if (actor.role !== 'performance_officer' && actor.role !== 'admin') {
    refuse('ROLE_NOT_ALLOWED', '', '只有财政局绩效管理科或系统管理员可以管理评价任务', 'only the performance officer or an administrator may manage campaigns', { role: actor.role });
  }
  if (context.actorRegionId === null || context.actorRegionId !== actor.organisationId) {
    refuse('ORGANISATION_NOT_ALLOWED', '', '评价任务由财政局发起', 'campaigns are run by a finance bureau, from its own organisation');
  }

  if (command.type === 'OpenCampaign') {
    const d = command.data;
    if (state.status !== 'none') {
      if (state.name === d.name && state.year === d.year && state.submissionDeadline === d.submissionDeadline) return [];
      refuse('CAMPAIGN_ALREADY_EXISTS', 'campaignId', `评价任务${d.campaignId}已存在`, `campaign ${d.campaignId} already exists`);
    }
    const seen = new Set<string>();
    d.unitIds.forEach((unitId, index) => {
      if (seen.has(unitId)) refuse('CAMPAIGN_UNIT_DUPLICATE', `unitIds[${index}]`, `单位${unitId}重复`, `unit ${unitId} is listed twice`);
      seen.add(unitId);
      if (!context.isUnitOfRegion(unitId)) {
        refuse('CAMPAIGN_UNIT_UNKNOWN', `unitIds[${index}]`, `${unitId}不是本地区的预算单位`, `${unitId} is not a budget unit of this region`);
      }
    });
    if (Number(d.submissionDeadline.slice(0, 4)) < d.year) {
      refuse('CAMPAIGN_DEADLINE_BEFORE_YEAR', 'submissionDeadline', '报送截止日期不能早于评价年度', 'the submission deadline cannot fall before the evaluated year');
    }
    return [{ type: 'CampaignOpened', data: { ...meta, ...d, financeBureauId: actor.organisationId } }];
  }

  if (state.status === 'none') return refuse('CAMPAIGN_NOT_FOUND', '', '评价任务不存在', 'the campaign does not exist');
  if (state.financeBureauId !== actor.organisationId) refuse('CAMPAIGN_NOT_FOUND', '', '评价任务不存在', 'the campaign does not exist');
  const { unitId, deadline, reason } = command.data;
  if (unitId !== null && !state.unitIds.includes(unitId)) {
    refuse('CAMPAIGN_UNIT_NOT_INCLUDED', 'unitId', `单位${unitId}不在本评价任务中`, `unit ${unitId} is not part of this campaign`);
  }
  const current = unitId === null ? state.submissionDeadline : deadlineOf(state, unitId);
  if (deadline <= current) {
    refuse('DEADLINE_NOT_LATER', 'deadline', `延期后的截止日期须晚于当前的${current}`, `an extension must be later than the current deadline ${current}`, { current });
  }
  return [{ type: 'CampaignDeadlineExtended', data: { ...meta, campaignId: state.campaignId, unitId, deadline, reason } }];
}
