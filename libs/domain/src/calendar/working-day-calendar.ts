import { z } from 'zod';
import { DomainError, isDomainError } from '../shared/domain-error.js';
import { text } from '../shared/i18n.js';
import { parseOrThrow } from '../shared/zod-problems.js';
import { addDays, datesBetween, formatDateZh, isWeekend, calendarDateSchema, yearOf, type LocalDate } from './local-date.js';
import { shanghaiInstant, type LocalTime } from './shanghai-time.js';

const holidaySchema = z.object({ name: z.string().trim().min(1).max(50), from: calendarDateSchema, to: calendarDateSchema }).strict();

export const calendarYearSchema = z
  .object({
    year: z.number().int().min(1992).max(2200),
    /** The notice the data comes from, e.g. 国办发明电〔2025〕7号. */
    source: z.string().trim().min(1).max(200),
    holidays: z.array(holidaySchema).max(40),
    /** Weekend days that are working days (调休上班). */
    workdays: z.array(calendarDateSchema).max(40),
  })
  .strict()
  .superRefine((entry, ctx) => {
    const inYear = (date: string) => yearOf(date) === entry.year;
    const off = new Set<string>();
    entry.holidays.forEach((holiday, index) => {
      if (!inYear(holiday.from) || !inYear(holiday.to)) ctx.addIssue({ code: 'custom', path: ['holidays', index], message: `holiday outside ${entry.year}` });
      else if (holiday.from > holiday.to) ctx.addIssue({ code: 'custom', path: ['holidays', index, 'to'], message: 'ends before it starts' });
      else for (const day of datesBetween(holiday.from, holiday.to)) off.add(day);
    });
    const seen = new Set<string>();
    entry.workdays.forEach((day, index) => {
      if (!inYear(day)) ctx.addIssue({ code: 'custom', path: ['workdays', index], message: `working day outside ${entry.year}` });
      else if (!isWeekend(day)) ctx.addIssue({ code: 'custom', path: ['workdays', index], message: `${day} is a weekday already` });
      else if (off.has(day)) ctx.addIssue({ code: 'custom', path: ['workdays', index], message: `${day} is also a holiday` });
      else if (seen.has(day)) ctx.addIssue({ code: 'custom', path: ['workdays', index], message: `${day} is listed twice` });
      seen.add(day);
    });
  });
export type CalendarYear = z.output<typeof calendarYearSchema>;
export type CalendarYearInput = z.input<typeof calendarYearSchema>;

export const CALENDAR_YEAR_MISSING = 'CALENDAR_YEAR_MISSING';

export function calendarYearMissing(year: number, date: LocalDate): DomainError {
  return DomainError.of(
    CALENDAR_YEAR_MISSING,
    '',
    text(`工作日历缺少${year}年的节假日安排（计算${formatDateZh(date)}时），请先配置该年度的日历`, `the working-day calendar has no data for ${year} (needed for ${date}); configure that year first`),
    { year, date },
  );
}

export function isCalendarYearMissing(error: unknown): error is DomainError {
  return isDomainError(error) && error.code === CALENDAR_YEAR_MISSING;
}

/** Farther than any time limit or reminder offset needs; a bound against runaway loops. */
const MAX_WORKING_DAYS = 400;
const MEMO_SIZE = 20_000;

/**
 * Working days in mainland China: Monday to Friday, minus the public holidays, plus the weekend
 * days made working days, as published per year. Every question about a day of a year without
 * data fails with CALENDAR_YEAR_MISSING.
 */
export class WorkingDayCalendar {
  private readonly years = new Map<number, { off: Set<LocalDate>; on: Set<LocalDate>; entry: CalendarYear }>();
  private readonly memo = new Map<string, LocalDate>();

  constructor(entries: readonly CalendarYearInput[]) {
    for (const input of entries) {
      const entry = parseOrThrow(calendarYearSchema, input, 'CALENDAR_INVALID', `calendar.${String(input.year)}`);
      if (this.years.has(entry.year)) throw new RangeError(`calendar year ${entry.year} is given twice`);
      const off = new Set(entry.holidays.flatMap((h) => datesBetween(h.from, h.to)));
      this.years.set(entry.year, { off, on: new Set(entry.workdays), entry });
    }
  }

  /** This calendar with more years; a year given again replaces the one here (e.g. corrected data). */
  withYears(entries: readonly CalendarYearInput[]): WorkingDayCalendar {
    const replaced = new Set(entries.map((e) => e.year));
    const kept = [...this.years.values()].filter(({ entry }) => !replaced.has(entry.year)).map(({ entry }) => entry);
    return new WorkingDayCalendar([...kept, ...entries]);
  }

  coveredYears(): number[] {
    return [...this.years.keys()].sort((a, b) => a - b);
  }

  covers(year: number): boolean {
    return this.years.has(year);
  }

  isWorkingDay(date: LocalDate): boolean {
    const year = this.years.get(yearOf(date));
    if (!year) throw calendarYearMissing(yearOf(date), date);
    if (year.on.has(date)) return true;
    if (year.off.has(date)) return false;
    return !isWeekend(date);
  }

  /**
   * The n-th working day after (n > 0) or before (n < 0) a date, not counting the date itself;
   * n = 0 is the date itself, working day or not.
   */
  addWorkingDays(date: LocalDate, n: number): LocalDate {
    if (!Number.isInteger(n) || Math.abs(n) > MAX_WORKING_DAYS) throw new RangeError(`working days must be an integer within ±${MAX_WORKING_DAYS}: ${n}`);
    // Thousands of deadlines share a due date: remember answers (the data never changes).
    const key = `${date}|${n}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const step = Math.sign(n);
    let day = date;
    for (let left = Math.abs(n); left > 0; ) {
      day = addDays(day, step);
      if (this.isWorkingDay(day)) left--;
    }
    if (this.memo.size >= MEMO_SIZE) this.memo.clear();
    this.memo.set(key, day);
    return day;
  }

  /** The date itself when it is a working day, else the last working day before it. */
  workingDayOnOrBefore(date: LocalDate): LocalDate {
    return this.isWorkingDay(date) ? date : this.addWorkingDays(date, -1);
  }

  /** The date itself when it is a working day, else the first working day after it. */
  workingDayOnOrAfter(date: LocalDate): LocalDate {
    return this.isWorkingDay(date) ? date : this.addWorkingDays(date, 1);
  }

  /** A working day's wall-clock time in Asia/Shanghai, e.g. reminders at 09:00 local. */
  workingInstant(date: LocalDate, time: LocalTime): Date {
    if (!this.isWorkingDay(date)) throw new RangeError(`${date} is not a working day`);
    return shanghaiInstant(date, time);
  }
}
