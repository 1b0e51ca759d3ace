import type { Actor } from '../shared/actor.js';
import type { ReportCommandInput, ReportCommandType } from '../report/report.commands.js';
import { reportEvent, type ReportEventData, type ReportEventType } from '../report/report.events.js';
import type { IndicatorFieldsWire } from '../report/report.fields.js';
import { documentToContent, parseReportDocument, type ReportDocumentInput } from '../report/report.document.js';
import type { ReportContent } from '../report/report.model.js';

// Small builders for specs: the same actor, instant and report unless a test says otherwise.

export const AT = '2025-03-10T09:00:00.000+08:00';
export const filler: Actor = { userId: 'u-filler', role: 'unit_filler', organisationId: 'org-kaijiang-yb' };
export const REPORT_ID = 'r-2024-kaijiang-001';

export function command<T extends ReportCommandType>(type: T, data: Extract<ReportCommandInput, { type: T }>['data'], actor: Actor = filler, at = AT): ReportCommandInput {
  return { type, data, metadata: { at, actor } } as ReportCommandInput;
}

type EventPayload<T extends ReportEventType> = Omit<ReportEventData<T>, 'at' | 'by'>;

export function event<T extends ReportEventType>(type: T, data: EventPayload<T>, actor: Actor = filler, at = AT) {
  return reportEvent(type, { at, by: actor, ...data } as ReportEventData<T>);
}

export const header = {
  unit: '开江县医疗保障局',
  competentDepartment: '开江县医疗保障局本级',
  implementingUnit: '开江县医疗保障局',
  year: 2024,
  projectCode: '51172323T000009017753',
  projectName: '全县政府性投资建设',
};

export const reportCreated = (profileId = 'default') =>
  event('ReportCreated', { reportId: REPORT_ID, kind: 'project', organisationId: filler.organisationId, profileId, header });

/** An indicator as stored in events (every field present). */
export function indicatorFields(overrides: Partial<IndicatorFieldsWire> = {}): IndicatorFieldsWire {
  return {
    level1: 'output',
    level2: 'quantity',
    name: '监督检查医药机构次数',
    comparator: '≥',
    target: '200',
    unit: '次',
    actual: '206',
    weight: '20',
    selfScore: '20',
    explanation: null,
    qualitativeBand: null,
    ...overrides,
  };
}

export const indicatorAdded = (indicatorId: string, overrides: Partial<IndicatorFieldsWire> = {}, position = 0) =>
  event('IndicatorAdded', { indicatorId, indicator: indicatorFields(overrides), position });

/** A report's content from a document, the way the score CLI reads it. */
export function contentOf(doc: Partial<ReportDocumentInput> & { indicators?: ReportDocumentInput['indicators'] }): ReportContent {
  return documentToContent(parseReportDocument({ kind: 'project', header, ...doc }));
}

/** Indicator rows for documents: seed 003's 全县政府性投资建设 table unless overridden. */
export const docIndicator = (id: string, overrides: Partial<IndicatorFieldsWire> = {}) => ({ id, ...indicatorFields(overrides) });
