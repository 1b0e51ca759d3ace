// The working-day calendar (data per year, Asia/Shanghai): pure, no clock.

export { chinaCalendarYears } from './calendar-data.js';
export {
  addDays,
  compareDates,
  dayNumber,
  formatDateZh,
  fromDayNumber,
  isLocalDate,
  isWeekend,
  calendarDateSchema,
  weekdayOf,
  yearOf,
  type LocalDate,
} from './local-date.js';
export { endOfShanghaiDay, isLocalTime, SHANGHAI_TIME_ZONE, shanghaiDateOf, shanghaiInstant, type LocalTime } from './shanghai-time.js';
export {
  CALENDAR_YEAR_MISSING,
  calendarYearMissing,
  calendarYearSchema,
  isCalendarYearMissing,
  WorkingDayCalendar,
  type CalendarYear,
  type CalendarYearInput,
} from './working-day-calendar.js';

import { chinaCalendarYears } from './calendar-data.js';
import { WorkingDayCalendar } from './working-day-calendar.js';

/** The built-in calendar: every year in calendar-data.ts. */
export function chinaWorkingDayCalendar(): WorkingDayCalendar {
  return new WorkingDayCalendar(chinaCalendarYears);
}
