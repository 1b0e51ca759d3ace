import { endOfShanghaiDay, shanghaiDateOf } from '../calendar/shanghai-time.js';
import { isCalendarYearMissing, type WorkingDayCalendar } from '../calendar/working-day-calendar.js';
import type { LocalDate } from '../calendar/local-date.js';

export interface StageDueAt {
  /** The last working day of the stage's time limit, in Asia/Shanghai. */
  dueDate: LocalDate;
  /** The end of that day, as an instant (ISO, UTC). */
  dueAt: string;
}

export interface StageDue extends StageDueAt {
  overdue: boolean;
}

/**
 * When a review stage is due: its time limit in working days counted from the day it began
 * (which itself does not count). Null without a time limit, or when the calendar does not cover
 * the days in question: a due date is never guessed. A pure function of its arguments, so a read
 * model may compute it once and compare it with the clock when it is read.
 */
export function stageDueAt(calendar: WorkingDayCalendar, enteredAt: string | null, timeLimitWorkingDays: number | null): StageDueAt | null {
  if (enteredAt === null || timeLimitWorkingDays === null) return null;
  try {
    const dueDate = calendar.addWorkingDays(shanghaiDateOf(enteredAt), timeLimitWorkingDays);
    return { dueDate, dueAt: endOfShanghaiDay(dueDate).toISOString() };
  } catch (error) {
    if (isCalendarYearMissing(error)) return null;
    throw error;
  }
}

/** The stage's due date, and whether it has passed at `now`: overdue once the due day is over. */
export function stageDue(calendar: WorkingDayCalendar, enteredAt: string | null, timeLimitWorkingDays: number | null, now: Date): StageDue | null {
  const due = stageDueAt(calendar, enteredAt, timeLimitWorkingDays);
  return due === null ? null : { ...due, overdue: now.getTime() > Date.parse(due.dueAt) };
}
