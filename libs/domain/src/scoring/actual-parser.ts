import type { Decimal } from 'decimal.js';
import { Dec } from '../shared/decimal.js';
import { text, type LocalizedText } from '../shared/i18n.js';

// Reads the numbers people type into 指标值 / 完成值 ("大于50万元", "不低于95%", "12月底100%完成").
// The typed text is never replaced; this only derives a comparable value, and only when the
// text leaves no doubt. Anything else is answered "not comparable", with the reason.

export type BoundOp = '>' | '≥' | '<' | '≤';

export type ParseFailure =
  | 'EMPTY'
  | 'NO_NUMBER'
  | 'UNRECOGNISED_TEXT'
  | 'SEVERAL_NUMBERS'
  | 'RANGE'
  | 'CONFLICTING_OPERATORS'
  | 'UNIT_MISMATCH';

export type ParsedQuantity =
  /** `unit`: what `value` is expressed in — the reference unit when one was given. */
  | { kind: 'exact'; value: Decimal; unit: string | null; approximate: boolean }
  | { kind: 'bound'; op: BoundOp; value: Decimal; unit: string | null }
  | { kind: 'not-comparable'; reason: ParseFailure; message: LocalizedText };

type Op = BoundOp | '=' | '≈';

const byLengthDesc = <T>(entries: Array<[string, T]>) => entries.sort((a, b) => b[0].length - a[0].length);

const PREFIX_OPS = byLengthDesc<Op>([
  ['≥', '≥'], ['>=', '≥'], ['大于等于', '≥'], ['大于或等于', '≥'], ['不低于', '≥'], ['不少于', '≥'], ['不小于', '≥'], ['至少', '≥'],
  ['>', '>'], ['大于', '>'], ['超过', '>'], ['高于', '>'], ['多于', '>'],
  ['≤', '≤'], ['<=', '≤'], ['小于等于', '≤'], ['小于或等于', '≤'], ['不高于', '≤'], ['不超过', '≤'], ['不多于', '≤'], ['不大于', '≤'], ['至多', '≤'], ['最多', '≤'],
  ['<', '<'], ['小于', '<'], ['低于', '<'], ['少于', '<'], ['不足', '<'],
  ['=', '='], ['等于', '='],
  ['约', '≈'], ['大约', '≈'], ['约为', '≈'],
]);

const SUFFIX_OPS = byLengthDesc<Op>([
  ['以上', '≥'], ['及以上', '≥'],
  ['以下', '≤'], ['及以下', '≤'], ['以内', '≤'], ['之内', '≤'],
  ['左右', '≈'],
]);

/** Words around a number that do not change it. */
const PREFIX_FILLERS = ['达到', '达', '实现', '完成', '共计', '共', '累计', '合计', '为'];
const SUFFIX_FILLERS = byLengthDesc<true>([['完成', true], ['已完成', true], ['全部完成', true], ['均完成', true]]).map(([w]) => w);

/** A deadline in front of the figure that matters: "12月底100%完成" is about the 100 %. */
const TIME_PREFIX = /^(?:\d{1,2}月(?:底|末|份|中旬|上旬|下旬)?前?|年底前?|年末前?|年内|年度内|全年|当年|本年度?)/;

/** The common case, a bare number such as "200" or "95.5", needs none of the work below. */
const PLAIN_NUMBER = /^\d+(?:\.\d+)?$/;

const MULTIPLIERS = byLengthDesc<number>([['亿', 1e8], ['千万', 1e7], ['百万', 1e6], ['万', 1e4], ['千', 1e3]]);

function normalise(raw: string): string {
  // NFKC folds full-width digits, ％ and ＞ into ASCII; it is the costly step, and ASCII needs none.
  return (/^[\x00-\x7f]*$/.test(raw) ? raw : raw.normalize('NFKC'))
    .replace(/≧/g, '≥')
    .replace(/≦/g, '≤')
    .replace(/[−–]/g, '-')
    .replace(/〜/g, '~')
    .replace(/\s+/g, '')
    .replace(/[。.,;]+$/, '');
}

export function normaliseUnit(unit: string | null | undefined): string | null {
  if (unit === null || unit === undefined) return null;
  const u = normalise(unit);
  return u === '' ? null : u;
}

function splitUnit(unit: string): { factor: number; base: string } {
  for (const [prefix, factor] of MULTIPLIERS) {
    if (unit.startsWith(prefix)) return { factor, base: unit.slice(prefix.length) };
  }
  return { factor: 1, base: unit };
}

const failureMessages: Record<ParseFailure, (shown: string, extra: string) => LocalizedText> = {
  EMPTY: () => text('未填写', 'nothing entered'),
  NO_NUMBER: (s) => text(`“${s}”中没有数值`, `no number in “${s}”`),
  UNRECOGNISED_TEXT: (s) => text(`无法识别“${s}”中数值前的文字`, `the words before the number in “${s}” are not understood`),
  SEVERAL_NUMBERS: (s) => text(`“${s}”含有多个数值，无法确定取哪一个`, `“${s}” holds several numbers; which one counts is unclear`),
  RANGE: (s) => text(`“${s}”是一个范围，没有单一数值`, `“${s}” is a range, not a single value`),
  CONFLICTING_OPERATORS: (s) => text(`“${s}”中的比较词相互矛盾`, `“${s}” has conflicting comparison words`),
  UNIT_MISMATCH: (s, unit) => text(`“${s}”的单位与度量单位“${unit}”不一致`, `the unit in “${s}” does not match the unit of measure “${unit}”`),
};

function fail(reason: ParseFailure, shown: string, extra = ''): ParsedQuantity {
  return { kind: 'not-comparable', reason, message: failureMessages[reason](shown, extra) };
}

/**
 * @param referenceUnit the unit the result should be expressed in (the indicator's 度量单位, or the
 *   unit written into its target). `50万元` is 50 against 万元 and 500000 against 元.
 */
export function parseQuantity(raw: string | null | undefined, referenceUnit: string | null = null): ParsedQuantity {
  if (raw && PLAIN_NUMBER.test(raw)) return { kind: 'exact', value: new Dec(raw), unit: normaliseUnit(referenceUnit), approximate: false };
  const shown = (raw ?? '').trim();
  let s = normalise(raw ?? '');
  if (s === '') return fail('EMPTY', shown);
  if (!/\d/.test(s)) return fail('NO_NUMBER', shown);

  const ops: Op[] = [];
  for (let changed = true; changed; ) {
    changed = false;
    const op = PREFIX_OPS.find(([word]) => s.startsWith(word));
    if (op) {
      s = s.slice(op[0].length);
      ops.push(op[1]);
      changed = true;
      continue;
    }
    const filler = PREFIX_FILLERS.find((word) => s.startsWith(word) && /^\D*\d/.test(s.slice(word.length)));
    const time = TIME_PREFIX.exec(s);
    const cut = filler?.length ?? (time && /\d/.test(s.slice(time[0].length)) ? time[0].length : 0);
    if (cut > 0) {
      s = s.slice(cut);
      changed = true;
    }
  }
  for (let changed = true; changed; ) {
    changed = false;
    const filler = SUFFIX_FILLERS.find((word) => s.endsWith(word) && s.length > word.length);
    const op = SUFFIX_OPS.find(([word]) => s.endsWith(word) && s.length > word.length);
    if (filler) s = s.slice(0, -filler.length);
    else if (op) {
      s = s.slice(0, -op[0].length);
      ops.push(op[1]);
    }
    changed = filler !== undefined || op !== undefined;
  }

  const m = /^([-+]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(.*)$/.exec(s);
  if (!m) return fail('UNRECOGNISED_TEXT', shown);
  const rest = m[4]!;
  if (/\d/.test(rest)) return fail(/(?:-|~|—|至|到)[+-]?\d/.test(rest) ? 'RANGE' : 'SEVERAL_NUMBERS', shown);

  let unit: string | null = rest === '' ? null : rest;
  // "12月底" is month 12; "12月底前" is by month 12.
  const month = unit ? /^月(?:底|末|份)?(前)?$/.exec(unit) : null;
  if (month) {
    unit = '月';
    if (month[1]) ops.push('≤');
  }

  const distinct = [...new Set(ops.filter((o) => o !== '='))];
  const approximate = distinct.includes('≈');
  const bounds = distinct.filter((o): o is BoundOp => o !== '≈');
  if (bounds.length > 1 || (approximate && bounds.length > 0)) return fail('CONFLICTING_OPERATORS', shown);

  let value = new Dec(`${m[1]}${m[2]!.replace(/,/g, '')}${m[3] ?? ''}`);
  const reference = normaliseUnit(referenceUnit);
  if (unit !== null && reference !== null && unit !== reference) {
    const from = splitUnit(unit);
    const to = splitUnit(reference);
    if (from.base !== to.base && from.base !== '' && to.base !== '') return fail('UNIT_MISMATCH', shown, reference);
    value = value.times(from.factor).dividedBy(to.factor);
  }
  const expressedIn = reference ?? unit;
  const bound = bounds[0];
  return bound
    ? { kind: 'bound', op: bound, value, unit: expressedIn }
    : { kind: 'exact', value, unit: expressedIn, approximate };
}
