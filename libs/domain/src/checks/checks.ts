import { fixed2, plain } from '../shared/decimal.js';
import { text } from '../shared/i18n.js';
import { paths, type ReportContent } from '../report/report.model.js';
import type { ReportScore } from '../scoring/score-report.js';
import type { RuleProfile } from '../scoring/rule-profile.js';
import { budgetChecks } from './budget-checks.js';
import { check, isBlank, type Check, type Severity } from './check-catalogue.js';
import { indicatorChecks, indicatorTableChecks } from './indicator-checks.js';

/** Every consistency check on one revision of a report, in the order of its sections. */
export function runChecks(report: ReportContent, score: ReportScore, profile: RuleProfile): Check[] {
  return [
    ...headerChecks(report),
    ...budgetChecks(report, score, profile),
    ...executionSelfScoreChecks(report, score),
    ...indicatorTableChecks(report, score, profile),
    ...report.indicators.flatMap((indicator, i) => indicatorChecks(indicator, score.indicators[i]!, profile)),
    ...evaluationItemChecks(report),
    ...totalChecks(report, score),
  ];
}

function headerChecks(report: ReportContent): Check[] {
  if (report.kind !== 'project') return [];
  const missing = (['projectCode', 'projectName'] as const).filter((f) => isBlank(report.header[f]));
  return missing.map((field) =>
    check('PROJECT_IDENTITY_MISSING', `header.${field}`, field === 'projectCode' ? text('项目支出自评须填写项目编码', 'a project report needs the project code') : text('项目支出自评须填写项目名称', 'a project report needs the project name')),
  );
}

function executionSelfScoreChecks(report: ReportContent, score: ReportScore): Check[] {
  const stated = report.budget.selfScore;
  const { score: computed, weight } = score.execution;
  if (stated === null) return [];
  const out: Check[] = [];
  if (score.execution.rule !== 'not-applicable' && stated.greaterThan(weight)) {
    out.push(check('SELF_SCORE_ABOVE_WEIGHT', 'budget.selfScore', text(`预算执行自评得分${plain(stated)}高于分值${plain(weight)}`, `budget execution self score ${plain(stated)} is above the weight ${plain(weight)}`)));
  }
  if (computed !== null && !computed.equals(stated)) {
    out.push(
      check('SELF_SCORE_MISMATCH', 'budget.selfScore', text(
        `预算执行自评得分${plain(stated)}，按规则计算为${fixed2(computed)}`,
        `budget execution self score ${plain(stated)}, computed ${fixed2(computed)}`,
      ), { stated: plain(stated), computed: fixed2(computed), rule: score.execution.rule }),
    );
  }
  return out;
}

function evaluationItemChecks(report: ReportContent): Check[] {
  return report.evaluationItems.flatMap((item) => {
    const at = (field: Parameters<typeof paths.evaluationItem>[1]) => paths.evaluationItem(item.id, field);
    const out: Check[] = [];
    const c = item.category;
    if (item.maximum === null) out.push(check('EVALUATION_MAXIMUM_MISSING', at('maximum'), text(`评价项目“${c}”未填写满分`, `evaluation item “${c}” has no maximum`)));
    if (item.score === null) out.push(check('EVALUATION_SCORE_MISSING', at('score'), text(`评价项目“${c}”未评分`, `evaluation item “${c}” is not scored`)));
    if (item.score !== null && item.maximum !== null && item.score.greaterThan(item.maximum)) {
      out.push(check('EVALUATION_SCORE_ABOVE_MAXIMUM', at('score'), text(`评价项目“${c}”得分${plain(item.score)}高于满分${plain(item.maximum)}`, `evaluation item “${c}” scores ${plain(item.score)}, above its maximum ${plain(item.maximum)}`)));
    }
    if (item.score !== null && isBlank(item.justification)) {
      out.push(check('EVALUATION_JUSTIFICATION_MISSING', at('justification'), text(`评价项目“${c}”得分${plain(item.score)}未附评分理由`, `evaluation item “${c}” is scored ${plain(item.score)} without a justification`)));
    }
    return out;
  });
}

function totalChecks(report: ReportContent, score: ReportScore): Check[] {
  const out: Check[] = [];
  if (!score.complete && (report.indicators.length > 0 || report.evaluationItems.length > 0)) {
    const unscored = score.indicators.filter((i) => i.score === null).length + score.evaluationItems.filter((i) => i.score === null).length + (score.execution.rule === 'not-comparable' ? 1 : 0);
    out.push(check('SCORE_INCOMPLETE', 'total', text(
      `${unscored}项无法自动评分，已计得分${fixed2(score.total)}不是最终总分`,
      `${unscored} item${unscored === 1 ? '' : 's'} cannot be scored automatically; the ${fixed2(score.total)} computed so far is not the final total`,
    ), { unscored, partialTotal: fixed2(score.total) }));
  }
  const stated = report.selfTotal;
  if (stated !== null && score.complete && !stated.equals(score.total)) {
    out.push(check('TOTAL_MISMATCH', 'selfTotal', text(`填报总分${plain(stated)}，计算总分${fixed2(score.total)}`, `stated total ${plain(stated)}, computed ${fixed2(score.total)}`), { stated: plain(stated), computed: fixed2(score.total) }));
  }
  return out;
}

export interface CheckSummary {
  errors: number;
  warnings: number;
  infos: number;
  /** False while any error-severity check holds. */
  submittable: boolean;
}

export function summariseChecks(checks: readonly Check[]): CheckSummary {
  const count = (severity: Severity) => checks.filter((c) => c.severity === severity).length;
  const errors = count('error');
  return { errors, warnings: count('warning'), infos: count('info'), submittable: errors === 0 };
}
