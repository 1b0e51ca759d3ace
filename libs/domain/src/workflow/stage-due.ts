import { endOfShanghaiDay, shanghaiDateOf } from '../calendar/shanghai-time.js';
import { isCalendarYearMissing, type WorkingDayCalendar } from '../calendar/working-day-calendar.js';
import type { LocalDate } from '../calendar/local-date.js';

export interface StageDue {
  /** The last working day of the stage's time limit, in Asia/Shanghai. */
  dueDate: LocalDate;
  /** The end of that day, as an instant. */
  dueAt: string;
  overdue: boolean;
}

/**
 * When a review stage is due: its time limit in working days counted from the day it began
 * (which itself does not count). Null without a time limit, or when the calendar does not cover
 * the days in question: a due date is never guessed.
 */
export function stageDue(calendar: WorkingDayCalendar, enteredAt: string | null, timeLimitWorkingDays: number | null, now: Date): StageDue | null {
  if (enteredAt === null || timeLimitWorkingDays === null) return null;
  try {
    const dueDate = calendar.addWorkingDays(shanghaiDateOf(enteredAt), timeLimitWorkingDays);
    const end = endOfShanghaiDay(dueDate);
    return { dueDate, dueAt: end.toISOString(), overdue: now.getTime() > end.getTime() };
  } catch (error) {
    if (isCalendarYearMissing(error)) return null;
    throw error;
  }
}
