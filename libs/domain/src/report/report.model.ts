import type { Decimal } from 'decimal.js';
import { text, type LocalizedText } from '../shared/i18n.js';

// The report as the domain computes with it: amounts, weights and scores are Decimals; free text
// is kept exactly as typed. The wire shapes (strings for decimals) live in report.fields.ts.

export const reportKinds = ['department', 'project'] as const;
export type ReportKind = (typeof reportKinds)[number];

export const level1Values = ['output', 'benefit', 'satisfaction', 'cost'] as const;
export type Level1 = (typeof level1Values)[number];

// The 2020 national templates add 经济/社会/生态成本 under 成本指标; seed 003 uses 经济成本.
export const level2Values = [
  'quantity',
  'quality',
  'timeliness',
  'cost',
  'economic-cost',
  'social-cost',
  'ecological-cost',
  'economic-benefit',
  'social-benefit',
  'ecological-benefit',
  'sustainability',
  'service-satisfaction',
] as const;
export type Level2 = (typeof level2Values)[number];

export const comparators = ['≥', '>', '=', '≤', '<', '定性'] as const;
export type Comparator = (typeof comparators)[number];

export const fundingSources = ['total', 'fiscal', 'specialAccount', 'unit', 'other'] as const;
export type FundingSource = (typeof fundingSources)[number];
export const subFundingSources = ['fiscal', 'specialAccount', 'unit', 'other'] as const satisfies readonly FundingSource[];

export const budgetColumns = ['initial', 'adjusted', 'executed'] as const;
export type BudgetColumn = (typeof budgetColumns)[number];

export const qualitativeBands = ['achieved', 'partial', 'failed'] as const;
export type QualitativeBand = (typeof qualitativeBands)[number];

export const narrativeFields = ['goal', 'achievement', 'implementation', 'conclusion', 'problems', 'improvements'] as const;
export type NarrativeField = (typeof narrativeFields)[number];

export interface ReportHeader {
  unit: string;
  competentDepartment: string | null;
  implementingUnit: string | null;
  year: number;
  projectCode: string | null;
  projectName: string | null;
}

export interface BudgetRow {
  initial: Decimal | null;
  adjusted: Decimal | null;
  executed: Decimal | null;
  /** The execution rate (percent) as the form states it, kept to compare with the computed one. */
  statedRate: Decimal | null;
}

export interface Budget {
  rows: Partial<Record<FundingSource, BudgetRow>>;
  /** The execution score as the form states it. */
  selfScore: Decimal | null;
  /** Why execution fell short (原因), required under the profile's threshold. */
  explanation: string | null;
}

export interface Indicator {
  id: string;
  level1: Level1;
  level2: Level2;
  name: string;
  comparator: Comparator;
  /** 指标值 as typed, e.g. "150000人", "≥95%", "好". */
  target: string | null;
  /** 度量单位; when empty, a unit written into the target text serves. */
  unit: string | null;
  /** 完成值 as typed, e.g. "大于50万元", "12月底100%完成". */
  actual: string | null;
  weight: Decimal;
  selfScore: Decimal | null;
  explanation: string | null;
  /** For 定性 indicators: the band the filler judged; the self score must lie inside it. */
  qualitativeBand: QualitativeBand | null;
}

export interface EvaluationItem {
  id: string;
  category: string;
  /** Null where the template's maximum is not known (seed 003 states only the scores). */
  maximum: Decimal | null;
  score: Decimal | null;
  justification: string | null;
}

export type Narrative = Record<NarrativeField, string | null>;

export interface Evidence {
  id: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  /** Hex SHA-256 of the file's content: what proves the attachment was not swapped. */
  sha256: string;
  description: string | null;
  indicatorId: string | null;
  attachedAt: string;
  attachedBy: string;
}

/** Everything scoring and the checks look at. */
export interface ReportContent {
  kind: ReportKind;
  profileId: string;
  header: ReportHeader;
  budget: Budget;
  indicators: Indicator[];
  evaluationItems: EvaluationItem[];
  narrative: Narrative;
  evidence: Evidence[];
  /** The total as the form states it (总分/合计). */
  selfTotal: Decimal | null;
}

export function emptyNarrative(): Narrative {
  return { goal: null, achievement: null, implementation: null, conclusion: null, problems: null, improvements: null };
}

export function emptyBudget(): Budget {
  return { rows: {}, selfScore: null, explanation: null };
}

export const level1Labels: Record<Level1, LocalizedText> = {
  output: text('产出指标', 'output'),
  benefit: text('效益指标', 'benefit'),
  satisfaction: text('满意度指标', 'satisfaction'),
  cost: text('成本指标', 'cost'),
};

export const level2Labels: Record<Level2, LocalizedText> = {
  quantity: text('数量指标', 'quantity'),
  quality: text('质量指标', 'quality'),
  timeliness: text('时效指标', 'timeliness'),
  cost: text('成本指标', 'cost'),
  'economic-cost': text('经济成本指标', 'economic cost'),
  'social-cost': text('社会成本指标', 'social cost'),
  'ecological-cost': text('生态环境成本指标', 'ecological cost'),
  'economic-benefit': text('经济效益指标', 'economic benefit'),
  'social-benefit': text('社会效益指标', 'social benefit'),
  'ecological-benefit': text('生态效益指标', 'ecological benefit'),
  sustainability: text('可持续影响指标', 'sustainable impact'),
  'service-satisfaction': text('服务对象满意度指标', 'service-recipient satisfaction'),
};

export const fundingSourceLabels: Record<FundingSource, LocalizedText> = {
  total: text('总额', 'total'),
  fiscal: text('财政资金', 'fiscal funds'),
  specialAccount: text('财政专户管理资金', 'special-account funds'),
  unit: text('单位资金', 'unit funds'),
  other: text('其他资金', 'other funds'),
};

export const budgetColumnLabels: Record<BudgetColumn, LocalizedText> = {
  initial: text('年初预算', 'initial budget'),
  adjusted: text('调整后预算', 'adjusted budget'),
  executed: text('执行数', 'executed'),
};

export const qualitativeBandLabels: Record<QualitativeBand, LocalizedText> = {
  achieved: text('达成年度指标', 'annual target achieved'),
  partial: text('部分达成并具有一定效果', 'partly achieved with some effect'),
  failed: text('未达成且效果较差', 'not achieved, poor effect'),
};

// Paths point into the report document, so a client can put a message next to the field.
export const paths = {
  indicator: (id: string, field?: keyof Omit<Indicator, 'id'>) => `indicators[${id}]${field ? `.${field}` : ''}`,
  budget: (source: FundingSource, column?: BudgetColumn | 'statedRate') => `budget.${source}${column ? `.${column}` : ''}`,
  evaluationItem: (id: string, field?: keyof Omit<EvaluationItem, 'id'>) => `evaluationItems[${id}]${field ? `.${field}` : ''}`,
  evidence: (id: string, field?: keyof Omit<Evidence, 'id'>) => `evidence[${id}]${field ? `.${field}` : ''}`,
};
