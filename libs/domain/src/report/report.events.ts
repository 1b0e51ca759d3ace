import { z } from 'zod';
import { eventPayload } from '../shared/event-payload.js';
import { scoreString } from '../shared/decimal.js';
import { DomainError } from '../shared/domain-error.js';
import { text } from '../shared/i18n.js';
import { parseOrThrow } from '../shared/zod-problems.js';
import { reviewEventSchemas, reviewEventUpcasters } from '../workflow/review.events.js';
import { fundingSources } from './report.model.js';
import {
  budgetAssessmentChangesSchema,
  budgetRowSchema,
  evaluationItemFieldsSchema,
  evidenceFieldsSchema,
  headerChangesSchema,
  headerSchema,
  idSchema,
  indicatorChangesSchema,
  indicatorFieldsSchema,
  narrativeFieldSchema,
  reportKindSchema,
} from './report.fields.js';

const payload = eventPayload;

/**
 * Stable event type names, each with the current version of its payload schema. Stored payloads
 * are validated against these on read, after upcasting older versions.
 */
export const reportEventSchemas = {
  ReportCreated: {
    version: 1,
    schema: payload({ reportId: idSchema, kind: reportKindSchema, organisationId: z.string().min(1), profileId: z.string().min(1), header: headerSchema }),
  },
  HeaderUpdated: { version: 1, schema: payload({ changes: headerChangesSchema }) },
  BudgetRowSet: { version: 1, schema: payload({ source: z.enum(fundingSources), row: budgetRowSchema }) },
  BudgetAssessmentUpdated: { version: 1, schema: payload({ changes: budgetAssessmentChangesSchema }) },
  IndicatorAdded: { version: 1, schema: payload({ indicatorId: idSchema, indicator: indicatorFieldsSchema, position: z.number().int().min(0) }) },
  IndicatorUpdated: { version: 1, schema: payload({ indicatorId: idSchema, changes: indicatorChangesSchema }) },
  IndicatorRemoved: { version: 1, schema: payload({ indicatorId: idSchema }) },
  IndicatorsReordered: { version: 1, schema: payload({ order: z.array(idSchema) }) },
  EvaluationItemSet: { version: 1, schema: payload({ itemId: idSchema, item: evaluationItemFieldsSchema }) },
  EvaluationItemRemoved: { version: 1, schema: payload({ itemId: idSchema }) },
  NarrativeSet: { version: 1, schema: payload({ field: narrativeFieldSchema, text: z.string().max(20000).nullable() }) },
  SelfTotalSet: { version: 1, schema: payload({ value: scoreString.nullable() }) },
  EvidenceAttached: { version: 1, schema: payload({ evidenceId: idSchema, evidence: evidenceFieldsSchema }) },
  EvidenceDetached: { version: 1, schema: payload({ evidenceId: idSchema }) },
  ReportWithdrawn: { version: 1, schema: payload({ reason: z.string().max(2000).nullable() }) },
  ...reviewEventSchemas,
} as const;

export type ReportEventType = keyof typeof reportEventSchemas;
export const reportEventTypes = Object.keys(reportEventSchemas) as ReportEventType[];

export type ReportEventData<T extends ReportEventType> = z.output<(typeof reportEventSchemas)[T]['schema']>;
export type ReportEvent = { [T in ReportEventType]: { type: T; data: ReportEventData<T> } }[ReportEventType];
export type ReportEventOf<T extends ReportEventType> = Extract<ReportEvent, { type: T }>;

export function isReportEventType(type: string): type is ReportEventType {
  return Object.hasOwn(reportEventSchemas, type);
}

export function reportEvent<T extends ReportEventType>(type: T, data: ReportEventData<T>): ReportEventOf<T> {
  return { type, data } as ReportEventOf<T>;
}

// ── reading stored events ──────────────────────────────────────────────────

/** Turns a payload of version `from` into version `from + 1`. */
export type Upcaster = (data: unknown) => unknown;
export type UpcasterSteps = Partial<Record<string, Readonly<Record<number, Upcaster>>>>;
export type ReportEventUpcasters = Partial<Record<ReportEventType, Readonly<Record<number, Upcaster>>>>;

/** Steps from older payload versions to the current ones. Add steps here, never edit old ones. */
export const reportEventUpcasters: ReportEventUpcasters = { ...reviewEventUpcasters };

/**
 * The hook point for schema evolution: given the current version of each type and the steps
 * between versions, returns a function bringing a stored payload of any known version up to date.
 */
export function createUpcaster(currentVersions: Readonly<Record<string, number>>, steps: UpcasterSteps) {
  return (type: string, version: number, data: unknown): unknown => {
    const current = Object.hasOwn(currentVersions, type) ? currentVersions[type] : undefined;
    if (current === undefined) {
      throw DomainError.of('EVENT_TYPE_UNKNOWN', 'type', text(`未知的事件类型：${type}`, `unknown event type: ${type}`));
    }
    if (!Number.isInteger(version) || version < 1 || version > current) {
      throw DomainError.of(
        'EVENT_VERSION_UNSUPPORTED',
        'schemaVersion',
        text(`事件 ${type} 的版本 ${version} 不受支持（当前为 ${current}）`, `${type} version ${version} is not supported (current is ${current})`),
      );
    }
    let shaped = data;
    for (let v = version; v < current; v++) {
      const step = steps[type]?.[v];
      if (!step) {
        throw DomainError.of('EVENT_VERSION_UNSUPPORTED', 'schemaVersion', text(`缺少事件 ${type} 从版本 ${v} 升级的转换`, `no upcaster for ${type} from version ${v}`));
      }
      shaped = step(shaped);
    }
    return shaped;
  };
}

const currentVersions = Object.fromEntries(reportEventTypes.map((type) => [type, reportEventSchemas[type].version]));

/** Brings a stored report event payload of any known version to the current shape of its type. */
export function upcastReportEvent(type: string, version: number, data: unknown, upcasters: ReportEventUpcasters = reportEventUpcasters): unknown {
  return createUpcaster(currentVersions, upcasters)(type, version, data);
}

/** Validates a stored event on read: upcast, then check against the current schema. */
export function parseStoredReportEvent(
  stored: { type: string; schemaVersion: number; data: unknown },
  upcasters: ReportEventUpcasters = reportEventUpcasters,
): ReportEvent {
  const data = upcastReportEvent(stored.type, stored.schemaVersion, stored.data, upcasters);
  const type = stored.type as ReportEventType;
  return { type, data: parseOrThrow(reportEventSchemas[type].schema, data, 'EVENT_INVALID', 'data') } as ReportEvent;
}

/**
 * Reads a stored report event for a replay: upcast to the current shape, not validated again.
 * Sound for every event appended through checkedReportEvents, which stores payloads exactly as
 * their schema reads them; replays fold thousands of events a second, and validating them again
 * was a quarter of a rebuild's time. Reads of single streams keep parseStoredReportEvent.
 */
export function upcastStoredReportEvent(stored: { type: string; schemaVersion: number; data: unknown }): ReportEvent {
  return { type: stored.type, data: upcastReportEvent(stored.type, stored.schemaVersion, stored.data) } as ReportEvent;
}

/**
 * The events a command is about to append, as their schemas read them (defaults filled in), so
 * that what is stored needs no validation to be read back. A payload its schema refuses is a
 * fault of the decider, not of the caller's input: it is thrown as an error, never appended.
 */
export function checkedReportEvents(events: readonly ReportEvent[]): ReportEvent[] {
  return events.map((event) => {
    const parsed = reportEventSchemas[event.type].schema.safeParse(event.data);
    if (!parsed.success) throw new Error(`the decider produced an invalid ${event.type}: ${parsed.error.message}`);
    return { type: event.type, data: parsed.data } as ReportEvent;
  });
}
