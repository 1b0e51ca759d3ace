import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { evolve, fixed2, getRuleProfile, initialState, parseRuleProfile, parseStoredReportEvent, reportStreamId, scoreReport, type ReportScoredData, type ReportState, type RuleProfile } from '#domain';
import type { EventStore } from '#eventstore';
import { getReportScoreRecord } from '#read-models';
import { actualTyped, appendReports, createdReport, indicatorIdOf } from '../../apps/worker/src/scoring/testing/report-fixtures.js';
import { defineProfile, openScoringHarness, waitFor, type ScoringHarness } from '../../apps/worker/src/scoring/testing/scoring-harness.js';
import { createScratchDatabase } from '../support/databases.js';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The score the domain computes for the report as its stream stands now. */
async function expectedTotal(store: EventStore, reportId: string, profile: RuleProfile): Promise<{ total: string; revision: number }> {
  const events = await store.readStream(reportStreamId(reportId));
  let state: ReportState = initialState();
  for (const e of events) state = evolve(state, parseStoredReportEvent({ type: e.type, schemaVersion: e.metadata.schemaVersion, data: e.data }));
  if (state.status === 'none') throw new Error(`no report ${reportId}`);
  return { total: fixed2(scoreReport(state.content, profile).total), revision: events.at(-1)!.revision };
}

const basisKey = (r: ReportScoredData) => `${r.reportRevision}@${r.profileId}.${r.profileVersion}`;

function expectNoDuplicates(records: readonly ReportScoredData[]): void {
  const keys = records.map(basisKey);
  expect(new Set(keys).size).toBe(keys.length);
}

/** Execution 20 and indicators 80 (Hubei-like), so every total visibly changes. */
const heavierExecution = (json: Parameters<Parameters<typeof defineProfile>[2]>[0]) => ({
  ...json,
  execution: { ...json.execution, weight: '20' },
  indicators: { ...json.indicators, total: '80' },
});

describe('score recomputation on the real PostgreSQL and Redis', () => {
  let h: ScoringHarness;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await createScratchDatabase('jx_scoring');
    drop = db.drop;
    h = await openScoringHarness({ databaseUrl: db.url, redisUrl, prefix: `jxtest-scoring-${randomBytes(4).toString('hex')}` });
    await h.runtime.start();
    h.readModels.start();
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await drop?.();
  });

  it('coalesces a burst of edits into a few computations and ends on a record of the latest revision', async () => {
    const reportId = 'burst';
    await h.store.append(reportStreamId(reportId), createdReport({ reportId, indicators: 30 }), 'no_stream');
    await waitFor('the first record', async () => (await h.records(reportId)).length >= 1);
    const before = (await h.records(reportId)).length;

    const edits = 80;
    let revision = (await h.store.streamRevision(reportStreamId(reportId)))!;
    for (let i = 0; i < edits; i++) {
      // Each edit states the revision it was based on, as the filler's If-Match does.
      const result = await h.store.append(reportStreamId(reportId), [actualTyped('org-unit-1', indicatorIdOf((i % 30) + 1), String(101 + i))], revision);
      revision = result.nextExpectedRevision;
    }
    await h.settled();

    const records = await h.records(reportId);
    const final = records.at(-1)!;
    const expected = await expectedTotal(h.store, reportId, getRuleProfile('default'));
    expect(final.reportRevision).toBe(revision);
    expect(final.reportRevision).toBe(expected.revision);
    expect(final.total).toBe(expected.total);
    expect(final.profileVersion).toBe(1);
    expect(final.indicators).toHaveLength(30);
    const computed = records.length - before;
    expect(computed).toBeGreaterThanOrEqual(1);
    expect(computed).toBeLessThanOrEqual(edits / 4);
    // Records follow the report forward, never back, and never twice for one revision.
    const revisions = records.map((r) => r.reportRevision);
    expect([...revisions].sort((a, b) => a - b)).toEqual(revisions);
    expectNoDuplicates(records);

    // The read model shows the latest record.
    await waitFor('the score read model', async () => (await getReportScoreRecord(h.sql, reportId))?.reportRevision === revision);
    expect((await getReportScoreRecord(h.sql, reportId))!.total).toBe(expected.total);

    // The records live in their own stream: the filler's next edit, based on the revision she
    // last saw, is not refused.
    const next = await h.store.append(reportStreamId(reportId), [actualTyped('org-unit-1', 'k01', '199')], revision);
    expect(next.nextExpectedRevision).toBe(revision + 1);
    await h.settled();
    expect((await h.records(reportId)).at(-1)!.reportRevision).toBe(revision + 1);
  });

  it('re-scores every report naming a changed profile exactly once per revision and profile version, with progress', async () => {
    const defaults = Array.from({ length: 60 }, (_, i) => ({ reportId: `d-${i}`, organisationId: `org-unit-${i % 5}`, indicators: 10 }));
    const hubei = Array.from({ length: 15 }, (_, i) => ({ reportId: `h-${i}`, organisationId: `org-unit-${i % 5}`, indicators: 10, profileId: 'hubei-2020' }));
    await appendReports(h.store, [...defaults, ...hubei]);
    await h.settled();
    const hubeiBefore = await Promise.all(hubei.map((r) => h.records(r.reportId)));

    const version = await defineProfile(h.store, 'default', heavierExecution);
    expect(version).toBe(2);
    // A few reports are edited while the re-score runs: they end on their latest revision, under version 2.
    const edited = defaults.slice(0, 5);
    for (const r of edited) await h.store.append(reportStreamId(r.reportId), [actualTyped(r.organisationId, 'k01', '150')], 'stream_exists');
    await h.settled();

    const [progress] = await h.runtime.progress('default');
    expect(progress).toMatchObject({ profileId: 'default', version: 2, pending: 0 });
    expect(progress!.done).toBe(progress!.total);
    expect(progress!.total).toBeGreaterThanOrEqual(defaults.length);

    const profileV2 = parseRuleProfile({ ...heavierExecution(getRuleProfile('default').json), version: 2 });
    for (const r of defaults) {
      const records = await h.records(r.reportId);
      expectNoDuplicates(records);
      const last = records.at(-1)!;
      const expected = await expectedTotal(h.store, r.reportId, profileV2);
      expect({ revision: last.reportRevision, version: last.profileVersion, total: last.total }).toEqual({ revision: expected.revision, version: 2, total: expected.total });
      // Exactly one computation per (revision, version 2).
      expect(records.filter((x) => x.profileVersion === 2 && x.reportRevision === last.reportRevision)).toHaveLength(1);
    }
    // Reports naming another profile are left alone.
    expect(await Promise.all(hubei.map((r) => h.records(r.reportId)))).toEqual(hubeiBefore);

    // Defining the same rules again is no new version and re-scores nothing.
    const count = [...(await h.allRecords()).values()].reduce((n, list) => n + list.length, 0);
    expect(await defineProfile(h.store, 'default', heavierExecution)).toBe(2);
    await h.settled();
    expect([...(await h.allRecords()).values()].reduce((n, list) => n + list.length, 0)).toBe(count);
  });

  it('reconciles again and again without computing anything twice', async () => {
    const before = await h.allRecords();
    for (let i = 0; i < 3; i++) expect((await h.runtime.reconcile()).pending).toBe(0);
    await h.settled();
    expect(await h.allRecords()).toEqual(before);
  });
});
