import { describe, expect, it } from '@jest/globals';
import type { DeadlineEventData } from '#domain';
import { messageIdOf } from './channels.js';
import { renderReminder } from './templates.js';
import { signWebhook, verifyWebhook } from './webhook-signature.js';

const sent = (phase: 'before' | 'due' | 'overdue', workingDays: number, kind: 'submission' | 'review-stage' = 'submission'): DeadlineEventData<'ReminderSent'> => ({
  at: '2026-05-20T01:00:00.000Z',
  by: { userId: 'system', role: 'system', organisationId: 'u1' },
  deadlineId: 'd',
  offsetId: 'x',
  dueVersion: 1,
  dueDate: '2026-05-29',
  workingDays,
  phase,
  plannedAt: '2026-05-20T01:00:00.000Z',
  subject: kind === 'submission' ? { kind, campaignId: 'c', unitId: 'u1' } : { kind, reportId: 'r1', stageId: 'department' },
  title: kind === 'submission' ? '2026年度预算绩效自评' : '主管部门审核人审核',
  organisationName: '示范市人民医院',
  recipients: [],
});

describe('zh-CN reminder texts', () => {
  const filler = { displayName: '张填报', reason: 'responsible' as const, role: 'unit_filler' as const };

  it('says how many working days are left, that it is due today, or how late it is', () => {
    expect(renderReminder(sent('before', -3), filler).title).toBe('【绩效自评】示范市人民医院的绩效自评报告（2026年度预算绩效自评）距提交截止还有3个工作日');
    expect(renderReminder(sent('due', 0), filler).title).toBe('【绩效自评】示范市人民医院的绩效自评报告（2026年度预算绩效自评）今日截止');
    const escalating = { ...sent('overdue', 1), recipients: [{ userId: 'r', displayName: '王审核', organisationId: 'd', role: 'department_reviewer' as const, reason: 'escalation' as const, channels: ['in-app' as const] }] };
    const overdue = renderReminder(escalating, filler);
    expect(overdue.title).toContain('已逾期1个工作日');
    expect(overdue.body).toContain('已逾期1个工作日，已通知上级主管部门。');
    expect(renderReminder(sent('overdue', 2), filler).body).toContain('已逾期2个工作日。');
    expect(overdue.body).toContain('张填报，您好');
    expect(overdue.body).toContain('2026年5月29日（星期五） 24:00（北京时间');
  });

  it('tells the level above that a unit is late, and reviewers about their time limit', () => {
    const escalation = renderReminder(sent('overdue', 1), { displayName: '王审核', reason: 'escalation', role: 'department_reviewer' });
    expect(escalation.kind).toBe('escalation');
    expect(escalation.title).toBe('【绩效自评】逾期提醒：示范市人民医院的绩效自评报告（2026年度预算绩效自评）已超过提交截止1个工作日');
    expect(escalation.body).toContain('请督促其尽快办理');
    expect(renderReminder(sent('before', -1, 'review-stage'), { displayName: '王审核', reason: 'responsible', role: 'department_reviewer' }).title).toBe(
      '【绩效审核】示范市人民医院的绩效自评报告在「主管部门审核人审核」环节的审核距审核时限还有1个工作日',
    );
  });
});

describe('webhook signatures', () => {
  const secret = 'whsec-0123456789abcdef';
  const body = JSON.stringify({ id: 'k', message: { title: '提醒' } });

  it('verifies what was signed, within five minutes, and nothing altered', () => {
    const signature = signWebhook(secret, 1_800_000_000, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook(secret, { timestamp: '1800000000', signature }, body, 1_800_000_100)).toBe(true);
    expect(verifyWebhook(secret, { timestamp: '1800000000', signature }, `${body} `, 1_800_000_100)).toBe(false);
    expect(verifyWebhook(secret, { timestamp: '1800000001', signature }, body, 1_800_000_100)).toBe(false);
    expect(verifyWebhook('another-secret-0000', { timestamp: '1800000000', signature }, body, 1_800_000_100)).toBe(false);
    expect(verifyWebhook(secret, { timestamp: '1800000000', signature }, body, 1_800_000_301)).toBe(false);
    expect(verifyWebhook(secret, { timestamp: undefined, signature }, body, 1_800_000_000)).toBe(false);
  });

  it('derives the e-mail Message-ID from the delivery key, so a resent mail is the same mail', () => {
    expect(messageIdOf('a~email')).toBe(messageIdOf('a~email'));
    expect(messageIdOf('a~email')).not.toBe(messageIdOf('b~email'));
    expect(messageIdOf('a~email')).toMatch(/^<[0-9a-f]{32}@jixiao\.notifications>$/);
  });
});
