import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/domain-error.js';
import { AT, event, filler, indicatorAdded, reportCreated } from '../testing/report-builders.js';
import { defaultWorkflow } from '../workflow/workflow.definition.js';
import {
  checkedReportEvents,
  createUpcaster,
  parseStoredReportEvent,
  reportEventSchemas,
  reportEventTypes,
  upcastReportEvent,
  upcastStoredReportEvent,
} from './report.events.js';

describe('report events: registry', () => {
  it('gives every event type a stable name and the current version of its payload schema', () => {
    const versionTwo = new Set(['ReportSubmitted', 'ReportReturned']);
    expect(Object.entries(reportEventSchemas).map(([type, entry]) => [type, entry.version])).toEqual(
      [
        'ReportCreated', 'HeaderUpdated', 'BudgetRowSet', 'BudgetAssessmentUpdated', 'IndicatorAdded', 'IndicatorUpdated', 'IndicatorRemoved',
        'IndicatorsReordered', 'EvaluationItemSet', 'EvaluationItemRemoved', 'NarrativeSet', 'SelfTotalSet', 'EvidenceAttached', 'EvidenceDetached',
        'ReportWithdrawn', 'ReportSubmitted', 'ReviewStageEntered', 'ReviewApproved', 'ReportReturned', 'ReviewerScoreSet', 'ReportApproved',
        'ReportPublished', 'ReportReopened',
      ].map((type) => [type, versionTwo.has(type) ? 2 : 1]),
    );
  });

  it('reads back a stored payload of the current version unchanged', () => {
    const stored = indicatorAdded('b03', { actual: '大于50万元', unit: '万元', target: '50' });
    const json = JSON.parse(JSON.stringify(stored.data)) as unknown;
    expect(parseStoredReportEvent({ type: 'IndicatorAdded', schemaVersion: 1, data: json })).toEqual(stored);
  });

  it('refuses a stored payload that no longer matches, naming the field', () => {
    const { data } = event('BudgetRowSet', { source: 'fiscal', row: { initial: '170.00', adjusted: '9.33', executed: '9.33', statedRate: null } });
    try {
      parseStoredReportEvent({ type: 'BudgetRowSet', schemaVersion: 1, data: { ...data, row: { ...data.row, executed: 9.33 } } });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).problems.map((p) => [p.code, p.path])).toEqual([['EVENT_INVALID', 'data.row.executed']]);
    }
  });

  it('refuses unknown types and versions from the future', () => {
    expect(() => upcastReportEvent('ReportArchived', 1, {})).toThrow(expect.objectContaining({ code: 'EVENT_TYPE_UNKNOWN' }) as unknown as Error);
    expect(() => upcastReportEvent('ReportCreated', 2, reportCreated().data)).toThrow(expect.objectContaining({ code: 'EVENT_VERSION_UNSUPPORTED' }) as unknown as Error);
  });
});

describe('report events: upcasting', () => {
  it('reads submissions and returns stored before the workflow existed as going through the built-in chain', () => {
    const score = { profileId: 'default', profileVersion: 1, total: '97.60', grade: '优' };
    const submitted = parseStoredReportEvent({ type: 'ReportSubmitted', schemaVersion: 1, data: { at: AT, by: filler, score } });
    expect(submitted).toEqual({ type: 'ReportSubmitted', data: { at: AT, by: filler, score, workflow: defaultWorkflow } });
    const returned = parseStoredReportEvent({ type: 'ReportReturned', schemaVersion: 1, data: { at: AT, by: filler, stage: null, opinion: '请补充' } });
    expect(returned).toEqual({ type: 'ReportReturned', data: { at: AT, by: filler, stage: null, opinion: '请补充', opinions: [], to: 'draft' } });
  });

  it('is the identity for every current version', () => {
    const data = reportCreated().data;
    for (const type of reportEventTypes) expect(upcastReportEvent(type, reportEventSchemas[type].version, data)).toBe(data);
  });

  it('chains the steps from a stored version to the current one, and refuses a gap', () => {
    const upcast = createUpcaster(
      { Renamed: 3 },
      { Renamed: { 1: (d) => ({ ...(d as object), step1: true }), 2: (d) => ({ ...(d as object), step2: true }) } },
    );
    expect(upcast('Renamed', 1, { v: 1 })).toEqual({ v: 1, step1: true, step2: true });
    expect(upcast('Renamed', 2, { v: 2 })).toEqual({ v: 2, step2: true });
    expect(upcast('Renamed', 3, { v: 3 })).toEqual({ v: 3 });
    const gap = createUpcaster({ Renamed: 3 }, { Renamed: { 2: (d) => d } });
    expect(() => gap('Renamed', 1, {})).toThrow('no upcaster for Renamed from version 1');
  });
});

describe('report events: checked on append, trusted on replay', () => {
  it('stores a payload as its schema reads it, so a replay without validation reads the same', () => {
    // A decider that left out defaulted fields: the schema fills them in before the append.
    const sparse = event('BudgetRowSet', { source: 'fiscal', row: { initial: '170.00' } as never });
    const [checked] = checkedReportEvents([sparse]);
    expect(checked!.data).toEqual({ ...sparse.data, row: { initial: '170.00', adjusted: null, executed: null, statedRate: null } });
    const stored = JSON.parse(JSON.stringify(checked!.data)) as unknown;
    expect(upcastStoredReportEvent({ type: 'BudgetRowSet', schemaVersion: 1, data: stored })).toEqual(parseStoredReportEvent({ type: 'BudgetRowSet', schemaVersion: 1, data: stored }));
  });

  it('refuses to append a payload its schema refuses: a fault of the decider, named by type', () => {
    const wrong = event('BudgetRowSet', { source: 'fiscal', row: { initial: 170 } as never });
    expect(() => checkedReportEvents([wrong])).toThrow('the decider produced an invalid BudgetRowSet');
  });

  it('still upcasts older versions on replay', () => {
    const score = { profileId: 'default', profileVersion: 1, total: '97.60', grade: '优' };
    expect(upcastStoredReportEvent({ type: 'ReportSubmitted', schemaVersion: 1, data: { at: AT, by: filler, score } })).toEqual({
      type: 'ReportSubmitted',
      data: { at: AT, by: filler, score, workflow: defaultWorkflow },
    });
  });
});
