import type { LocalDate } from '../calendar/local-date.js';
import { endOfShanghaiDay, shanghaiInstant } from '../calendar/shanghai-time.js';
import { CALENDAR_YEAR_MISSING, isCalendarYearMissing, type WorkingDayCalendar } from '../calendar/working-day-calendar.js';
import type { DeadlineOffset } from './deadline.model.js';
import { sentKey, type DeadlineAggregate, type DeadlineState } from './deadline.state.js';

export type ReminderPhase = 'before' | 'due' | 'overdue';

export interface PlannedReminder {
  offsetId: string;
  workingDays: number;
  phase: ReminderPhase;
  escalate: boolean;
  /** The working day it goes out, and the instant (ISO, UTC) of its local time that day. */
  day: LocalDate;
  at: string;
}

export interface UnplannableReminder {
  offsetId: string;
  error: { code: typeof CALENDAR_YEAR_MISSING; year: number };
}

/** The instant a deadline passes: the end of its due date in Asia/Shanghai. */
export function deadlineInstant(dueDate: LocalDate): string {
  return endOfShanghaiDay(dueDate).toISOString();
}

function phaseOf(workingDays: number): ReminderPhase {
  return workingDays < 0 ? 'before' : workingDays === 0 ? 'due' : 'overdue';
}

/** The working day of one offset: before and on the day count from the last working day on or before the due date. */
export function reminderDay(dueDate: LocalDate, offset: Pick<DeadlineOffset, 'workingDays'>, calendar: WorkingDayCalendar): LocalDate {
  return offset.workingDays > 0 ? calendar.addWorkingDays(dueDate, offset.workingDays) : calendar.addWorkingDays(calendar.workingDayOnOrBefore(dueDate), offset.workingDays);
}

/**
 * The reminders of a due date, one per offset, in time order. An offset whose day falls in a year
 * the calendar has no data for is returned as unplannable (never guessed as a plain weekday).
 */
export function reminderPlan(dueDate: LocalDate, offsets: readonly DeadlineOffset[], calendar: WorkingDayCalendar): { planned: PlannedReminder[]; unplannable: UnplannableReminder[] } {
  const planned: PlannedReminder[] = [];
  const unplannable: UnplannableReminder[] = [];
  for (const offset of offsets) {
    try {
      const day = reminderDay(dueDate, offset, calendar);
      planned.push({ offsetId: offset.id, workingDays: offset.workingDays, phase: phaseOf(offset.workingDays), escalate: offset.escalate, day, at: shanghaiInstant(day, offset.time).toISOString() });
    } catch (error) {
      if (!isCalendarYearMissing(error)) throw error;
      unplannable.push({ offsetId: offset.id, error: { code: CALENDAR_YEAR_MISSING, year: (error.problems[0]!.details as { year: number }).year } });
    }
  }
  planned.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { planned, unplannable };
}

/**
 * What is still to be sent for the current version of an open deadline: planned after the
 * version began (a reminder whose moment had passed when the deadline was set, moved or
 * reinstated is not sent late) and not sent yet.
 */
export function pendingReminders(state: DeadlineState, calendar: WorkingDayCalendar): { pending: PlannedReminder[]; unplannable: UnplannableReminder[] } {
  if (state.status !== 'open') return { pending: [], unplannable: [] };
  const { planned, unplannable } = reminderPlan(state.dueDate, state.offsets, calendar);
  const versionFrom = Date.parse(state.versionFrom);
  return {
    pending: planned.filter((r) => Date.parse(r.at) > versionFrom && !state.sent.includes(sentKey(r.offsetId, state.dueVersion))),
    unplannable: unplannable.filter((r) => !state.sent.includes(sentKey(r.offsetId, state.dueVersion))),
  };
}

/** A wake-up names the reminder it is for; whether to act on it is decided from the stream alone. */
export interface WakeUp {
  offsetId: string;
  dueVersion: number;
}

export type WakeUpVerdict =
  | { kind: 'due'; reminder: PlannedReminder; deadline: DeadlineAggregate }
  | { kind: 'early'; at: string }
  | { kind: 'sent' }
  | { kind: 'unplannable'; error: UnplannableReminder['error'] }
  | { kind: 'stale'; why: 'unknown-deadline' | 'cancelled' | 'superseded' | 'unknown-offset' | 'before-version' };

/** Classifies a wake-up against the deadline as its stream stands now: only `due` sends anything. */
export function classifyWakeUp(state: DeadlineState, wakeUp: WakeUp, now: string, calendar: WorkingDayCalendar): WakeUpVerdict {
  if (state.status === 'none') return { kind: 'stale', why: 'unknown-deadline' };
  if (state.sent.includes(sentKey(wakeUp.offsetId, wakeUp.dueVersion))) return { kind: 'sent' };
  if (wakeUp.dueVersion !== state.dueVersion) return { kind: 'stale', why: 'superseded' };
  if (state.status === 'cancelled') return { kind: 'stale', why: 'cancelled' };
  const offset = state.offsets.find((o) => o.id === wakeUp.offsetId);
  if (!offset) return { kind: 'stale', why: 'unknown-offset' };
  const { planned, unplannable } = reminderPlan(state.dueDate, [offset], calendar);
  const reminder = planned[0];
  if (!reminder) return { kind: 'unplannable', error: unplannable[0]!.error };
  if (Date.parse(reminder.at) <= Date.parse(state.versionFrom)) return { kind: 'stale', why: 'before-version' };
  if (Date.parse(reminder.at) > Date.parse(now)) return { kind: 'early', at: reminder.at };
  return { kind: 'due', reminder, deadline: state };
}
