import type { Decimal } from 'decimal.js';
import type { CellValue } from 'exceljs';
import { Dec, text, type LocalizedText } from '#domain';

// Numbers cross into the sheet as IEEE doubles, the only kind a cell holds. Every figure the
// domain keeps has at most 15 significant digits (13 + 2 for amounts), so the double nearest to
// it prints back as the same decimal: `new Dec(String(n))` recovers the exact value. No arithmetic
// is ever done on the doubles themselves.

export function decimalToCellNumber(value: string | Decimal): number {
  const decimal = new Dec(value);
  if (decimal.precision(true) > 15) throw new RangeError(`${decimal.toFixed()} has more than 15 significant digits and cannot be stored exactly in a cell`);
  return decimal.toNumber();
}

/** A number format that shows exactly the decimals the value has: 9.675 → "0.000", 10 → "0". */
export function formatShowing(value: string | Decimal, minimumDecimals = 0): string {
  const decimals = Math.max(minimumDecimals, new Dec(value).decimalPlaces());
  return decimals === 0 ? '0' : `0.${'0'.repeat(decimals)}`;
}

export const MONEY_FORMAT = '#,##0.00';

/** What a cell holds, once rich text, formulas, hyperlinks and shared strings are looked through. */
export type CellContent =
  | { kind: 'empty' }
  | { kind: 'text'; text: string }
  | { kind: 'number'; value: number; percent: boolean }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'date'; value: Date }
  | { kind: 'error'; error: string }
  | { kind: 'formula-without-result'; formula: string };

/** Placeholders the forms print in cells that hold nothing. */
const BLANK_MARKS = new Set(['/', '／', '-', '—', '——', '－', '…', '……', '...', '无数据']);

export function readCellValue(value: CellValue, numFmt: string | undefined): CellContent {
  if (value === null || value === undefined) return { kind: 'empty' };
  if (typeof value === 'string') return value.trim() === '' || BLANK_MARKS.has(value.trim()) ? { kind: 'empty' } : { kind: 'text', text: value };
  if (typeof value === 'number') return { kind: 'number', value, percent: (numFmt ?? '').includes('%') };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (value instanceof Date) return { kind: 'date', value };
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return readCellValue(value.richText.map((run) => run.text).join(''), numFmt);
    if ('error' in value) return { kind: 'error', error: String(value.error) };
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: unknown }).result;
      if (result === undefined || result === null) return { kind: 'formula-without-result', formula: String((value as { formula?: string }).formula ?? (value as { sharedFormula?: string }).sharedFormula) };
      if (typeof result === 'object' && result !== null && 'error' in result) return { kind: 'error', error: String((result as { error: unknown }).error) };
      return readCellValue(result as CellValue, numFmt);
    }
    if ('text' in value) return readCellValue((value as { text: CellValue }).text, numFmt);
  }
  return { kind: 'text', text: String(value) };
}

export type Read<T> = { ok: true; value: T } | { ok: false; reason: LocalizedText };
const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const fail = (zh: string, en: string): Read<never> => ({ ok: false, reason: text(zh, en) });

function describe(content: CellContent): string {
  switch (content.kind) {
    case 'text':
      return `“${content.text}”`;
    case 'number':
      return String(content.value);
    case 'boolean':
      return String(content.value);
    case 'date':
      return content.value.toISOString().slice(0, 10);
    case 'error':
      return content.error;
    case 'formula-without-result':
      return `=${content.formula}`;
    case 'empty':
      return '';
    default: {
      const unknown: never = content;
      return String(unknown);
    }
  }
}

function notANumber(content: CellContent, what: LocalizedText): Read<never> | null {
  switch (content.kind) {
    case 'error':
      return fail(`单元格显示错误值 ${content.error}，应为${what['zh-CN']}`, `the cell shows the error ${content.error}; expected ${what.en}`);
    case 'formula-without-result':
      return fail(`公式 ${describe(content)} 没有保存计算结果，请在 Excel 中重新计算并保存，或填入数值`, `the formula ${describe(content)} has no saved result; recalculate and save in Excel, or type the value`);
    case 'date':
      return fail(`单元格是日期 ${describe(content)}，应为${what['zh-CN']}`, `the cell is a date (${describe(content)}); expected ${what.en}`);
    case 'boolean':
      return fail(`单元格是逻辑值 ${describe(content)}，应为${what['zh-CN']}`, `the cell is a boolean (${describe(content)}); expected ${what.en}`);
    default:
      return null;
  }
}

/** Text as typed; numbers as the shortest decimal that is them (157245, not 157245.00000001). */
export function readText(content: CellContent): Read<string | null> {
  switch (content.kind) {
    case 'empty':
      return ok(null);
    case 'text':
      return ok(content.text);
    case 'number':
      return ok(content.percent ? `${new Dec(String(content.value)).times(100).toFixed()}%` : new Dec(String(content.value)).toFixed());
    case 'date':
      return ok(content.value.toISOString().slice(0, 10));
    case 'boolean':
      return ok(content.value ? '是' : '否');
    default:
      return notANumber(content, text('文字', 'text')) as Read<never>;
  }
}

const NUMBER = /^-?\d+(?:\.\d+)?$/;

function cleanNumberText(raw: string): string {
  return raw.normalize('NFKC').replace(/[\s,]/g, '');
}

export type MoneyUnit = 'wan' | 'yuan';

export interface MoneyRead {
  /** 万元 with two decimals. */
  value: string;
  /** Set when an amount in 元 had to be rounded to the form's two decimals of 万元. */
  roundedFrom: string | null;
}

const moneyWhat = text('金额', 'an amount');

/**
 * An amount in 万元 with at most two decimals. `unit` is what the table's header says; a cell may
 * still say its own unit ("9.33万元", "93300元"). 元 are divided by 10 000 exactly, and rounded
 * half-up to two decimals only when the figure has finer precision than the form keeps.
 */
export function readMoney(content: CellContent, unit: MoneyUnit): Read<MoneyRead | null> {
  if (content.kind === 'empty') return ok(null);
  const refused = notANumber(content, moneyWhat);
  if (refused) return refused;
  let digits: string;
  let cellUnit = unit;
  if (content.kind === 'number') {
    if (content.percent) return fail(`单元格是百分数格式，应为金额`, 'the cell is formatted as a percentage; expected an amount');
    digits = String(content.value);
  } else if (content.kind === 'text') {
    let cleaned = cleanNumberText(content.text);
    const suffix = /(万元|元)$/.exec(cleaned);
    if (suffix) {
      cellUnit = suffix[1] === '万元' ? 'wan' : 'yuan';
      cleaned = cleaned.slice(0, -suffix[1]!.length);
    }
    if (!NUMBER.test(cleaned)) return fail(`无法读作金额：${describe(content)}`, `cannot be read as an amount: ${describe(content)}`);
    digits = cleaned;
  } else {
    return fail(`无法读作金额：${describe(content)}`, `cannot be read as an amount: ${describe(content)}`);
  }
  let amount = new Dec(digits);
  if (amount.isNegative()) return fail(`金额不能为负数：${digits}`, `an amount cannot be negative: ${digits}`);
  let roundedFrom: string | null = null;
  if (cellUnit === 'yuan') {
    amount = amount.dividedBy(10_000);
    if (amount.decimalPlaces() > 2) {
      roundedFrom = amount.toFixed();
      amount = amount.toDecimalPlaces(2, Dec.ROUND_HALF_UP);
    }
  } else if (amount.decimalPlaces() > 2) {
    return fail(`万元金额最多两位小数：${digits}`, `an amount in 万元 has at most two decimals: ${digits}`);
  }
  if (amount.greaterThanOrEqualTo('1e13')) return fail(`金额过大：${digits}`, `the amount is too large: ${digits}`);
  // Two decimals, as the domain keeps amounts ("170.00").
  return ok({ value: amount.toFixed(2), roundedFrom });
}

const scoreWhat = text('分值（非负数，最多四位小数）', 'a score (not negative, at most four decimals)');

/** Weights and scores: "5", "4.5", "9.675", "10分". */
export function readScore(content: CellContent): Read<string | null> {
  if (content.kind === 'empty') return ok(null);
  const refused = notANumber(content, scoreWhat);
  if (refused) return refused;
  let digits: string;
  if (content.kind === 'number') digits = content.percent ? new Dec(String(content.value)).times(100).toFixed() : String(content.value);
  else if (content.kind === 'text') digits = cleanNumberText(content.text).replace(/分$/, '');
  else return fail(`无法读作分值：${describe(content)}`, `cannot be read as a score: ${describe(content)}`);
  if (!NUMBER.test(digits)) return fail(`无法读作分值：${describe(content)}`, `cannot be read as a score: ${describe(content)}`);
  const score = new Dec(digits);
  if (score.isNegative()) return fail(`分值不能为负数：${digits}`, `a score cannot be negative: ${digits}`);
  if (score.decimalPlaces() > 4) return fail(`分值最多四位小数：${digits}`, `a score has at most four decimals: ${digits}`);
  if (score.greaterThanOrEqualTo(10_000)) return fail(`分值过大：${digits}`, `the score is too large: ${digits}`);
  return ok(score.toFixed());
}

/** A rate as the form prints it: "96.75%" or a percent-formatted 0.9675 both read as "96.75". */
export function readPercent(content: CellContent): Read<string | null> {
  if (content.kind === 'empty') return ok(null);
  const refused = notANumber(content, text('百分数', 'a percentage'));
  if (refused) return refused;
  let digits: string;
  if (content.kind === 'number') digits = content.percent ? new Dec(String(content.value)).times(100).toFixed() : String(content.value);
  else if (content.kind === 'text') digits = cleanNumberText(content.text).replace(/%$/, '');
  else return fail(`无法读作百分数：${describe(content)}`, `cannot be read as a percentage: ${describe(content)}`);
  if (!NUMBER.test(digits) || digits.startsWith('-')) return fail(`无法读作百分数：${describe(content)}`, `cannot be read as a percentage: ${describe(content)}`);
  const rate = new Dec(digits);
  if (rate.decimalPlaces() > 4) return fail(`百分数最多四位小数：${digits}`, `a percentage has at most four decimals: ${digits}`);
  if (rate.greaterThanOrEqualTo(1_000_000)) return fail(`百分数过大：${digits}`, `the percentage is too large: ${digits}`);
  return ok(rate.toFixed());
}

export function readYear(content: CellContent): Read<number | null> {
  if (content.kind === 'empty') return ok(null);
  const raw = content.kind === 'number' ? String(content.value) : content.kind === 'text' ? cleanNumberText(content.text).replace(/年度?$/, '') : null;
  if (raw === null || !/^\d{4}$/.test(raw)) return fail(`无法读作年度：${describe(content)}`, `cannot be read as a year: ${describe(content)}`);
  return ok(Number(raw));
}
