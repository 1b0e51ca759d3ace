import type { Decimal } from 'decimal.js';
import { HUNDRED, ZERO, fixed2, minDec, plain, sumDec } from '../shared/decimal.js';
import { text, type LocalizedText } from '../shared/i18n.js';
import type { ReportContent } from '../report/report.model.js';
import type { ParsedQuantity } from './actual-parser.js';
import { gradeFor, type Grade } from './grade.js';
import { roundScore, scoreIndicator, type IndicatorRule, type IndicatorScore } from './indicator-score.js';
import type { RuleProfile } from './rule-profile.js';

export interface ExecutionScore {
  /** `not-applicable`: the report has neither budget rows nor indicators (a template-only report). */
  rule: 'execution.capped-rate' | 'not-comparable' | 'not-applicable';
  weight: Decimal;
  /** Executed / adjusted budget, in percent, rounded like every score. */
  rate: Decimal | null;
  score: Decimal | null;
  reason: { code: 'BUDGET_TOTAL_MISSING' | 'BUDGET_ADJUSTED_ZERO'; message: LocalizedText } | null;
}

export interface EvaluationItemScore {
  itemId: string;
  maximum: Decimal | null;
  score: Decimal | null;
  rule: 'evaluation.judgement' | 'not-scored';
}

export interface ReportScore {
  profile: { id: string; version: number };
  execution: ExecutionScore;
  indicators: IndicatorScore[];
  evaluationItems: EvaluationItemScore[];
  indicatorTotal: Decimal;
  evaluationTotal: Decimal;
  /** What the applicable weights add up to (execution + indicators + known evaluation maxima). */
  maximum: Decimal;
  /** Sum of every item score that could be computed. */
  total: Decimal;
  /** False when some item could not be scored; the grade is then withheld. */
  complete: boolean;
  grade: Grade | null;
}

function scoreExecution(report: ReportContent, profile: RuleProfile): ExecutionScore {
  const weight = profile.execution.weight;
  const total = report.budget.rows.total;
  if (!total && report.indicators.length === 0) return { rule: 'not-applicable', weight: ZERO, rate: null, score: null, reason: null };
  if (!total || total.adjusted === null || total.executed === null) {
    return { rule: 'not-comparable', weight, rate: null, score: null, reason: { code: 'BUDGET_TOTAL_MISSING', message: text('缺少预算总额的调整后预算或执行数', 'the total row lacks the adjusted budget or the executed amount') } };
  }
  if (total.adjusted.isZero()) {
    return { rule: 'not-comparable', weight, rate: null, score: null, reason: { code: 'BUDGET_ADJUSTED_ZERO', message: text('调整后预算为0，无法计算执行率', 'the adjusted budget is 0, so there is no execution rate') } };
  }
  const rate = executionRate(total.executed, total.adjusted, profile);
  const score = roundScore(weight.times(minDec(rate, HUNDRED)).dividedBy(HUNDRED), profile);
  return { rule: 'execution.capped-rate', weight, rate, score, reason: null };
}

/** Percent, rounded to the profile's places (half-up by default): 5016 / 5184 → 96.76. */
export function executionRate(executed: Decimal, adjusted: Decimal, profile: RuleProfile): Decimal {
  return roundScore(executed.dividedBy(adjusted).times(HUNDRED), profile);
}

export function scoreReport(report: ReportContent, profile: RuleProfile): ReportScore {
  const execution = scoreExecution(report, profile);
  const indicators = report.indicators.map((indicator) => scoreIndicator(indicator, profile));
  const evaluationItems: EvaluationItemScore[] = report.evaluationItems.map((item) => ({
    itemId: item.id,
    maximum: item.maximum,
    score: item.score === null ? null : roundScore(item.maximum ? minDec(item.score, item.maximum) : item.score, profile),
    rule: item.score === null ? 'not-scored' : 'evaluation.judgement',
  }));

  const indicatorTotal = sumDec(indicators.flatMap((i) => (i.score ? [i.score] : [])));
  const evaluationTotal = sumDec(evaluationItems.flatMap((i) => (i.score ? [i.score] : [])));
  const total = (execution.score ?? ZERO).plus(indicatorTotal).plus(evaluationTotal);
  const maximum = execution.weight
    .plus(sumDec(report.indicators.map((i) => i.weight)))
    .plus(sumDec(report.evaluationItems.flatMap((i) => (i.maximum ? [i.maximum] : []))));
  const complete =
    execution.rule !== 'not-comparable' &&
    indicators.every((i) => i.score !== null) &&
    evaluationItems.every((i) => i.score !== null) &&
    (indicators.length > 0 || evaluationItems.length > 0);

  return {
    profile: { id: profile.id, version: profile.version },
    execution,
    indicators,
    evaluationItems,
    indicatorTotal,
    evaluationTotal,
    maximum,
    total,
    complete,
    grade: complete ? gradeFor(total, profile.grades) : null,
  };
}

// ── JSON view ──────────────────────────────────────────────────────────────

export type QuantityView =
  | { kind: 'exact'; value: string; unit: string | null; approximate: boolean }
  | { kind: 'bound'; op: string; value: string; unit: string | null }
  | { kind: 'not-comparable'; reason: string; message: LocalizedText };

export interface ReportScoreView {
  profile: { id: string; version: number };
  execution: { rule: ExecutionScore['rule']; weight: string; rate: string | null; score: string | null; reason: ExecutionScore['reason'] };
  indicators: Array<{
    indicatorId: string;
    weight: string;
    score: string | null;
    rule: IndicatorRule;
    reason: IndicatorScore['reason'];
    target: QuantityView | null;
    actual: QuantityView | null;
    attainmentPercent: string | null;
  }>;
  evaluationItems: Array<{ itemId: string; maximum: string | null; score: string | null; rule: EvaluationItemScore['rule'] }>;
  indicatorTotal: string;
  evaluationTotal: string;
  maximum: string;
  total: string;
  complete: boolean;
  grade: Grade | null;
}

function quantityView(q: ParsedQuantity | null): QuantityView | null {
  if (q === null) return null;
  switch (q.kind) {
    case 'exact':
      return { kind: 'exact', value: plain(q.value), unit: q.unit, approximate: q.approximate };
    case 'bound':
      return { kind: 'bound', op: q.op, value: plain(q.value), unit: q.unit };
    case 'not-comparable':
      return { kind: 'not-comparable', reason: q.reason, message: q.message };
    default: {
      const unknown: never = q;
      return unknown;
    }
  }
}

const fixedOrNull = (d: Decimal | null) => (d === null ? null : fixed2(d));

/** Scores as strings with two decimals ("4.50"), weights as typed ("5"). */
export function toScoreView(score: ReportScore): ReportScoreView {
  return {
    profile: score.profile,
    execution: { rule: score.execution.rule, weight: plain(score.execution.weight), rate: fixedOrNull(score.execution.rate), score: fixedOrNull(score.execution.score), reason: score.execution.reason },
    indicators: score.indicators.map((i) => ({
      indicatorId: i.indicatorId,
      weight: plain(i.weight),
      score: fixedOrNull(i.score),
      rule: i.rule,
      reason: i.reason,
      target: quantityView(i.target),
      actual: quantityView(i.actual),
      attainmentPercent: fixedOrNull(i.attainmentPercent),
    })),
    evaluationItems: score.evaluationItems.map((i) => ({ itemId: i.itemId, maximum: i.maximum ? plain(i.maximum) : null, score: fixedOrNull(i.score), rule: i.rule })),
    indicatorTotal: fixed2(score.indicatorTotal),
    evaluationTotal: fixed2(score.evaluationTotal),
    maximum: plain(score.maximum),
    total: fixed2(score.total),
    complete: score.complete,
    grade: score.grade,
  };
}
