import { text, type LocalizedText } from '../shared/i18n.js';

export type Severity = 'error' | 'warning' | 'info';

/**
 * Every consistency check (审核提示), with its severity. Errors block submission; warnings and
 * infos are shown to filler and reviewer alike. The order is the order of the report's sections.
 */
export const checkCatalogue = {
  PROJECT_IDENTITY_MISSING: { severity: 'error', meaning: text('项目支出自评缺少项目编码或名称', 'project report without project code or name') },

  BUDGET_TOTAL_MISSING: { severity: 'error', meaning: text('缺少预算总额的调整后预算或执行数', 'total budget row lacks the adjusted budget or the executed amount') },
  BUDGET_ADJUSTED_ZERO: { severity: 'error', meaning: text('调整后预算为0，无法计算执行率', 'adjusted budget is 0, no execution rate') },
  BUDGET_ROWS_SUM_MISMATCH: { severity: 'error', meaning: text('各资金来源之和与总额不符', 'funding sources do not add up to the total') },
  EXECUTED_ABOVE_ADJUSTED: { severity: 'error', meaning: text('执行数超过调整后预算', 'executed above the adjusted budget') },
  BUDGET_ADJUSTMENT_LARGE: { severity: 'warning', meaning: text('调整后预算与年初预算相差过大', 'adjusted budget far from the initial one') },
  STATED_RATE_MISMATCH: { severity: 'warning', meaning: text('填报的执行率与计算值不符', 'stated execution rate differs from the computed one') },
  EXPLANATION_MISSING_LOW_EXECUTION: { severity: 'error', meaning: text('执行率低于阈值而未说明原因', 'execution below the threshold without an explanation') },

  INDICATORS_MISSING: { severity: 'error', meaning: text('没有绩效指标或评价项目', 'no indicators and no evaluation items') },
  WEIGHTS_TOTAL_MISMATCH: { severity: 'error', meaning: text('权重合计不等于规则总分', 'weights do not add up to the profile total') },
  INDICATOR_GROUP_MISSING: { severity: 'warning', meaning: text('缺少产出、效益或满意度指标', 'no output, benefit or satisfaction indicator') },
  INDICATOR_DUPLICATE: { severity: 'error', meaning: text('同一指标重复填列', 'the same indicator listed twice') },
  TARGET_MISSING: { severity: 'error', meaning: text('未填写指标值', 'target not entered') },
  ACTUAL_MISSING: { severity: 'error', meaning: text('未填写完成值', 'actual not entered') },
  TARGET_NOT_COMPARABLE: { severity: 'warning', meaning: text('指标值无法识别为可比数值', 'target cannot be read as a comparable value') },
  ACTUAL_NOT_COMPARABLE: { severity: 'warning', meaning: text('完成值无法与指标值比较，须人工评分', 'actual not comparable with the target; score by judgement') },
  ACTUAL_APPROXIMATE: { severity: 'info', meaning: text('完成值为约数', 'actual given as an approximate figure') },
  UNIT_MISSING: { severity: 'warning', meaning: text('定量指标缺少度量单位', 'quantitative indicator without a unit of measure') },
  OVER_ACHIEVEMENT: { severity: 'warning', meaning: text('完成值达到指标值的120%以上，指标值可能设定偏低', 'actual at or above 120% of the target; target probably set too low') },
  QUALITATIVE_JUDGEMENT_MISSING: { severity: 'error', meaning: text('定性指标未选择档次或未评分', 'qualitative indicator without a band or a score') },
  QUALITATIVE_SCORE_OUT_OF_BAND: { severity: 'error', meaning: text('定性指标得分不在所选档次内', 'qualitative score outside the chosen band') },
  SELF_SCORE_ABOVE_WEIGHT: { severity: 'error', meaning: text('自评得分高于分值', 'self score above the weight') },
  SELF_SCORE_MISMATCH: { severity: 'warning', meaning: text('自评得分与按规则计算的得分不符', 'self score differs from the computed score') },
  EXPLANATION_MISSING_SCORE_BELOW_WEIGHT: { severity: 'error', meaning: text('得分低于分值而未填写偏差原因', 'score below the weight without a deviation explanation') },

  EVALUATION_MAXIMUM_MISSING: { severity: 'warning', meaning: text('评价项目未填写满分', 'evaluation item without a maximum') },
  EVALUATION_SCORE_MISSING: { severity: 'error', meaning: text('评价项目未评分', 'evaluation item not scored') },
  EVALUATION_SCORE_ABOVE_MAXIMUM: { severity: 'error', meaning: text('评价项目得分高于满分', 'evaluation item scored above its maximum') },
  EVALUATION_JUSTIFICATION_MISSING: { severity: 'error', meaning: text('评价项目评分未附理由', 'evaluation item score without a justification') },

  TOTAL_MISMATCH: { severity: 'warning', meaning: text('填报总分与计算总分不符', 'stated total differs from the computed total') },
  SCORE_INCOMPLETE: { severity: 'info', meaning: text('部分项目无法自动评分，总分不完整', 'some items cannot be scored automatically; the total is partial') },
} as const satisfies Record<string, { severity: Severity; meaning: LocalizedText }>;

export type CheckCode = keyof typeof checkCatalogue;
export const checkCodes = Object.keys(checkCatalogue) as CheckCode[];

export interface Check {
  code: CheckCode;
  severity: Severity;
  /** The field the check points at, as in DomainError problems. */
  path: string;
  message: LocalizedText;
  details?: Record<string, string | number | null>;
}

export function check(code: CheckCode, path: string, message: LocalizedText, details?: Check['details']): Check {
  const base = { code, severity: checkCatalogue[code].severity, path, message };
  return details === undefined ? base : { ...base, details };
}

/** Text that says nothing: an explanation of only spaces does not explain. */
export function isBlank(value: string | null): boolean {
  return value === null || value.trim() === '';
}
