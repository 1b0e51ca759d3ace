import { z } from 'zod';
import { moneyString, optionalDec, optionalPlain, optionalFixed2, percentString, plain, dec, scoreString } from '../shared/decimal.js';
import {
  comparators,
  level1Values,
  level2Values,
  narrativeFields,
  qualitativeBands,
  reportKinds,
  type BudgetRow,
  type Comparator,
  type EvaluationItem,
  type Indicator,
  type Level1,
  type Level2,
} from './report.model.js';

// Wire shapes shared by commands, events and the report document. Decimals travel as strings.

function withAliases<S extends z.ZodType>(schema: S, aliases: Record<string, string>) {
  return z.preprocess((value) => (typeof value === 'string' ? (aliases[value.trim()] ?? value) : value), schema);
}

const comparatorAliases: Record<string, Comparator> = {
  '>=': '≥', '≧': '≥', '＞＝': '≥', '>＝': '≥',
  '＞': '>',
  '＝': '=', '==': '=',
  '<=': '≤', '≦': '≤', '＜＝': '≤', '<＝': '≤',
  '＜': '<',
  qualitative: '定性',
};

const level1Aliases: Record<string, Level1> = {
  产出: 'output', 产出指标: 'output',
  效益: 'benefit', 效益指标: 'benefit',
  满意度: 'satisfaction', 满意度指标: 'satisfaction',
  成本: 'cost', 成本指标: 'cost',
};

const level2Aliases: Record<string, Level2> = Object.fromEntries(
  (
    [
      ['数量', 'quantity'], ['质量', 'quality'], ['时效', 'timeliness'], ['成本', 'cost'],
      ['经济成本', 'economic-cost'], ['社会成本', 'social-cost'], ['生态环境成本', 'ecological-cost'], ['生态成本', 'ecological-cost'],
      ['经济效益', 'economic-benefit'], ['社会效益', 'social-benefit'], ['生态效益', 'ecological-benefit'],
      ['可持续影响', 'sustainability'], ['服务对象满意度', 'service-satisfaction'],
    ] as const
  ).flatMap(([zh, code]) => [[zh, code], [`${zh}指标`, code]]),
);

export const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, { error: 'id' });
export const reportKindSchema = z.enum(reportKinds);
export const comparatorSchema = withAliases(z.enum(comparators), comparatorAliases);
export const level1Schema = withAliases(z.enum(level1Values), level1Aliases);
export const level2Schema = withAliases(z.enum(level2Values), level2Aliases);
export const qualitativeBandSchema = z.enum(qualitativeBands);
export const narrativeFieldSchema = z.enum(narrativeFields);

const name = z.string().min(1).max(500);
const shortText = z.string().max(500).nullable();
const longText = z.string().max(20000).nullable();

export const headerSchema = z
  .object({
    unit: name,
    competentDepartment: shortText.default(null),
    implementingUnit: shortText.default(null),
    year: z.number().int().min(2000).max(2100),
    projectCode: z.string().min(1).max(64).nullable().default(null),
    projectName: shortText.default(null),
  })
  .strict();
export const headerChangesSchema = z
  .object({
    unit: name,
    competentDepartment: shortText,
    implementingUnit: shortText,
    year: z.number().int().min(2000).max(2100),
    projectCode: z.string().min(1).max(64).nullable(),
    projectName: shortText,
  })
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, { error: 'changes.empty' });

export const budgetRowSchema = z
  .object({
    initial: moneyString.nullable().default(null),
    adjusted: moneyString.nullable().default(null),
    executed: moneyString.nullable().default(null),
    statedRate: percentString.nullable().default(null),
  })
  .strict();
export type BudgetRowWire = z.output<typeof budgetRowSchema>;

export const budgetAssessmentChangesSchema = z
  .object({ selfScore: scoreString.nullable(), explanation: longText })
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, { error: 'changes.empty' });

const indicatorFieldShapes = {
  level1: level1Schema,
  level2: level2Schema,
  name,
  comparator: comparatorSchema,
  target: shortText,
  unit: z.string().max(32).nullable(),
  actual: shortText,
  weight: scoreString,
  selfScore: scoreString.nullable(),
  explanation: longText,
  qualitativeBand: qualitativeBandSchema.nullable(),
};

export const indicatorFieldsSchema = z
  .object({
    ...indicatorFieldShapes,
    target: indicatorFieldShapes.target.default(null),
    unit: indicatorFieldShapes.unit.default(null),
    actual: indicatorFieldShapes.actual.default(null),
    selfScore: indicatorFieldShapes.selfScore.default(null),
    explanation: indicatorFieldShapes.explanation.default(null),
    qualitativeBand: indicatorFieldShapes.qualitativeBand.default(null),
  })
  .strict();
export type IndicatorFieldsWire = z.output<typeof indicatorFieldsSchema>;

export const indicatorChangesSchema = z
  .object(indicatorFieldShapes)
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, { error: 'changes.empty' });
export type IndicatorChangesWire = z.output<typeof indicatorChangesSchema>;

export const evaluationItemFieldsSchema = z
  .object({
    category: name,
    maximum: scoreString.nullable().default(null),
    score: scoreString.nullable().default(null),
    justification: longText.default(null),
  })
  .strict();
export type EvaluationItemFieldsWire = z.output<typeof evaluationItemFieldsSchema>;

export const evidenceFieldsSchema = z
  .object({
    fileName: z.string().min(1).max(255),
    mediaType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, { error: 'media-type' }),
    sizeBytes: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'sha256' }),
    description: longText.default(null),
    indicatorId: idSchema.nullable().default(null),
  })
  .strict();
export type EvidenceFieldsWire = z.output<typeof evidenceFieldsSchema>;

// ── wire ⇄ model ────────────────────────────────────────────────────────────

export function budgetRowFromWire(row: BudgetRowWire): BudgetRow {
  return {
    initial: optionalDec(row.initial),
    adjusted: optionalDec(row.adjusted),
    executed: optionalDec(row.executed),
    statedRate: optionalDec(row.statedRate),
  };
}

export function budgetRowToWire(row: BudgetRow): BudgetRowWire {
  return {
    initial: optionalFixed2(row.initial),
    adjusted: optionalFixed2(row.adjusted),
    executed: optionalFixed2(row.executed),
    statedRate: optionalPlain(row.statedRate),
  };
}

export function indicatorFromWire(id: string, fields: IndicatorFieldsWire): Indicator {
  return { id, ...fields, weight: dec(fields.weight), selfScore: optionalDec(fields.selfScore) };
}

export function indicatorToWire(indicator: Indicator): IndicatorFieldsWire {
  const { id: _id, ...fields } = indicator;
  return { ...fields, weight: plain(indicator.weight), selfScore: optionalPlain(indicator.selfScore) };
}

export function applyIndicatorChanges(indicator: Indicator, changes: IndicatorChangesWire): Indicator {
  return indicatorFromWire(indicator.id, { ...indicatorToWire(indicator), ...changes });
}

export function evaluationItemFromWire(id: string, fields: EvaluationItemFieldsWire): EvaluationItem {
  return { id, ...fields, maximum: optionalDec(fields.maximum), score: optionalDec(fields.score) };
}

export function evaluationItemToWire(item: EvaluationItem): EvaluationItemFieldsWire {
  const { id: _id, ...fields } = item;
  return { ...fields, maximum: optionalPlain(item.maximum), score: optionalPlain(item.score) };
}
