import { describe, expect, it } from '@jest/globals';
import { chinaWorkingDayCalendar } from '../calendar/index.js';
import { deciderOutcome } from '../testing/decider-outcome.js';
import { parseDeadlineCommand, type DeadlineCommandInput } from './deadline.commands.js';
import { decideDeadline } from './deadline.decider.js';
import { deadlineEvent, type DeadlineEvent } from './deadline.events.js';
import { defaultDeadlineOffsets, systemActor, type ResolvedRecipient } from './deadline.model.js';
import { evolveDeadlineAll } from './deadline.state.js';

const calendar = chinaWorkingDayCalendar();
const officer = { userId: 'u-perf', role: 'performance_officer' as const, organisationId: 'bureau' };
const system = systemActor('unit-1');
const deadlineId = 'sub~c2026~unit-1';

function given(events: readonly DeadlineEvent[]) {
  return {
    when: (command: DeadlineCommandInput) => deciderOutcome(() => decideDeadline(parseDeadlineCommand(command), evolveDeadlineAll(events), { calendar })),
  };
}

const scheduleData = {
  deadlineId,
  subject: { kind: 'submission' as const, campaignId: 'c2026', unitId: 'unit-1' },
  title: '2026年度部门整体支出绩效自评',
  organisationId: 'unit-1',
  organisationName: '示范市人民医院',
  dueDate: '2026-05-29',
  offsets: [...defaultDeadlineOffsets],
  recipients: { organisationId: 'unit-1', roles: ['unit_filler' as const, 'unit_leader' as const], scope: 'organisation' as const },
};
const scheduled = deadlineEvent('DeadlineScheduled', { at: '2026-03-02T02:00:00.000Z', by: officer, ...scheduleData, cause: null });
const schedule = (at = '2026-03-02T02:00:00.000Z'): DeadlineCommandInput => ({ type: 'ScheduleDeadline', data: scheduleData, metadata: { at, actor: officer } });
const move = (dueDate: string, at = '2026-05-20T03:00:00.000Z'): DeadlineCommandInput => ({ type: 'MoveDeadline', data: { dueDate, reason: '统一延期' }, metadata: { at, actor: officer } });
const filler: ResolvedRecipient = { userId: 'u-filler', displayName: '填报人', organisationId: 'unit-1', role: 'unit_filler', reason: 'responsible', channels: ['in-app', 'email'] };
const remind = (offsetId: string, dueVersion: number, at: string, escalation: { toOrganisationId: string | null; userIds: string[] } | null = null): DeadlineCommandInput => ({
  type: 'SendReminder',
  data: { offsetId, dueVersion, recipients: [filler], escalation },
  metadata: { at, actor: system },
});
const sent = (offsetId: string, dueVersion: number, at: string, extra: Partial<{ dueDate: string; plannedAt: string; workingDays: number; phase: 'before' | 'due' | 'overdue' }>) =>
  deadlineEvent('ReminderSent', {
    at,
    by: system,
    deadlineId,
    offsetId,
    dueVersion,
    dueDate: '2026-05-29',
    workingDays: -7,
    phase: 'before',
    plannedAt: '2026-05-20T01:00:00.000Z',
    subject: scheduleData.subject,
    title: scheduleData.title,
    organisationName: scheduleData.organisationName,
    recipients: [filler],
    ...extra,
  });

describe('deadline decider', () => {
  it('schedules once; scheduling again decides nothing', () => {
    given([]).when(schedule()).then([scheduled]);
    given([scheduled]).when(schedule('2026-03-03T00:00:00.000Z')).thenNothing();
  });

  it('moves to a new date as a new version, ignores a move to the same date, refuses an unknown deadline', () => {
    given([scheduled])
      .when(move('2026-06-15'))
      .then([deadlineEvent('DeadlineMoved', { cause: null, at: '2026-05-20T03:00:00.000Z', by: officer, deadlineId, dueDate: '2026-06-15', previousDueDate: '2026-05-29', dueVersion: 2, reason: '统一延期' })]);
    given([scheduled]).when(move('2026-05-29')).thenNothing();
    const extendEarlier: DeadlineCommandInput = { type: 'MoveDeadline', data: { dueDate: '2026-05-20', reason: '统一延期', mode: 'extend' }, metadata: { at: '2026-05-10T00:00:00.000Z', actor: officer } };
    given([scheduled]).when(extendEarlier).thenNothing();
    given([]).when(move('2026-06-15')).thenRefused('DEADLINE_NOT_FOUND', 'deadlineId');
    given([scheduled]).when(move('2026-02-30')).thenRefused('COMMAND_INVALID', 'data.dueDate');
  });

  it('cancels once, and reinstates a cancelled deadline as a new version', () => {
    const cancel: DeadlineCommandInput = { type: 'CancelDeadline', data: { reason: 'submitted', detail: 'report r-1' }, metadata: { at: '2026-04-01T00:00:00.000Z', actor: officer } };
    const cancelled = deadlineEvent('DeadlineCancelled', { cause: null, at: '2026-04-01T00:00:00.000Z', by: officer, deadlineId, reason: 'submitted', detail: 'report r-1' });
    given([scheduled]).when(cancel).then([cancelled]);
    given([scheduled, cancelled]).when(cancel).thenNothing();
    const reinstate: DeadlineCommandInput = { type: 'ReinstateDeadline', data: { reason: '撤回提交' }, metadata: { at: '2026-04-02T00:00:00.000Z', actor: officer } };
    given([scheduled, cancelled])
      .when(reinstate)
      .then([deadlineEvent('DeadlineReinstated', { cause: null, at: '2026-04-02T00:00:00.000Z', by: officer, deadlineId, dueVersion: 2, reason: '撤回提交' })]);
    given([scheduled]).when(reinstate).thenNothing();
  });

  it('decides nothing for a replayed trigger: a cause not after the last recorded one', () => {
    const cause = (position: string, seq = 0) => ({ position, seq });
    const cancelled = deadlineEvent('DeadlineCancelled', { cause: cause('12'), at: '2026-04-01T00:00:00.000Z', by: officer, deadlineId, reason: 'submitted', detail: null });
    const reinstate = (c: { position: string; seq: number }): DeadlineCommandInput => ({ type: 'ReinstateDeadline', data: { reason: 'back to draft', cause: c }, metadata: { at: '2026-04-02T00:00:00.000Z', actor: officer } });
    given([scheduled, cancelled]).when(reinstate(cause('11'))).thenNothing();
    given([scheduled, cancelled]).when(reinstate(cause('12'))).thenNothing();
    given([scheduled, cancelled])
      .when(reinstate(cause('12', 1)))
      .then([deadlineEvent('DeadlineReinstated', { cause: cause('12', 1), at: '2026-04-02T00:00:00.000Z', by: officer, deadlineId, dueVersion: 2, reason: 'back to draft' })]);
    // Positions compare as numbers, not as text.
    given([scheduled, cancelled]).when(reinstate(cause('100'))).then([deadlineEvent('DeadlineReinstated', { cause: cause('100'), at: '2026-04-02T00:00:00.000Z', by: officer, deadlineId, dueVersion: 2, reason: 'back to draft' })]);
  });

  it('sends a due reminder once, at 09:00 Shanghai of its working day', () => {
    // 7 working days before Friday 2026-05-29 is Wednesday 05-20.
    given([scheduled])
      .when(remind('before-7', 1, '2026-05-20T01:00:05.000Z'))
      .then([sent('before-7', 1, '2026-05-20T01:00:05.000Z', {})]);
    given([scheduled, sent('before-7', 1, '2026-05-20T01:00:05.000Z', {})]).when(remind('before-7', 1, '2026-05-20T01:00:09.000Z')).thenNothing();
  });

  it('ignores early, stale, superseded and cancelled wake-ups', () => {
    given([scheduled]).when(remind('before-7', 1, '2026-05-20T00:59:59.999Z')).thenNothing();
    given([scheduled]).when(remind('before-7', 2, '2026-05-21T00:00:00.000Z')).thenNothing();
    given([scheduled]).when(remind('before-9', 1, '2026-05-21T00:00:00.000Z')).thenNothing();
    const moved = deadlineEvent('DeadlineMoved', { cause: null, at: '2026-05-10T00:00:00.000Z', by: officer, deadlineId, dueDate: '2026-06-15', previousDueDate: '2026-05-29', dueVersion: 2, reason: '延期' });
    given([scheduled, moved]).when(remind('before-7', 1, '2026-05-20T01:00:00.000Z')).thenNothing();
    const cancelled = deadlineEvent('DeadlineCancelled', { cause: null, at: '2026-05-01T00:00:00.000Z', by: officer, deadlineId, reason: 'submitted', detail: null });
    given([scheduled, cancelled]).when(remind('before-7', 1, '2026-05-20T01:00:00.000Z')).thenNothing();
  });

  it('does not send late a reminder whose moment had passed when the deadline was set', () => {
    const late = deadlineEvent('DeadlineScheduled', { ...scheduled.data, at: '2026-05-25T00:00:00.000Z' });
    given([late]).when(remind('before-7', 1, '2026-05-25T00:00:01.000Z')).thenNothing();
    given([late])
      .when(remind('before-3', 1, '2026-05-26T01:00:00.000Z'))
      .then([sent('before-3', 1, '2026-05-26T01:00:00.000Z', { workingDays: -3, plannedAt: '2026-05-26T01:00:00.000Z' })]);
  });

  it('escalates with the overdue reminder one working day after the due date', () => {
    // Friday 05-29 due; the first working day after it is Monday 06-01.
    const at = '2026-06-01T01:00:00.000Z';
    const outcome = decideDeadline(parseDeadlineCommand(remind('after-1', 1, at, { toOrganisationId: 'dept-health', userIds: ['u-dept'] })), evolveDeadlineAll([scheduled]), { calendar });
    expect(outcome.map((e) => e.type)).toEqual(['ReminderSent', 'DeadlineEscalated']);
    expect(outcome[0]!.data).toMatchObject({ phase: 'overdue', plannedAt: at, workingDays: 1 });
    expect(outcome[1]!.data).toEqual({ at, by: system, deadlineId, offsetId: 'after-1', dueVersion: 1, toOrganisationId: 'dept-health', userIds: ['u-dept'] });
  });
});
