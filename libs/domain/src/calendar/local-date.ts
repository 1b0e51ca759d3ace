import { z } from 'zod';

/**
 * A calendar day without a time zone, as `YYYY-MM-DD`. Arithmetic runs on day numbers (days since
 * 1970-01-01), so no Date object's local time zone ever leaks in.
 */
export type LocalDate = string;

const DAY_MS = 86_400_000;
const pattern = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLocalDate(value: string): boolean {
  const match = pattern.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}

export const calendarDateSchema = z.string().refine(isLocalDate, { error: 'expected a date as YYYY-MM-DD' });

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function dayNumber(date: LocalDate): number {
  const match = pattern.exec(date);
  if (!match || !isLocalDate(date)) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  return Math.round(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS);
}

export function fromDayNumber(day: number): LocalDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromDayNumber(dayNumber(date) + days);
}

export function yearOf(date: LocalDate): number {
  return Number(date.slice(0, 4));
}

/** 0 Sunday … 6 Saturday. */
export function weekdayOf(date: LocalDate): number {
  // 1970-01-01 was a Thursday.
  return (((dayNumber(date) + 4) % 7) + 7) % 7;
}

export function isWeekend(date: LocalDate): boolean {
  const weekday = weekdayOf(date);
  return weekday === 0 || weekday === 6;
}

export function compareDates(a: LocalDate, b: LocalDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every day from `from` to `to`, both included. */
export function datesBetween(from: LocalDate, to: LocalDate): LocalDate[] {
  const days: LocalDate[] = [];
  for (let day = dayNumber(from); day <= dayNumber(to); day++) days.push(fromDayNumber(day));
  return days;
}

const weekdayNames = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** `2026-05-29` → `2026年5月29日（星期五）`, for zh-CN texts. */
export function formatDateZh(date: LocalDate): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${y}年${m}月${d}日（${weekdayNames[weekdayOf(date)]}）`;
}
