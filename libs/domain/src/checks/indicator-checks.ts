import type { Decimal } from 'decimal.js';
import { fixed2, plain, sumDec } from '../shared/decimal.js';
import { text } from '../shared/i18n.js';
import { level1Labels, paths, type Indicator, type Level1, type ReportContent } from '../report/report.model.js';
import type { IndicatorScore } from '../scoring/indicator-score.js';
import type { ReportScore } from '../scoring/score-report.js';
import type { RuleProfile } from '../scoring/rule-profile.js';
import { check, isBlank, type Check } from './check-catalogue.js';

/** Output, benefit and satisfaction are expected in every indicator table; cost is optional. */
const REQUIRED_GROUPS: readonly Level1[] = ['output', 'benefit', 'satisfaction'];

function nameKey(indicator: Indicator): string {
  const name = indicator.name.normalize('NFKC').replace(/\s+/g, '').replace(/[.。…,，;；]+$/, '');
  return `${indicator.level1}|${indicator.level2}|${name}`;
}

export function indicatorTableChecks(report: ReportContent, score: ReportScore, profile: RuleProfile): Check[] {
  const out: Check[] = [];
  const { indicators, evaluationItems } = report;
  if (indicators.length === 0 && evaluationItems.length === 0) {
    out.push(check('INDICATORS_MISSING', 'indicators', text('未填写绩效指标或评价项目', 'no performance indicators and no evaluation items')));
    return out;
  }

  if (evaluationItems.every((i) => i.maximum !== null) && !score.maximum.equals(profile.total)) {
    const parts: Array<[string, string, Decimal]> = [];
    if (!score.execution.weight.isZero()) parts.push(['预算执行', 'budget execution', score.execution.weight]);
    if (indicators.length > 0) parts.push(['绩效指标', 'indicators', sumDec(indicators.map((i) => i.weight))]);
    if (evaluationItems.length > 0) parts.push(['评价项目', 'evaluation items', sumMaxima(report)]);
    out.push(
      check('WEIGHTS_TOTAL_MISMATCH', indicators.length > 0 ? 'indicators' : 'evaluationItems', text(
        `指标权重合计${plain(score.maximum)}，应为${plain(profile.total)}（${parts.map(([zh, , v]) => `${zh}${plain(v)}`).join('，')}）`,
        `Indicator weights total ${plain(score.maximum)}, expected ${plain(profile.total)} (${parts.map(([, en, v]) => `${en} ${plain(v)}`).join(', ')})`,
      ), { total: plain(score.maximum), expected: plain(profile.total) }),
    );
  }

  if (indicators.length > 0) {
    for (const group of REQUIRED_GROUPS) {
      if (indicators.some((i) => i.level1 === group)) continue;
      const label = level1Labels[group];
      out.push(check('INDICATOR_GROUP_MISSING', 'indicators', text(`缺少${label['zh-CN']}`, `no ${label.en} indicator`), { group }));
    }
  }

  const seen = new Map<string, { indicator: Indicator; row: number }>();
  indicators.forEach((indicator, index) => {
    const key = nameKey(indicator);
    const first = seen.get(key);
    if (!first) {
      seen.set(key, { indicator, row: index + 1 });
      return;
    }
    out.push(
      check('INDICATOR_DUPLICATE', paths.indicator(indicator.id, 'name'), text(
        `第${index + 1}项指标“${indicator.name}”与第${first.row}项重复`,
        `indicator ${index + 1} “${indicator.name}” repeats indicator ${first.row}`,
      ), { firstIndicatorId: first.indicator.id, row: index + 1, firstRow: first.row }),
    );
  });
  return out;
}

function sumMaxima(report: ReportContent): Decimal {
  return sumDec(report.evaluationItems.flatMap((i) => (i.maximum ? [i.maximum] : [])));
}

export function indicatorChecks(indicator: Indicator, result: IndicatorScore, profile: RuleProfile): Check[] {
  const out: Check[] = [];
  const at = (field: Parameters<typeof paths.indicator>[1]) => paths.indicator(indicator.id, field);
  const name = indicator.name;
  const qualitative = indicator.comparator === '定性';

  if (isBlank(indicator.target)) out.push(check('TARGET_MISSING', at('target'), text(`指标“${name}”未填写指标值`, `indicator “${name}” has no target`)));
  if (isBlank(indicator.actual)) out.push(check('ACTUAL_MISSING', at('actual'), text(`指标“${name}”未填写完成值`, `indicator “${name}” has no actual value`)));

  const reason = result.reason;
  if (reason) {
    switch (reason.code) {
      case 'TARGET_NOT_COMPARABLE':
      case 'TARGET_CONFLICTS_WITH_COMPARATOR':
        if (!isBlank(indicator.target)) out.push(check('TARGET_NOT_COMPARABLE', at('target'), text(`指标“${name}”：${reason.message['zh-CN']}`, `indicator “${name}”: ${reason.message.en}`), { reason: reason.code }));
        break;
      case 'ACTUAL_NOT_COMPARABLE':
      case 'ACTUAL_BOUND_INCONCLUSIVE':
        if (!isBlank(indicator.actual)) out.push(check('ACTUAL_NOT_COMPARABLE', at('actual'), text(`指标“${name}”：${reason.message['zh-CN']}`, `indicator “${name}”: ${reason.message.en}`), { reason: reason.code }));
        break;
      case 'QUALITATIVE_JUDGEMENT_MISSING':
        out.push(check('QUALITATIVE_JUDGEMENT_MISSING', at('qualitativeBand'), text(`定性指标“${name}”：${reason.message['zh-CN']}`, `qualitative indicator “${name}”: ${reason.message.en}`)));
        break;
      case 'QUALITATIVE_SCORE_OUT_OF_BAND':
        out.push(check('QUALITATIVE_SCORE_OUT_OF_BAND', at('selfScore'), text(`定性指标“${name}”：${reason.message['zh-CN']}`, `qualitative indicator “${name}”: ${reason.message.en}`)));
        break;
      default: {
        const unknown: never = reason.code;
        throw new Error(`unhandled reason ${String(unknown)}`);
      }
    }
  }

  if (!qualitative && indicator.unit === null && result.target && result.target.kind !== 'not-comparable' && result.target.unit === null) {
    out.push(check('UNIT_MISSING', at('unit'), text(`定量指标“${name}”缺少度量单位`, `quantitative indicator “${name}” has no unit of measure`)));
  }
  if (result.actual?.kind === 'exact' && result.actual.approximate) {
    out.push(check('ACTUAL_APPROXIMATE', at('actual'), text(`指标“${name}”的完成值“${indicator.actual ?? ''}”为约数，按${plain(result.actual.value)}计`, `indicator “${name}”: actual “${indicator.actual ?? ''}” is approximate, taken as ${plain(result.actual.value)}`)));
  }
  const attainment = result.attainmentPercent;
  if (attainment && attainment.greaterThanOrEqualTo(profile.indicators.overAchievementPercent) && result.target?.kind !== 'not-comparable' && result.actual?.kind === 'exact') {
    const threshold = plain(profile.indicators.overAchievementPercent);
    out.push(
      check('OVER_ACHIEVEMENT', at('actual'), text(
        `指标“${name}”完成值${plain(result.actual.value)}为指标值${plain(result.target!.value)}的${fixed2(attainment)}%，达到${threshold}%以上，指标值可能设定偏低`,
        `indicator “${name}”: actual ${plain(result.actual.value)} is ${fixed2(attainment)}% of the target ${plain(result.target!.value)} (≥ ${threshold}%); the target was probably set too low`,
      ), { attainmentPercent: fixed2(attainment), threshold }),
    );
  }

  const self = indicator.selfScore;
  if (self !== null && self.greaterThan(indicator.weight)) {
    out.push(check('SELF_SCORE_ABOVE_WEIGHT', at('selfScore'), text(`指标“${name}”自评得分${plain(self)}高于分值${plain(indicator.weight)}`, `indicator “${name}”: self score ${plain(self)} is above the weight ${plain(indicator.weight)}`)));
  }
  if (self !== null && result.score !== null && !self.equals(result.score)) {
    out.push(
      check('SELF_SCORE_MISMATCH', at('selfScore'), text(
        `指标“${name}”自评得分${plain(self)}，按规则计算为${fixed2(result.score)}`,
        `indicator “${name}”: self score ${plain(self)}, computed ${fixed2(result.score)}`,
      ), { stated: plain(self), computed: fixed2(result.score), rule: result.rule }),
    );
  }
  const below = [result.score, self].find((s): s is Decimal => s !== null && s.lessThan(indicator.weight));
  if (below && isBlank(indicator.explanation)) {
    out.push(
      check('EXPLANATION_MISSING_SCORE_BELOW_WEIGHT', at('explanation'), text(
        `指标“${name}”得分${fixed2(below)}低于分值${plain(indicator.weight)}，须填写偏差原因分析及改进措施`,
        `indicator “${name}” scores ${fixed2(below)}, below its weight ${plain(indicator.weight)}; a deviation explanation is required`,
      ), { score: fixed2(below), weight: plain(indicator.weight) }),
    );
  }
  return out;
}
