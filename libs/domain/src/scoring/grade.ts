import type { Decimal } from 'decimal.js';
import { z } from 'zod';
import { text, type LocalizedText } from '../shared/i18n.js';

export const grades = ['优', '良', '中', '差'] as const;
export type Grade = (typeof grades)[number];
export const gradeSchema = z.enum(grades);

export const gradeLabels: Record<Grade, LocalizedText> = {
  优: text('优', 'excellent'),
  良: text('良', 'good'),
  中: text('中', 'fair'),
  差: text('差', 'poor'),
};

/** `boundaries` highest first; the last one's minimum is 0. */
export function gradeFor(total: Decimal, boundaries: ReadonlyArray<{ grade: Grade; min: Decimal }>): Grade {
  for (const boundary of boundaries) if (total.greaterThanOrEqualTo(boundary.min)) return boundary.grade;
  return boundaries.at(-1)!.grade;
}
