import type { Decimal } from 'decimal.js';
import { HUNDRED, fixed2, plain, sumDec } from '../shared/decimal.js';
import { text } from '../shared/i18n.js';
import { budgetColumnLabels, budgetColumns, fundingSourceLabels, fundingSources, paths, subFundingSources, type ReportContent } from '../report/report.model.js';
import { executionRate, type ReportScore } from '../scoring/score-report.js';
import type { RuleProfile } from '../scoring/rule-profile.js';
import { check, isBlank, type Check } from './check-catalogue.js';

export function budgetChecks(report: ReportContent, score: ReportScore, profile: RuleProfile): Check[] {
  const out: Check[] = [];
  const { rows } = report.budget;
  const total = rows.total;

  const reason = score.execution.reason?.code;
  switch (reason) {
    case 'BUDGET_TOTAL_MISSING':
      out.push(check('BUDGET_TOTAL_MISSING', paths.budget('total'), text('预算执行情况缺少总额的调整后预算或执行数', 'the total budget row lacks the adjusted budget or the executed amount')));
      break;
    case 'BUDGET_ADJUSTED_ZERO':
      out.push(check('BUDGET_ADJUSTED_ZERO', paths.budget('total', 'adjusted'), text('调整后预算为0，无法计算执行率', 'the adjusted budget is 0, so no execution rate can be computed')));
      break;
    case undefined:
      break;
    default: {
      const unknown: never = reason;
      throw new Error(`unhandled execution reason ${String(unknown)}`);
    }
  }

  if (total) {
    for (const column of budgetColumns) {
      const stated = total[column];
      const parts = subFundingSources.flatMap((s) => {
        const value = rows[s]?.[column];
        return value === null || value === undefined ? [] : [value];
      });
      if (stated === null || parts.length === 0) continue;
      const sum = sumDec(parts);
      if (!sum.equals(stated)) {
        const label = budgetColumnLabels[column];
        out.push(
          check('BUDGET_ROWS_SUM_MISMATCH', paths.budget('total', column), text(
            `各资金来源${label['zh-CN']}合计${fixed2(sum)}万元，与总额${fixed2(stated)}万元不符`,
            `funding sources' ${label.en} add up to ${fixed2(sum)} (万元), the total row says ${fixed2(stated)}`,
          ), { column, sum: fixed2(sum), total: fixed2(stated) }),
        );
      }
    }
  }

  for (const source of fundingSources) {
    const row = rows[source];
    if (!row) continue;
    const label = fundingSourceLabels[source];
    if (row.executed !== null && row.adjusted !== null && row.executed.greaterThan(row.adjusted)) {
      out.push(
        check('EXECUTED_ABOVE_ADJUSTED', paths.budget(source, 'executed'), text(
          `${label['zh-CN']}执行数${fixed2(row.executed)}万元超过调整后预算${fixed2(row.adjusted)}万元`,
          `${label.en}: executed ${fixed2(row.executed)} exceeds the adjusted budget ${fixed2(row.adjusted)} (万元)`,
        ), { executed: fixed2(row.executed), adjusted: fixed2(row.adjusted) }),
      );
    }
    if (row.statedRate !== null && row.executed !== null && row.adjusted !== null && !row.adjusted.isZero()) {
      const computed = executionRate(row.executed, row.adjusted, profile);
      if (!computed.equals(row.statedRate)) {
        out.push(
          check('STATED_RATE_MISMATCH', paths.budget(source, 'statedRate'), text(
            `${label['zh-CN']}填报执行率${plain(row.statedRate)}%，计算值为${fixed2(computed)}%（${fixed2(row.executed)} ÷ ${fixed2(row.adjusted)}）`,
            `${label.en}: stated execution rate ${plain(row.statedRate)}%, computed ${fixed2(computed)}% (${fixed2(row.executed)} / ${fixed2(row.adjusted)})`,
          ), { stated: plain(row.statedRate), computed: fixed2(computed) }),
        );
      }
    }
  }

  if (total && total.initial !== null && total.adjusted !== null) {
    const adjustment = adjustmentCheck(total.initial, total.adjusted, profile);
    if (adjustment) out.push(adjustment);
  }

  const rate = score.execution.rate;
  if (rate !== null && rate.lessThan(profile.execution.explanationBelowRate) && isBlank(report.budget.explanation)) {
    const threshold = plain(profile.execution.explanationBelowRate);
    out.push(
      check('EXPLANATION_MISSING_LOW_EXECUTION', 'budget.explanation', text(
        `预算执行率${fixed2(rate)}%低于${threshold}%，须说明原因`,
        `execution rate ${fixed2(rate)}% is below ${threshold}%; an explanation is required`,
      ), { rate: fixed2(rate), threshold }),
    );
  }
  return out;
}

function adjustmentCheck(initial: Decimal, adjusted: Decimal, profile: RuleProfile): Check | null {
  const path = paths.budget('total', 'adjusted');
  if (initial.isZero()) {
    if (adjusted.isZero()) return null;
    return check('BUDGET_ADJUSTMENT_LARGE', path, text(
      `年初预算为0，调整后预算${fixed2(adjusted)}万元`,
      `no initial budget; the adjusted budget is ${fixed2(adjusted)} (万元)`,
    ), { initial: fixed2(initial), adjusted: fixed2(adjusted), changePercent: null });
  }
  const change = adjusted.minus(initial).dividedBy(initial).times(HUNDRED);
  if (change.abs().lessThan(profile.checks.budgetAdjustmentPercent)) return null;
  const pct = fixed2(change.abs());
  const down = change.isNegative();
  return check('BUDGET_ADJUSTMENT_LARGE', path, text(
    `调整后预算${fixed2(adjusted)}万元较年初预算${fixed2(initial)}万元${down ? '减少' : '增加'}${pct}%`,
    `the adjusted budget ${fixed2(adjusted)} is ${pct}% ${down ? 'below' : 'above'} the initial ${fixed2(initial)} (万元)`,
  ), { initial: fixed2(initial), adjusted: fixed2(adjusted), changePercent: fixed2(change) });
}
