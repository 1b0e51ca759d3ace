import { fundingSources, narrativeFields, reportCommandDataSchemas, type ReportCommandType, type ReportDocument } from '#domain';
import type { z } from 'zod';

// What makes a draft say what a sheet says, as the report's own edit commands: the decider then
// checks each one exactly as if a person had typed it, and the events record field by field what
// the import changed. Evidence is not on the form and is left as it is.

// The field schemas, as the commands that carry them (the domain exports the commands, not the fields).
const budgetRowSchema = reportCommandDataSchemas.SetBudgetRow.shape.row;
type IndicatorWire = z.output<typeof reportCommandDataSchemas.AddIndicator.shape.indicator>;
type EvaluationItemWire = z.output<typeof reportCommandDataSchemas.SetEvaluationItem.shape.item>;

export type PlannedCommand = { [T in ReportCommandType]: { type: T; data: z.input<(typeof reportCommandDataSchemas)[T]> } }[ReportCommandType];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The wire form the decider compares in, so "5" and "5.0", "170" and "170.00" count as unchanged. */
function normalisedRow(row: unknown) {
  return row === undefined ? null : budgetRowSchema.parse(row);
}

function canonicalDecimal(value: string | null): string | null {
  if (value === null) return null;
  const [whole, fraction = ''] = value.split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return `${String(Number(whole)).replace(/^$/, '0')}${trimmed ? `.${trimmed}` : ''}`;
}

function moneyOf(value: string | null): string | null {
  const canonical = canonicalDecimal(value);
  return canonical === null ? null : canonical;
}

function rowKey(row: unknown) {
  const parsed = normalisedRow(row);
  if (parsed === null || Object.values(parsed).every((v) => v === null)) return null;
  return { initial: moneyOf(parsed.initial), adjusted: moneyOf(parsed.adjusted), executed: moneyOf(parsed.executed), statedRate: canonicalDecimal(parsed.statedRate) };
}

function indicatorKey(fields: IndicatorWire): IndicatorWire {
  return { ...fields, weight: canonicalDecimal(fields.weight)!, selfScore: canonicalDecimal(fields.selfScore) };
}

/**
 * The commands that turn `current` (null: no report yet) into `target`. For a new report the first
 * command is CreateReport. Indicators and evaluation items are matched by id: same id → update,
 * new id → add, id gone → remove; then the order is set when it differs.
 */
export function planCommands(current: ReportDocument | null, target: ReportDocument, reportId: string): PlannedCommand[] {
  const commands: PlannedCommand[] = [];
  if (current === null) {
    commands.push({ type: 'CreateReport', data: { reportId, kind: target.kind, profileId: target.profileId, header: target.header } });
  } else {
    const changes = Object.fromEntries(Object.entries(target.header).filter(([key, value]) => !same(current.header[key as keyof ReportDocument['header']], value)));
    if (Object.keys(changes).length > 0) commands.push({ type: 'UpdateHeader', data: { changes } });
  }

  for (const source of fundingSources) {
    const before = rowKey(current?.budget[source]);
    const after = rowKey(target.budget[source]);
    if (same(before, after)) continue;
    const row = target.budget[source] ?? { initial: null, adjusted: null, executed: null, statedRate: null };
    commands.push({ type: 'SetBudgetRow', data: { source, row } });
  }
  const assessment: { selfScore?: string | null; explanation?: string | null } = {};
  if (canonicalDecimal(current?.budget.selfScore ?? null) !== canonicalDecimal(target.budget.selfScore)) assessment.selfScore = target.budget.selfScore;
  if ((current?.budget.explanation ?? null) !== target.budget.explanation) assessment.explanation = target.budget.explanation;
  if (Object.keys(assessment).length > 0) commands.push({ type: 'UpdateBudgetAssessment', data: { changes: assessment } });

  const existing = new Map((current?.indicators ?? []).map((i) => [i.id, i]));
  const wanted = new Set(target.indicators.map((i) => i.id));
  for (const indicator of current?.indicators ?? []) if (!wanted.has(indicator.id)) commands.push({ type: 'RemoveIndicator', data: { indicatorId: indicator.id } });
  for (const { id, ...fields } of target.indicators) {
    const before = existing.get(id);
    if (!before) {
      commands.push({ type: 'AddIndicator', data: { indicatorId: id, indicator: fields } });
      continue;
    }
    const { id: _id, ...beforeFields } = before;
    const a = indicatorKey(beforeFields);
    const b = indicatorKey(fields);
    const keys = Object.keys(b) as Array<keyof IndicatorWire>;
    const changes = Object.fromEntries(keys.filter((key) => !same(a[key], b[key])).map((key) => [key, fields[key]]));
    if (Object.keys(changes).length > 0) commands.push({ type: 'UpdateIndicator', data: { indicatorId: id, changes } });
  }
  const orderAfter = [...(current?.indicators ?? []).filter((i) => wanted.has(i.id)).map((i) => i.id), ...target.indicators.filter((i) => !existing.has(i.id)).map((i) => i.id)];
  const targetOrder = target.indicators.map((i) => i.id);
  if (!same(orderAfter, targetOrder)) commands.push({ type: 'ReorderIndicators', data: { order: targetOrder } });

  const existingItems = new Map((current?.evaluationItems ?? []).map((i) => [i.id, i]));
  const wantedItems = new Set(target.evaluationItems.map((i) => i.id));
  for (const item of current?.evaluationItems ?? []) if (!wantedItems.has(item.id)) commands.push({ type: 'RemoveEvaluationItem', data: { itemId: item.id } });
  for (const { id, ...fields } of target.evaluationItems) {
    const before = existingItems.get(id);
    const key = (f: EvaluationItemWire) => ({ ...f, maximum: canonicalDecimal(f.maximum), score: canonicalDecimal(f.score) });
    if (before) {
      const { id: _id, ...beforeFields } = before;
      if (same(key(beforeFields), key(fields))) continue;
    }
    commands.push({ type: 'SetEvaluationItem', data: { itemId: id, item: fields } });
  }

  for (const field of narrativeFields) {
    if ((current?.narrative[field] ?? null) !== target.narrative[field]) commands.push({ type: 'SetNarrative', data: { field, text: target.narrative[field] } });
  }
  if (canonicalDecimal(current?.selfTotal ?? null) !== canonicalDecimal(target.selfTotal)) commands.push({ type: 'SetSelfTotal', data: { value: target.selfTotal } });
  return commands;
}
