import { describe, expect, it } from '@jest/globals';
import type { Actor } from '../shared/actor.js';
import { DomainError } from '../shared/domain-error.js';
import { deciderOutcome } from '../testing/decider-outcome.js';
import { parseCampaignCommand, type CampaignCommandInput } from './campaign.commands.js';
import { deadlineOf, decideCampaign, evolveCampaign, type CampaignAggregate, type CampaignState } from './campaign.decider.js';
import { defaultReminderOffsets, type CampaignEvent } from './campaign.events.js';

const AT = '2026-02-02T09:00:00.000+08:00';
const BUREAU = 'org-czj';
const officer: Actor = { userId: 'u-perf', role: 'performance_officer', organisationId: BUREAU };
const units = new Set(['unit-a', 'unit-b', 'unit-c']);
const context = { actorRegionId: BUREAU, isUnitOfRegion: (id: string) => units.has(id) };

const fold = (events: CampaignEvent[]) => events.reduce<CampaignState>(evolveCampaign, { status: 'none' });
const given = (events: CampaignEvent[], ctx = context) => ({
  when: (type: CampaignCommandInput['type'], data: object, actor: Actor = officer) =>
    deciderOutcome(() => decideCampaign(parseCampaignCommand({ type, data, metadata: { at: AT, actor } }), fold(events), ctx)),
});

const open = { campaignId: 'c-2025', year: 2025, name: '2025年度部门预算绩效自评', unitIds: ['unit-a', 'unit-b'], submissionDeadline: '2026-04-30' };
const opened: CampaignEvent = {
  type: 'CampaignOpened',
  data: { at: AT, by: officer, ...open, kind: null, financeBureauId: BUREAU, reminderOffsets: null, stageTimeLimits: null },
};
const extended = (unitId: string | null, deadline: string, reason = '系统故障'): CampaignEvent => ({
  type: 'CampaignDeadlineExtended',
  data: { at: AT, by: officer, campaignId: 'c-2025', unitId, deadline, reason },
});

describe('campaign decider', () => {
  it('opens a campaign for units of the bureau’s region, with default reminder offsets', () => {
    given([]).when('OpenCampaign', open).then([opened]);
    expect(fold([opened])).toMatchObject({ status: 'open', reminderOffsets: defaultReminderOffsets, submissionDeadline: '2026-04-30' });
  });

  it('answers a repeated opening with nothing, and refuses a different one under the same id', () => {
    given([opened]).when('OpenCampaign', open).thenNothing();
    given([opened]).when('OpenCampaign', { ...open, name: '另一个' }).thenRefused('CAMPAIGN_ALREADY_EXISTS', 'campaignId');
  });

  it('refuses units outside the region and duplicates, naming the entry', () => {
    given([]).when('OpenCampaign', { ...open, unitIds: ['unit-a', 'unit-x'] }).thenRefused('CAMPAIGN_UNIT_UNKNOWN', 'unitIds[1]');
    given([]).when('OpenCampaign', { ...open, unitIds: ['unit-a', 'unit-a'] }).thenRefused('CAMPAIGN_UNIT_DUPLICATE', 'unitIds[1]');
  });

  it('refuses roles other than the performance officer and the administrator', () => {
    const reviewer: Actor = { userId: 'u-fin', role: 'finance_reviewer', organisationId: BUREAU };
    given([]).when('OpenCampaign', open, reviewer).thenRefused('ROLE_NOT_ALLOWED', '');
    given([], { ...context, actorRegionId: 'org-other' }).when('OpenCampaign', open).thenRefused('ORGANISATION_NOT_ALLOWED', '');
  });

  it('refuses a malformed deadline at the boundary', () => {
    expect(() => parseCampaignCommand({ type: 'OpenCampaign', data: { ...open, submissionDeadline: '2026-02-30' }, metadata: { at: AT, actor: officer } })).toThrow(DomainError);
  });

  it('extends the whole campaign, or one unit, to a later day with a reason', () => {
    given([opened]).when('ExtendCampaignDeadline', { deadline: '2026-05-15', reason: '系统故障' }).then([extended(null, '2026-05-15')]);
    given([opened]).when('ExtendCampaignDeadline', { unitId: 'unit-b', deadline: '2026-05-20', reason: '系统故障' }).then([extended('unit-b', '2026-05-20')]);
    const campaign = fold([opened, extended('unit-b', '2026-05-20')]) as CampaignAggregate;
    expect([deadlineOf(campaign, 'unit-a'), deadlineOf(campaign, 'unit-b')]).toEqual(['2026-04-30', '2026-05-20']);
  });

  it('keeps a unit’s own later deadline when the whole campaign is extended less far', () => {
    const campaign = fold([opened, extended('unit-b', '2026-05-20'), extended(null, '2026-05-10')]) as CampaignAggregate;
    expect([deadlineOf(campaign, 'unit-a'), deadlineOf(campaign, 'unit-b')]).toEqual(['2026-05-10', '2026-05-20']);
  });

  it('refuses an extension that is not later, a unit not in the campaign, a missing reason', () => {
    const refusal = given([opened]).when('ExtendCampaignDeadline', { deadline: '2026-04-30', reason: 'x' }).thenRefused('DEADLINE_NOT_LATER', 'deadline');
    expect(refusal.problems[0]!.details).toEqual({ current: '2026-04-30' });
    given([opened]).when('ExtendCampaignDeadline', { unitId: 'unit-c', deadline: '2026-05-30', reason: 'x' }).thenRefused('CAMPAIGN_UNIT_NOT_INCLUDED', 'unitId');
    given([opened]).when('ExtendCampaignDeadline', { deadline: '2026-05-30', reason: ' ' }).thenRefused('COMMAND_INVALID', 'data.reason');
    given([]).when('ExtendCampaignDeadline', { deadline: '2026-05-30', reason: 'x' }).thenRefused('CAMPAIGN_NOT_FOUND', '');
  });
});
