import { describe, expect, it } from '@jest/globals';
import { contentOf, indicatorFields } from '../../testing/report-builders.js';
import { getRuleProfile } from '../profiles/index.js';
import { scoreReport } from '../score-report.js';
import { parseStoredReportScored, REPORT_SCORED, REPORT_SCORED_VERSION, reportScoredData, scoreRecordName, scoreStreamId, reportIdOfScoreStream, supersedes } from './report-scored.event.js';

const report = contentOf({
  budget: { total: { initial: '5184', adjusted: '5184', executed: '5016' } },
  indicators: [
    { id: 'a', ...indicatorFields({ target: '150', actual: '135', weight: '5' }) },
    { id: 'b', ...indicatorFields({ target: '500', actual: '474', weight: '5' }) },
    { id: 'c', ...indicatorFields({ comparator: '定性', target: '好', actual: '好', unit: null, weight: '5', qualitativeBand: null }) },
  ],
} as never);

describe('ReportScored records', () => {
  it('carries the revision, the profile version, the totals and every item as decimal strings', () => {
    const data = reportScoredData({ reportId: 'r-1', organisationId: 'org-unit', reportRevision: 7, at: '2026-03-02T01:00:00.000Z', score: scoreReport(report, getRuleProfile('default')) });
    expect(data).toMatchObject({
      reportId: 'r-1',
      organisationId: 'org-unit',
      reportRevision: 7,
      profileId: 'default',
      profileVersion: 1,
      by: { userId: 'system', role: 'system', organisationId: 'org-unit' },
      execution: { rule: 'execution.capped-rate', weight: '10', rate: '96.76', score: '9.68' },
      complete: false,
      grade: null,
    });
    expect(data.indicators).toEqual([
      { indicatorId: 'a', weight: '5', score: '4.50', rule: 'ge.ratio' },
      { indicatorId: 'b', weight: '5', score: '4.74', rule: 'ge.ratio' },
      { indicatorId: 'c', weight: '5', score: null, rule: expect.any(String) },
    ]);
    expect(data.total).toBe('18.92');
    // Stored as JSON and read back, it is the same record.
    expect(parseStoredReportScored({ type: REPORT_SCORED, schemaVersion: REPORT_SCORED_VERSION, data: JSON.parse(JSON.stringify(data)) })).toEqual(data);
    expect(() => parseStoredReportScored({ type: REPORT_SCORED, schemaVersion: REPORT_SCORED_VERSION, data: { ...data, total: 18.92 } })).toThrow(/total/);
  });

  it('lives in a stream of its own per report', () => {
    expect(scoreStreamId('r-1')).toBe('score-r-1');
    expect(reportIdOfScoreStream('score-r-1')).toBe('r-1');
    expect(reportIdOfScoreStream('report-r-1')).toBeNull();
  });

  it('names each computation by report, revision and profile version', () => {
    const basis = { reportRevision: 3, profileId: 'default', profileVersion: 2 };
    expect(scoreRecordName('r-1', basis)).toBe(scoreRecordName('r-1', { ...basis }));
    expect(new Set([scoreRecordName('r-1', basis), scoreRecordName('r-2', basis), scoreRecordName('r-1', { ...basis, reportRevision: 4 }), scoreRecordName('r-1', { ...basis, profileVersion: 3 })]).size).toBe(4);
  });

  it('lets a later revision, or the same revision under a later profile version, supersede a record', () => {
    const recorded = { reportRevision: 5, profileId: 'default', profileVersion: 2 };
    expect(supersedes(recorded, null)).toBe(true);
    expect(supersedes({ ...recorded, reportRevision: 6 }, recorded)).toBe(true);
    expect(supersedes({ ...recorded, reportRevision: 6, profileVersion: 1 }, recorded)).toBe(true);
    expect(supersedes({ ...recorded, profileVersion: 3 }, recorded)).toBe(true);
    expect(supersedes(recorded, recorded)).toBe(false);
    expect(supersedes({ ...recorded, profileVersion: 1 }, recorded)).toBe(false);
    expect(supersedes({ ...recorded, reportRevision: 4, profileVersion: 9 }, recorded)).toBe(false);
  });
});
