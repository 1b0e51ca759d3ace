import { qualitativeBandLabels, qualitativeBands, type QualitativeBand } from '#domain';

// The grid both the writer and the reader know: the standard self-evaluation forms
// (项目支出绩效自评表, 部门整体支出绩效自评表) laid on twelve printed columns, A to L, and one hidden
// column M that carries the ids of indicators and evaluation items, so that an exported sheet
// imports back into the same report. The reader does not depend on these positions: it finds
// every table by its header texts, so a sheet laid out by hand imports as well.

export const col = {
  section: 1,
  level1: 2,
  level2: 3,
  name: 4,
  comparator: 5,
  target: 6,
  unit: 7,
  actual: 8,
  weight: 9,
  selfScore: 10,
  computedScore: 11,
  explanation: 12,
  id: 13,
} as const;

/** Budget execution, on the same columns. */
export const budgetCol = {
  section: 1,
  label: 2, // B:C
  initial: 4,
  adjusted: 5,
  executed: 6,
  statedRate: 7,
  weight: 8,
  selfScore: 9,
  computedScore: 10,
  explanation: 11, // K:L
} as const;

/** Evaluation items (部门整体评价), on the same columns. */
export const itemCol = {
  section: 1,
  category: 2, // B:C
  justification: 4, // D:H
  maximum: 9,
  score: 10,
  computedScore: 11,
  id: 13,
} as const;

export const LAST_PRINTED_COLUMN = 12;

export const columnWidths: readonly number[] = [11, 12, 12, 26, 13, 14, 9, 14, 8, 8, 9, 30, 14];

/** Cell M1 of an exported sheet: what the printed form does not say (the rule profile, the report). */
export const MACHINE_TAG = 'jixiao:form:v1';

export const formTitles = {
  project: '项目支出绩效自评表',
  department: '部门整体支出绩效自评表',
} as const;

export const headers = {
  budgetSection: (weight: string) => `预算执行情况（${weight}分）`,
  budgetLabel: '年度预算数（万元）',
  initial: '年初预算',
  adjusted: '调整后预算',
  executed: '执行数',
  statedRate: '执行率',
  weight: '分值',
  selfScore: '得分',
  computedScore: '系统计算得分',
  reason: '原因',
  indicatorSection: (weight: string) => `绩效指标（${weight}分）`,
  level1: '一级指标',
  level2: '二级指标',
  name: '三级指标',
  comparator: '指标性质',
  target: '指标值',
  unit: '度量单位',
  actual: '完成值',
  explanation: '偏差原因分析及改进措施',
  id: '编号',
  itemSection: '部门整体评价',
  category: '评价内容',
  justification: '评分依据',
  maximum: '满分',
  total: '合计',
  grade: '评价等级',
  evidence: '佐证材料',
} as const;

export const headerLabels = {
  unit: '单位名称',
  year: '年度',
  competentDepartment: '主管部门',
  implementingUnit: '实施单位',
  projectName: '项目名称',
  projectCode: '项目编码',
} as const;

export const narrativeLabels = {
  goal: '年度总体目标',
  achievement: '实际完成情况',
  implementation: '实施内容及过程概述',
  conclusion: '评价结论',
  problems: '存在问题',
  improvements: '改进措施',
} as const;

export const signatureLine = ['单位负责人（签字）：', '填报人：', '联系电话：', '填报日期：', '单位（盖章）'] as const;

/** 定性 indicators carry their band in the 指标性质 cell: "定性（达成年度指标）". */
export function qualitativeCellText(band: QualitativeBand | null): string {
  return band === null ? '定性' : `定性（${qualitativeBandLabels[band]['zh-CN']}）`;
}

export function bandFromLabel(label: string): QualitativeBand | null {
  const wanted = label.replace(/\s/g, '');
  for (const band of qualitativeBands) {
    if (qualitativeBandLabels[band]['zh-CN'] === wanted || band === wanted) return band;
  }
  const short: Record<string, QualitativeBand> = { 达成: 'achieved', 部分达成: 'partial', 未达成: 'failed' };
  return short[wanted] ?? null;
}

export const statusLabels: Record<string, string> = {
  draft: '草稿',
  submitted: '审核中',
  approved: '已审核通过',
  published: '已公开',
};

/** Excel's own rule: sheet names of at most 31 characters, none of []:*?/\ and not blank. */
export function sheetNameFrom(wanted: string, taken: ReadonlySet<string>): string {
  const base = (wanted.replace(/[[\]:*?/\\']/g, '_').trim() || 'Sheet').slice(0, 31);
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const suffix = `(${n})`;
    const candidate = `${base.slice(0, 31 - suffix.length)}${suffix}`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

/** `Sheet1!F12`, quoted the way Excel quotes a sheet name that is not a plain word: `'项目 1'!F12`. */
export function cellAddress(sheetName: string, address: string): string {
  const plainName = /^[\p{L}\p{N}_]+$/u.test(sheetName);
  return `${plainName ? sheetName : `'${sheetName.replace(/'/g, "''")}'`}!${address}`;
}

export function columnLetter(column: number): string {
  let n = column;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}
