import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { chinaWorkingDayCalendar, dayNumber, fromDayNumber, shanghaiDateOf } from '../calendar/index.js';
import { deadlineEvent } from './deadline.events.js';
import { defaultDeadlineOffsets, offsetsFromWorkingDays } from './deadline.model.js';
import { evolveDeadlineAll } from './deadline.state.js';
import { deadlineInstant, pendingReminders, reminderPlan } from './reminder-plan.js';

const calendar = chinaWorkingDayCalendar();
const days = (dueDate: string) => Object.fromEntries(reminderPlan(dueDate, defaultDeadlineOffsets, calendar).planned.map((r) => [r.offsetId, r.day]));

describe('reminder plan', () => {
  it('plans 7, 3, 1 working days before, on the day and 1 after, at 09:00 Shanghai', () => {
    const { planned, unplannable } = reminderPlan('2026-05-29', defaultDeadlineOffsets, calendar);
    expect(unplannable).toEqual([]);
    expect(planned.map((r) => [r.offsetId, r.at, r.phase, r.escalate])).toEqual([
      ['before-7', '2026-05-20T01:00:00.000Z', 'before', false],
      ['before-3', '2026-05-26T01:00:00.000Z', 'before', false],
      ['before-1', '2026-05-28T01:00:00.000Z', 'before', false],
      ['due', '2026-05-29T01:00:00.000Z', 'due', false],
      ['after-1', '2026-06-01T01:00:00.000Z', 'overdue', true],
    ]);
    expect(deadlineInstant('2026-05-29')).toBe('2026-05-29T15:59:59.999Z');
  });

  it('skips the May Day holidays and counts the make-up Saturday', () => {
    // Due Wednesday 05-06, right after 05-01..05-05; Saturday 05-09 is worked.
    expect(days('2026-05-06')).toEqual({ 'before-7': '2026-04-22', 'before-3': '2026-04-28', 'before-1': '2026-04-30', due: '2026-05-06', 'after-1': '2026-05-07' });
    expect(days('2026-05-08')['after-1']).toBe('2026-05-09');
  });

  it('reminds "on the day" on the last working day before a due date that falls on a holiday (09-20 is a make-up Sunday)', () => {
    expect(days('2026-10-05')).toEqual({ 'before-7': '2026-09-20', 'before-3': '2026-09-24', 'before-1': '2026-09-29', due: '2026-09-30', 'after-1': '2026-10-08' });
  });

  it('marks reminders in a year without calendar data as unplannable instead of guessing', () => {
    const { planned, unplannable } = reminderPlan('2026-12-31', defaultDeadlineOffsets, calendar);
    expect(planned.map((r) => r.offsetId)).toEqual(['before-7', 'before-3', 'before-1', 'due']);
    expect(unplannable).toEqual([{ offsetId: 'after-1', error: { code: 'CALENDAR_YEAR_MISSING', year: 2027 } }]);
  });

  it('builds offsets from plain numbers of working days', () => {
    expect(offsetsFromWorkingDays({ before: [1, 5], after: [2, 1], time: '14:30' })).toEqual([
      { id: 'before-5', workingDays: -5, time: '14:30', escalate: false },
      { id: 'before-1', workingDays: -1, time: '14:30', escalate: false },
      { id: 'due', workingDays: 0, time: '14:30', escalate: false },
      { id: 'after-1', workingDays: 1, time: '14:30', escalate: false },
      { id: 'after-2', workingDays: 2, time: '14:30', escalate: true },
    ]);
  });

  it('keeps pending only what is after the current version began and not sent', () => {
    const by = { userId: 'u', role: 'performance_officer' as const, organisationId: 'b' };
    const scheduled = deadlineEvent('DeadlineScheduled', {
      at: '2026-05-21T00:00:00.000Z',
      by,
      deadlineId: 'd',
      subject: { kind: 'submission', campaignId: 'c', unitId: 'u1' },
      title: 't',
      organisationId: 'u1',
      organisationName: null,
      dueDate: '2026-05-29',
      offsets: [...defaultDeadlineOffsets],
      recipients: { organisationId: 'u1', roles: ['unit_filler'], scope: 'organisation' },
      cause: null,
    });
    const state = evolveDeadlineAll([scheduled]);
    expect(pendingReminders(state, calendar).pending.map((r) => r.offsetId)).toEqual(['before-3', 'before-1', 'due', 'after-1']);
    const moved = deadlineEvent('DeadlineMoved', { cause: null, at: '2026-05-27T00:00:00.000Z', by, deadlineId: 'd', dueDate: '2026-06-12', previousDueDate: '2026-05-29', dueVersion: 2, reason: 'x' });
    expect(pendingReminders(evolveDeadlineAll([scheduled, moved]), calendar).pending.map((r) => [r.offsetId, r.day])).toEqual([
      ['before-7', '2026-06-03'],
      ['before-3', '2026-06-09'],
      ['before-1', '2026-06-11'],
      ['due', '2026-06-12'],
      ['after-1', '2026-06-15'],
    ]);
    const cancelled = deadlineEvent('DeadlineCancelled', { cause: null, at: '2026-05-28T00:00:00.000Z', by, deadlineId: 'd', reason: 'submitted', detail: null });
    expect(pendingReminders(evolveDeadlineAll([scheduled, moved, cancelled]), calendar).pending).toEqual([]);
  });

  it('property: every planned reminder is at 09:00 local of a working day, in offset order around the due date', () => {
    fc.assert(
      fc.property(fc.integer({ min: dayNumber('2025-02-01'), max: dayNumber('2026-12-01') }).map(fromDayNumber), (dueDate) => {
        const { planned, unplannable } = reminderPlan(dueDate, defaultDeadlineOffsets, calendar);
        expect(unplannable).toEqual([]);
        expect(planned.map((r) => r.offsetId)).toEqual(['before-7', 'before-3', 'before-1', 'due', 'after-1']);
        for (const r of planned) {
          expect(calendar.isWorkingDay(r.day)).toBe(true);
          expect(shanghaiDateOf(r.at)).toBe(r.day);
          expect(r.at.slice(11)).toBe('01:00:00.000Z');
          if (r.workingDays <= 0) expect(r.day <= dueDate).toBe(true);
          else expect(r.day > dueDate).toBe(true);
        }
        expect(new Set(planned.map((r) => r.day)).size).toBe(planned.length);
      }),
    );
  });
});
