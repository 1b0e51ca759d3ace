import { addDays, dayNumber, fromDayNumber, type LocalDate } from './local-date.js';

/**
 * Asia/Shanghai has kept UTC+8 without daylight saving time since 1991, so local wall-clock times
 * convert with a fixed offset (the spec checks this against the platform's tz database).
 */
export const SHANGHAI_TIME_ZONE = 'Asia/Shanghai';
const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** `HH:MM`, 00:00 to 23:59. */
export type LocalTime = string;
const timePattern = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isLocalTime(value: string): boolean {
  return timePattern.test(value);
}

/** The instant of a local date and wall-clock time in Asia/Shanghai. */
export function shanghaiInstant(date: LocalDate, time: LocalTime = '00:00'): Date {
  const match = timePattern.exec(time);
  if (!match) throw new RangeError(`not a time (HH:MM): ${time}`);
  return new Date(dayNumber(date) * DAY_MS + (Number(match[1]) * 60 + Number(match[2])) * 60_000 - OFFSET_MS);
}

/** The last millisecond of a local day in Asia/Shanghai: a deadline on that day holds until then. */
export function endOfShanghaiDay(date: LocalDate): Date {
  return new Date(shanghaiInstant(addDays(date, 1)).getTime() - 1);
}

/** The local date in Asia/Shanghai of an instant. */
export function shanghaiDateOf(instant: Date | string): LocalDate {
  const ms = (typeof instant === 'string' ? new Date(instant) : instant).getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  return fromDayNumber(Math.floor((ms + OFFSET_MS) / DAY_MS));
}
