import type { Decimal } from 'decimal.js';
import { z } from 'zod';
import { dec, percentString, scoreString } from '../shared/decimal.js';
import { parseOrThrow } from '../shared/zod-problems.js';
import { gradeSchema } from './grade.js';
import { qualitativeBands, type QualitativeBand } from '../report/report.model.js';

// A rule profile is data: which weights, which formulas (by name), which bands and thresholds.
// Provinces differ; changing a profile re-scores every report that names it.

const localized = z.object({ 'zh-CN': z.string().min(1), en: z.string().min(1) }).strict();

const bandSchema = z
  .object({
    /** Percent of the indicator's weight. */
    min: percentString,
    max: percentString,
    minInclusive: z.boolean(),
    maxInclusive: z.boolean(),
  })
  .strict();

export const ruleProfileSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
    version: z.number().int().min(1),
    name: localized,
    /** Points the whole report is scored out of. */
    total: scoreString,
    execution: z
      .object({
        weight: scoreString,
        formula: z.enum(['execution.capped-rate']),
        /** Below this rate (percent) an explanation is required. */
        explanationBelowRate: percentString,
      })
      .strict(),
    indicators: z
      .object({
        /** What indicator weights should add up to. */
        total: scoreString,
        formulas: z
          .object({
            moreIsBetter: z.enum(['ge.ratio']),
            lessIsBetter: z.enum(['le.linear', 'le.ratio']),
            equal: z.enum(['eq.as-ge']),
            qualitative: z.enum(['qualitative.band']),
          })
          .strict(),
        /** An actual at or above this percent of a `≥` target is flagged. */
        overAchievementPercent: percentString,
      })
      .strict(),
    qualitativeBands: z.object({ achieved: bandSchema, partial: bandSchema, failed: bandSchema }).strict(),
    rounding: z.object({ places: z.number().int().min(0).max(6), mode: z.enum(['half-up', 'half-even']) }).strict(),
    /** Highest first; a total at or above `min` earns the grade. */
    grades: z.array(z.object({ grade: gradeSchema, min: scoreString }).strict()).min(1),
    checks: z
      .object({
        /** An adjusted budget this many percent away from the initial one is flagged. */
        budgetAdjustmentPercent: percentString,
      })
      .strict(),
  })
  .strict()
  .superRefine((profile, ctx) => {
    const parts = dec(profile.execution.weight).plus(profile.indicators.total);
    if (!parts.equals(profile.total)) {
      ctx.addIssue({ code: 'custom', path: ['total'], message: `execution weight + indicator total = ${parts.toFixed()}, not ${profile.total}` });
    }
    const mins = profile.grades.map((g) => dec(g.min));
    if (mins.some((m, i) => i > 0 && !m.lessThan(mins[i - 1]!)) || !mins.at(-1)!.isZero()) {
      ctx.addIssue({ code: 'custom', path: ['grades'], message: 'grade minima must fall strictly and end at 0' });
    }
  });

export type RuleProfileJson = z.input<typeof ruleProfileSchema>;

export interface Band {
  min: Decimal;
  max: Decimal;
  minInclusive: boolean;
  maxInclusive: boolean;
}

/** A profile ready to compute with (decimals parsed once). */
export interface RuleProfile {
  id: string;
  version: number;
  name: { 'zh-CN': string; en: string };
  total: Decimal;
  execution: { weight: Decimal; explanationBelowRate: Decimal };
  indicators: {
    total: Decimal;
    formulas: z.output<typeof ruleProfileSchema>['indicators']['formulas'];
    overAchievementPercent: Decimal;
  };
  qualitativeBands: Record<QualitativeBand, Band>;
  rounding: { places: number; mode: 'half-up' | 'half-even' };
  grades: Array<{ grade: z.output<typeof gradeSchema>; min: Decimal }>;
  checks: { budgetAdjustmentPercent: Decimal };
  /** The validated source, for storing and showing. */
  json: z.output<typeof ruleProfileSchema>;
}

export function parseRuleProfile(json: unknown): RuleProfile {
  const p = parseOrThrow(ruleProfileSchema, json, 'PROFILE_INVALID');
  const band = (b: z.output<typeof bandSchema>): Band => ({ ...b, min: dec(b.min), max: dec(b.max) });
  return {
    id: p.id,
    version: p.version,
    name: p.name,
    total: dec(p.total),
    execution: { weight: dec(p.execution.weight), explanationBelowRate: dec(p.execution.explanationBelowRate) },
    indicators: {
      total: dec(p.indicators.total),
      formulas: p.indicators.formulas,
      overAchievementPercent: dec(p.indicators.overAchievementPercent),
    },
    qualitativeBands: Object.fromEntries(qualitativeBands.map((b) => [b, band(p.qualitativeBands[b])])) as Record<QualitativeBand, Band>,
    rounding: p.rounding,
    grades: p.grades.map((g) => ({ grade: g.grade, min: dec(g.min) })),
    checks: { budgetAdjustmentPercent: dec(p.checks.budgetAdjustmentPercent) },
    json: p,
  };
}
