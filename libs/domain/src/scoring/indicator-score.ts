import { Decimal } from 'decimal.js';
import { Dec, HUNDRED, ZERO, maxDec, minDec, plain } from '../shared/decimal.js';
import { text, type LocalizedText } from '../shared/i18n.js';
import type { Indicator } from '../report/report.model.js';
import { parseQuantity, type ParsedQuantity } from './actual-parser.js';
import type { RuleProfile } from './rule-profile.js';

export type IndicatorRule =
  | 'ge.met'
  | 'ge.ratio'
  | 'le.within'
  | 'le.linear'
  | 'le.ratio'
  | 'eq.zero-target'
  | 'qualitative.band'
  | 'not-comparable';

export type NotComparableCode =
  | 'TARGET_NOT_COMPARABLE'
  | 'ACTUAL_NOT_COMPARABLE'
  | 'ACTUAL_BOUND_INCONCLUSIVE'
  | 'TARGET_CONFLICTS_WITH_COMPARATOR'
  | 'QUALITATIVE_JUDGEMENT_MISSING'
  | 'QUALITATIVE_SCORE_OUT_OF_BAND';

export interface IndicatorScore {
  indicatorId: string;
  weight: Decimal;
  /** Null when the indicator cannot be scored automatically (`rule` is then `not-comparable`). */
  score: Decimal | null;
  rule: IndicatorRule;
  reason: { code: NotComparableCode; message: LocalizedText } | null;
  target: ParsedQuantity | null;
  actual: ParsedQuantity | null;
  /** Actual as a percentage of the target, for more-is-better indicators with an exact actual. */
  attainmentPercent: Decimal | null;
}

export function roundScore(value: Decimal, profile: RuleProfile): Decimal {
  const mode = profile.rounding.mode === 'half-up' ? Decimal.ROUND_HALF_UP : Decimal.ROUND_HALF_EVEN;
  return value.toDecimalPlaces(profile.rounding.places, mode);
}

/** Clamps to [0, weight] before rounding: no item ever scores above its weight. */
function clampRound(value: Decimal, weight: Decimal, profile: RuleProfile): Decimal {
  return roundScore(minDec(maxDec(value, ZERO), weight), profile);
}

function scored(indicator: Indicator, rule: IndicatorRule, raw: Decimal, profile: RuleProfile, target: ParsedQuantity | null, actual: ParsedQuantity | null, attainmentPercent: Decimal | null = null): IndicatorScore {
  return { indicatorId: indicator.id, weight: indicator.weight, score: clampRound(raw, indicator.weight, profile), rule, reason: null, target, actual, attainmentPercent };
}

function notComparable(indicator: Indicator, code: NotComparableCode, message: LocalizedText, target: ParsedQuantity | null = null, actual: ParsedQuantity | null = null): IndicatorScore {
  return { indicatorId: indicator.id, weight: indicator.weight, score: null, rule: 'not-comparable', reason: { code, message }, target, actual, attainmentPercent: null };
}

function scoreQualitative(indicator: Indicator, profile: RuleProfile): IndicatorScore {
  const { qualitativeBand: band, selfScore, weight } = indicator;
  if (band === null || selfScore === null) {
    return notComparable(indicator, 'QUALITATIVE_JUDGEMENT_MISSING', text('定性指标须选择评价档次并给出档内得分', 'a qualitative indicator needs a chosen band and a score inside it'));
  }
  const b = profile.qualitativeBands[band];
  const low = weight.times(b.min).dividedBy(HUNDRED);
  const high = weight.times(b.max).dividedBy(HUNDRED);
  const inside =
    (b.minInclusive ? selfScore.greaterThanOrEqualTo(low) : selfScore.greaterThan(low)) &&
    (b.maxInclusive ? selfScore.lessThanOrEqualTo(high) : selfScore.lessThan(high)) &&
    selfScore.lessThanOrEqualTo(weight);
  if (!inside) {
    const range = `${b.minInclusive ? '[' : '('}${plain(low)}, ${plain(high)}${b.maxInclusive ? ']' : ')'}`;
    return notComparable(
      indicator,
      'QUALITATIVE_SCORE_OUT_OF_BAND',
      text(`得分${plain(selfScore)}不在所选档次的分数区间${range}内`, `score ${plain(selfScore)} lies outside the chosen band's range ${range}`),
    );
  }
  return scored(indicator, 'qualitative.band', selfScore, profile, null, null);
}

const boundSettles = (actual: ParsedQuantity & { kind: 'bound' }, target: Decimal, moreIsBetter: boolean): boolean =>
  moreIsBetter
    ? (actual.op === '>' || actual.op === '≥') && actual.value.greaterThanOrEqualTo(target)
    : (actual.op === '<' || actual.op === '≤') && actual.value.lessThanOrEqualTo(target);

export function scoreIndicator(indicator: Indicator, profile: RuleProfile): IndicatorScore {
  if (indicator.comparator === '定性') return scoreQualitative(indicator, profile);

  const target = parseQuantity(indicator.target, indicator.unit);
  if (target.kind === 'not-comparable') {
    return notComparable(indicator, 'TARGET_NOT_COMPARABLE', text(`指标值无法识别：${target.message['zh-CN']}`, `target not understood: ${target.message.en}`), target);
  }
  const actual = parseQuantity(indicator.actual, target.unit);
  if (actual.kind === 'not-comparable') {
    return notComparable(indicator, 'ACTUAL_NOT_COMPARABLE', text(`完成值无法与指标值比较：${actual.message['zh-CN']}`, `actual cannot be compared with the target: ${actual.message.en}`), target, actual);
  }

  const moreIsBetter = indicator.comparator === '≥' || indicator.comparator === '>' || indicator.comparator === '=';
  if (target.kind === 'bound' && (target.op === '>' || target.op === '≥') !== moreIsBetter) {
    return notComparable(indicator, 'TARGET_CONFLICTS_WITH_COMPARATOR', text(`指标值“${indicator.target ?? ''}”与指标性质“${indicator.comparator}”方向相反`, `target “${indicator.target ?? ''}” points the other way from the comparator “${indicator.comparator}”`), target, actual);
  }
  const t = target.value;
  const w = indicator.weight;

  if (indicator.comparator === '=' && t.isZero()) {
    // "超支额 = 0": nothing over is full marks, anything over is none.
    if (actual.kind === 'exact') return scored(indicator, 'eq.zero-target', actual.value.lessThanOrEqualTo(0) ? w : ZERO, profile, target, actual);
    if ((actual.op === '<' || actual.op === '≤') && actual.value.lessThanOrEqualTo(0)) return scored(indicator, 'eq.zero-target', w, profile, target, actual);
    if ((actual.op === '>' && actual.value.greaterThanOrEqualTo(0)) || (actual.op === '≥' && actual.value.greaterThan(0))) return scored(indicator, 'eq.zero-target', ZERO, profile, target, actual);
    return inconclusive(indicator, target, actual);
  }

  if (actual.kind === 'bound') {
    if (!boundSettles(actual, t, moreIsBetter)) return inconclusive(indicator, target, actual);
    return scored(indicator, moreIsBetter ? 'ge.met' : 'le.within', w, profile, target, actual);
  }

  const a = maxDec(actual.value, ZERO); // a negative actual counts as 0
  if (moreIsBetter) {
    const attainment = t.greaterThan(0) ? a.dividedBy(t).times(HUNDRED) : null;
    if (a.greaterThanOrEqualTo(t)) return scored(indicator, 'ge.met', w, profile, target, actual, attainment);
    return scored(indicator, 'ge.ratio', w.times(a).dividedBy(t), profile, target, actual, attainment);
  }
  if (a.lessThanOrEqualTo(t)) return scored(indicator, 'le.within', w, profile, target, actual);
  const formula = profile.indicators.formulas.lessIsBetter;
  if (t.lessThanOrEqualTo(0)) return scored(indicator, formula, ZERO, profile, target, actual);
  switch (formula) {
    case 'le.linear':
      return scored(indicator, formula, w.times(new Dec(1).minus(a.minus(t).dividedBy(t))), profile, target, actual);
    case 'le.ratio':
      return scored(indicator, formula, w.times(t).dividedBy(a), profile, target, actual);
    default: {
      const unknown: never = formula;
      throw new Error(`unknown formula ${String(unknown)}`);
    }
  }
}

function inconclusive(indicator: Indicator, target: ParsedQuantity, actual: ParsedQuantity): IndicatorScore {
  return notComparable(
    indicator,
    'ACTUAL_BOUND_INCONCLUSIVE',
    text(`完成值“${indicator.actual ?? ''}”只给出范围，不足以判断是否达到指标值“${indicator.target ?? ''}”`, `actual “${indicator.actual ?? ''}” gives only a bound, which does not settle whether the target “${indicator.target ?? ''}” was met`),
    target,
    actual,
  );
}
