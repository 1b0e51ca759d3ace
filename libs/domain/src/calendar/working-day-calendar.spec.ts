import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, dayNumber, fromDayNumber, isWeekend, weekdayOf } from './local-date.js';
import { endOfShanghaiDay, shanghaiDateOf, shanghaiInstant } from './shanghai-time.js';
import { chinaWorkingDayCalendar, isCalendarYearMissing, WorkingDayCalendar } from './index.js';

const calendar = chinaWorkingDayCalendar();

/** Any day of the years the calendar covers. */
const coveredDate = fc.integer({ min: dayNumber('2025-01-01'), max: dayNumber('2026-12-31') }).map(fromDayNumber);
/** Days far enough inside the covered years that ±25 working days stay covered. */
const innerDate = fc.integer({ min: dayNumber('2025-03-01'), max: dayNumber('2026-10-31') }).map(fromDayNumber);

describe('the working-day calendar', () => {
  it('knows the 2025 and 2026 holidays and make-up working days', () => {
    expect(calendar.coveredYears()).toEqual([2025, 2026]);
    // 2025: Spring Festival 01-28..02-04, make-up days 01-26 (Sunday) and 02-08 (Saturday).
    expect(['2025-01-27', '2025-01-28', '2025-02-04', '2025-02-05', '2025-01-26', '2025-02-08'].map((d) => calendar.isWorkingDay(d))).toEqual([
      true,
      false,
      false,
      true,
      true,
      true,
    ]);
    // 2026: 国庆 10-01..10-07, 10-10 (Saturday) worked; 中秋 09-25..09-27 with 09-20 (Sunday) worked.
    expect(['2026-09-20', '2026-09-25', '2026-09-28', '2026-10-07', '2026-10-08', '2026-10-10', '2026-10-11'].map((d) => calendar.isWorkingDay(d))).toEqual([
      true,
      false,
      true,
      false,
      true,
      true,
      false,
    ]);
    expect(calendar.isWorkingDay('2026-01-04')).toBe(true);
    expect(calendar.isWorkingDay('2026-02-23')).toBe(false);
    expect(calendar.isWorkingDay('2026-02-28')).toBe(true);
  });

  it('counts working days across the 2026 Spring Festival and its make-up Saturdays', () => {
    // Friday 02-13 → Saturday 02-14 (make-up day) → the festival 02-15..02-23 → Tuesday 02-24.
    expect(calendar.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(calendar.addWorkingDays('2026-02-13', 2)).toBe('2026-02-24');
    expect(calendar.addWorkingDays('2026-02-24', -1)).toBe('2026-02-14');
    expect(calendar.addWorkingDays('2026-02-27', 1)).toBe('2026-02-28');
    expect(calendar.addWorkingDays('2026-05-08', 1)).toBe('2026-05-09');
    expect(calendar.addWorkingDays('2026-04-30', 1)).toBe('2026-05-06');
    expect(calendar.addWorkingDays('2026-06-01', 0)).toBe('2026-06-01');
    expect(calendar.addWorkingDays('2026-06-20', 0)).toBe('2026-06-20');
    expect(calendar.workingDayOnOrBefore('2026-06-21')).toBe('2026-06-18');
    expect(calendar.workingDayOnOrAfter('2026-06-19')).toBe('2026-06-22');
  });

  it('refuses a year without data instead of treating it as plain weekdays', () => {
    const missing = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return isCalendarYearMissing(error) ? (error.problems[0]!.details as { year: number }).year : `other: ${String(error)}`;
      }
      return 'no error';
    };
    expect(missing(() => calendar.isWorkingDay('2027-03-01'))).toBe(2027);
    expect(missing(() => calendar.isWorkingDay('2024-12-31'))).toBe(2024);
    expect(missing(() => calendar.addWorkingDays('2026-12-30', 3))).toBe(2027);
    expect(missing(() => calendar.addWorkingDays('2025-01-03', -3))).toBe(2024);
    expect(calendar.withYears([{ year: 2027, source: 'test', holidays: [], workdays: [] }]).addWorkingDays('2026-12-30', 3)).toBe('2027-01-04');
  });

  it('refuses inconsistent year data', () => {
    const make = (workdays: string[], holidays = [{ name: '节', from: '2030-05-01', to: '2030-05-03' }]) => () =>
      new WorkingDayCalendar([{ year: 2030, source: 'test', holidays, workdays }]);
    expect(make(['2030-05-06'])).toThrow('is a weekday already');
    expect(make(['2031-05-04'])).toThrow('outside 2030');
    expect(make([], [{ name: '节', from: '2030-05-03', to: '2030-05-01' }])).toThrow('ends before it starts');
    expect(make(['2030-05-04'])).not.toThrow();
  });

  it('property: a weekday that is no holiday is a working day, a weekend day that is no make-up day is not', () => {
    const makeUp = new Set(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11', '2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    fc.assert(
      fc.property(coveredDate, (date) => {
        if (makeUp.has(date)) return calendar.isWorkingDay(date);
        if (isWeekend(date)) return !calendar.isWorkingDay(date);
        return true;
      }),
    );
  });

  it('property: adding n working days lands on a working day with exactly n working days passed', () => {
    fc.assert(
      fc.property(innerDate, fc.integer({ min: 1, max: 25 }), (date, n) => {
        const later = calendar.addWorkingDays(date, n);
        const earlier = calendar.addWorkingDays(date, -n);
        /** Working days in [from, to). */
        const workingDaysFrom = (from: string, to: string) => {
          let count = 0;
          for (let d = from; d < to; d = addDays(d, 1)) if (calendar.isWorkingDay(d)) count++;
          return count;
        };
        expect(calendar.isWorkingDay(later) && calendar.isWorkingDay(earlier)).toBe(true);
        expect(later > date && earlier < date).toBe(true);
        // After: the working days in (date, later]; before: in [earlier, date).
        expect(workingDaysFrom(addDays(date, 1), addDays(later, 1))).toBe(n);
        expect(workingDaysFrom(earlier, date)).toBe(n);
      }),
    );
  });

  it('property: from a working day, +n then -n working days comes back', () => {
    fc.assert(
      fc.property(innerDate, fc.integer({ min: 0, max: 25 }), (date, n) => {
        const start = calendar.workingDayOnOrAfter(date);
        expect(calendar.addWorkingDays(calendar.addWorkingDays(start, n), -n)).toBe(start);
        expect(calendar.addWorkingDays(calendar.addWorkingDays(start, -n), n)).toBe(start);
      }),
    );
  });

  it('property: working days are monotonic, a+b = a then b', () => {
    fc.assert(
      fc.property(innerDate, fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 }), (date, a, b) => {
        expect(calendar.addWorkingDays(calendar.addWorkingDays(date, a), b)).toBe(calendar.addWorkingDays(date, a + b));
        if (a < b) expect(calendar.addWorkingDays(date, a) < calendar.addWorkingDays(date, b)).toBe(true);
      }),
    );
  });
});

describe('Asia/Shanghai instants', () => {
  const shanghai = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const wallClock = (instant: Date) => {
    const parts = Object.fromEntries(shanghai.formatToParts(instant).map((p) => [p.type, p.value]));
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  };

  it('puts 09:00 local at 01:00 UTC and ends a day at 15:59:59.999 UTC', () => {
    expect(shanghaiInstant('2026-05-29', '09:00').toISOString()).toBe('2026-05-29T01:00:00.000Z');
    expect(calendar.workingInstant('2026-02-14', '09:00').toISOString()).toBe('2026-02-14T01:00:00.000Z');
    expect(() => calendar.workingInstant('2026-02-15', '09:00')).toThrow('not a working day');
    expect(endOfShanghaiDay('2026-05-29').toISOString()).toBe('2026-05-29T15:59:59.999Z');
    expect(shanghaiDateOf('2026-05-29T15:59:59.999Z')).toBe('2026-05-29');
    expect(shanghaiDateOf('2026-05-29T16:00:00.000Z')).toBe('2026-05-30');
  });

  it('property: agrees with the tz database for any date and wall-clock time since 1992', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: dayNumber('1992-01-01'), max: dayNumber('2100-12-31') }).map(fromDayNumber),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (date, hour, minute) => {
          const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
          const instant = shanghaiInstant(date, time);
          expect(wallClock(instant)).toBe(`${date} ${time}`);
          expect(shanghaiDateOf(instant)).toBe(date);
          expect(shanghaiDateOf(endOfShanghaiDay(date))).toBe(date);
          expect(shanghaiDateOf(new Date(endOfShanghaiDay(date).getTime() + 1))).toBe(addDays(date, 1));
        },
      ),
    );
  });

  it('property: weekdays agree with the platform', () => {
    fc.assert(fc.property(coveredDate, (date) => weekdayOf(date) === new Date(`${date}T12:00:00Z`).getUTCDay()));
  });
});
