import { randomUUID } from 'node:crypto';
import type { Actor, EventStore, NewEvent } from '#eventstore';

/**
 * Report streams for the scoring specs and the re-score benchmark: a project report with a budget
 * and `indicators` quantitative indicators whose weights add up to 90, and single-indicator edits.
 * Every payload is valid against the report event schemas.
 */

export const AT = '2026-03-02T08:00:00.000Z';

export function fillerOf(organisationId: string): Actor {
  return { userId: `u-filler-${organisationId}`, role: 'unit_filler', organisationId };
}

function event(type: string, data: Record<string, unknown>, by: Actor, at = AT): NewEvent {
  return { id: randomUUID(), type, data: { at, by, ...data }, metadata: { actor: by, correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: at, schemaVersion: 1 } };
}

export interface ReportSpec {
  reportId: string;
  organisationId?: string;
  profileId?: string;
  indicators?: number;
}

const weightsOf = (count: number) => Array.from({ length: count }, (_, i) => String(Math.floor(90 / count) + (i < 90 % count ? 1 : 0)));

export const indicatorIdOf = (n: number) => `k${String(n).padStart(2, '0')}`;

/** ReportCreated, the budget's total row, and the indicators, each half-way to its target. */
export function createdReport(spec: ReportSpec): NewEvent[] {
  const organisationId = spec.organisationId ?? 'org-unit-1';
  const by = fillerOf(organisationId);
  const count = spec.indicators ?? 30;
  const events = [
    event(
      'ReportCreated',
      {
        reportId: spec.reportId,
        kind: 'project',
        organisationId,
        profileId: spec.profileId ?? 'default',
        header: { unit: '开江县医疗保障局', competentDepartment: null, implementingUnit: null, year: 2025, projectCode: `P-${spec.reportId}`, projectName: '城乡医疗救助' },
      },
      by,
    ),
    event('BudgetRowSet', { source: 'total', row: { initial: '1000.00', adjusted: '1000.00', executed: '950.00', statedRate: null } }, by),
  ];
  weightsOf(count).forEach((weight, i) => {
    events.push(
      event(
        'IndicatorAdded',
        {
          indicatorId: indicatorIdOf(i + 1),
          position: i,
          indicator: {
            level1: 'output',
            level2: 'quantity',
            name: `指标${i + 1}`,
            comparator: '≥',
            target: '200',
            unit: '次',
            actual: '100',
            weight,
            selfScore: null,
            explanation: null,
            qualitativeBand: null,
          },
        },
        by,
      ),
    );
  });
  return events;
}

/** The filler types a new actual for one indicator. */
export function actualTyped(organisationId: string, indicatorId: string, actual: string, at = AT): NewEvent {
  return event('IndicatorUpdated', { indicatorId, changes: { actual } }, fillerOf(organisationId), at);
}

/** Appends created reports `lanes` at a time (setup, not measured). */
export async function appendReports(store: EventStore, specs: readonly ReportSpec[], lanes = 8): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < specs.length) {
        const spec = specs[next++]!;
        await store.append(`report-${spec.reportId}`, createdReport(spec), 'no_stream');
      }
    }),
  );
}
