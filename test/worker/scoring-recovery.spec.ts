import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Worker, type ConnectionOptions } from 'bullmq';
import {
  evolve,
  getRuleProfile,
  initialState,
  parseStoredReportEvent,
  REPORT_SCORED,
  REPORT_SCORED_VERSION,
  reportScoredData,
  reportStreamId,
  scoreReport,
  scoreStreamId,
  scoringActor,
  type ReportScoredData,
  type ReportState,
} from '#domain';
import { scoreEventId } from '../../apps/worker/src/scoring/score-event-id.js';
import { SCORING_QUEUE } from '../../apps/worker/src/scoring/score-queue.js';
import { actualTyped, appendReports, createdReport } from '../../apps/worker/src/scoring/testing/report-fixtures.js';
import { defineProfile, openScoringHarness, waitFor, type ScoringHarness } from '../../apps/worker/src/scoring/testing/scoring-harness.js';
import { createScratchDatabase } from '../support/databases.js';
import { repoRoot, startNode, type RunningProcess } from '../support/processes.js';
import { startPrivateRedis } from './support/redis-server.js';

const sharedRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SCORING_MAIN = 'dist/apps/worker/src/scoring/scoring-main.js';

const reportsOf = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => ({ reportId: `${prefix}-${i}`, organisationId: `org-unit-${i % 7}`, indicators: 10 }));

const heavierExecution = (json: Parameters<Parameters<typeof defineProfile>[2]>[0]) => ({
  ...json,
  execution: { ...json.execution, weight: '20' },
  indicators: { ...json.indicators, total: '80' },
});

/**
 * Every report ends with exactly one record of its latest revision under `version`, and no
 * (revision, profile version) was ever recorded twice.
 */
async function expectScoredOnce(h: ScoringHarness, reportIds: readonly string[], version: number): Promise<void> {
  const all = await h.allRecords();
  const problems: string[] = [];
  for (const reportId of reportIds) {
    const records: ReportScoredData[] = all.get(reportId) ?? [];
    const keys = records.map((r) => `${r.reportRevision}@${r.profileVersion}`);
    if (new Set(keys).size !== keys.length) problems.push(`${reportId} recorded twice: ${keys.join(', ')}`);
    const revision = (await h.store.streamRevision(reportStreamId(reportId)))!;
    const last = records.at(-1);
    if (!last || last.reportRevision !== revision || last.profileVersion !== version) problems.push(`${reportId} ends on ${last ? `${last.reportRevision}@${last.profileVersion}` : 'nothing'}, not ${revision}@${version}`);
  }
  expect(problems).toEqual([]);
}

async function doneOf(h: ScoringHarness, version: number): Promise<number> {
  const [progress] = await h.runtime.progress('default');
  return progress && progress.version === version ? progress.done : 0;
}

describe('FLUSHALL on a private redis-server loses no recompute', () => {
  const REPORTS = 300;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let h: ScoringHarness;
  let drop: () => Promise<void>;
  const reports = reportsOf('f', REPORTS);

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const db = await createScratchDatabase('jx_scoreflush');
    drop = db.drop;
    h = await openScoringHarness({ databaseUrl: db.url, redisUrl: redis.url, prefix: 'jxflush' });
    await appendReports(h.store, reports);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await redis?.stop();
    await drop?.();
  });

  const queued = async () => {
    const depth = await h.runtime.queue.depth();
    return depth.waiting + depth.delayed + depth.active;
  };

  it(`queues ${REPORTS} wake-ups, loses them to FLUSHALL, and scores every report once after reconciling`, async () => {
    // The tracker alone: it records what is owed and queues the wake-ups, but nothing runs them.
    await h.runtime.tracker.catchUp();
    expect(await queued()).toBe(REPORTS);
    await redis.flushAll();
    expect(await queued()).toBe(0);
    expect(await h.runtime.tables.pendingCount()).toBe(REPORTS);

    await h.runtime.start();
    await h.settled();
    await expectScoredOnce(h, reports.map((r) => r.reportId), 1);
  });

  it('loses nothing when Redis is flushed in the middle of a bulk re-score', async () => {
    await defineProfile(h.store, 'default', heavierExecution);
    await waitFor('the re-score to be under way', async () => (await doneOf(h, 2)) >= 20);
    await redis.flushAll();
    const report = await h.runtime.reconcile();
    expect(report.pending).toBeGreaterThan(0);
    await h.settled();
    await expectScoredOnce(h, reports.map((r) => r.reportId), 2);
  });
});

describe('SIGKILL of the scoring process in the middle of its work loses no recompute and doubles none', () => {
  const REPORTS = 1500;
  let h: ScoringHarness;
  let drop: () => Promise<void>;
  let url: string;
  const prefix = `jxtest-scorekill-${randomBytes(4).toString('hex')}`;
  const reports = reportsOf('k', REPORTS);
  let running: RunningProcess | undefined;

  const start = () =>
    startNode(SCORING_MAIN, {
      DATABASE_URL: url,
      REDIS_URL: sharedRedisUrl,
      QUEUE_PREFIX: prefix,
      // Short locks: a job cut off by the kill is taken up again within seconds.
      QUEUE_LOCK_MS: '2000',
      RECONCILE_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    });

  async function killWhen(what: string, reached: () => Promise<boolean>): Promise<void> {
    const worker = running!;
    await waitFor(what, reached, 60_000);
    worker.child.kill('SIGKILL');
    expect((await worker.exited).signal).toBe('SIGKILL');
    running = undefined;
  }

  beforeAll(async () => {
    if (!existsSync(resolve(repoRoot, SCORING_MAIN))) throw new Error(`${SCORING_MAIN} is missing: build first (npx tsc -p tsconfig.build.json)`);
    const db = await createScratchDatabase('jx_scorekill');
    url = db.url;
    drop = db.drop;
    h = await openScoringHarness({ databaseUrl: url, redisUrl: sharedRedisUrl, prefix });
    await appendReports(h.store, reports);
  }, 180_000);

  afterAll(async () => {
    if (running) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    await h?.close();
    await drop?.();
  });

  it(`scores ${REPORTS} reports once each across a SIGKILL and a restart`, async () => {
    running = start();
    let doneAtKill = 0;
    await killWhen('a fifth of the reports scored', async () => (doneAtKill = await doneOf(h, 1)) >= REPORTS / 5);
    expect(doneAtKill).toBeLessThan(REPORTS);

    running = start();
    await h.settled(120_000);
    await expectScoredOnce(h, reports.map((r) => r.reportId), 1);
  });

  it('re-scores every report once after a profile change, across a SIGKILL in the middle of the re-score', async () => {
    await defineProfile(h.store, 'default', heavierExecution);
    let doneAtKill = 0;
    await killWhen('a fifth of the re-score', async () => (doneAtKill = await doneOf(h, 2)) >= REPORTS / 5);
    expect(doneAtKill).toBeLessThan(REPORTS);

    running = start();
    await h.settled(120_000);
    await expectScoredOnce(h, reports.map((r) => r.reportId), 2);
    // Graceful: Nest closes the application and re-raises the signal (a hard stop would exit 1).
    running.child.kill('SIGTERM');
    const exit = await running.exited;
    expect(exit.signal === 'SIGTERM' || exit.code === 0).toBe(true);
    running = undefined;
  });
});

describe('a job that died between recording a score and releasing its claim', () => {
  let h: ScoringHarness;
  let drop: () => Promise<void>;
  let worker: Worker | undefined;
  const prefix = `jxtest-scorelag-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    const db = await createScratchDatabase('jx_scorelag');
    drop = db.drop;
    h = await openScoringHarness({ databaseUrl: db.url, redisUrl: sharedRedisUrl, prefix });
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await h?.close();
    await drop?.();
  });

  /** What the dead job appended: the record of the report as it stood, under version 1 of its profile. */
  async function recordAsADeadJobWould(reportId: string, toRevision?: number): Promise<number> {
    const events = await h.store.readStream(reportStreamId(reportId), toRevision === undefined ? {} : { toRevision });
    let state: ReportState = initialState();
    for (const e of events) state = evolve(state, parseStoredReportEvent({ type: e.type, schemaVersion: e.metadata.schemaVersion, data: e.data }));
    if (state.status === 'none') throw new Error('no report');
    const reportRevision = events.at(-1)!.revision;
    const at = new Date().toISOString();
    const score = scoreReport(state.content, getRuleProfile('default'));
    await h.store.append(
      scoreStreamId(reportId),
      [
        {
          id: scoreEventId(reportId, { reportRevision, profileId: 'default', profileVersion: 1 }),
          type: REPORT_SCORED,
          data: reportScoredData({ reportId, organisationId: state.organisationId, reportRevision, at, score }),
          metadata: { actor: scoringActor(state.organisationId), correlationId: 'c', causationId: null, idempotencyKey: null, recordedAt: at, schemaVersion: REPORT_SCORED_VERSION },
        },
      ],
      'any',
    );
    return reportRevision;
  }

  it('records nothing twice when the scoring table never heard of the record, whether it is current or not', async () => {
    await h.store.append(reportStreamId('same'), createdReport({ reportId: 'same', indicators: 5 }), 'no_stream');
    const created = await h.store.append(reportStreamId('older'), createdReport({ reportId: 'older', indicators: 5 }), 'no_stream');
    const older = created.nextExpectedRevision;
    await h.store.append(reportStreamId('older'), [actualTyped('org-unit-1', 'k01', '180')], older);
    // The tracker notes both reports as owed and queues them, then stops: its table never sees
    // the records the dead job appended — one of the revision that is still the latest, one of
    // the revision before the filler's last edit.
    await h.runtime.tracker.catchUp();
    const same = await recordAsADeadJobWould('same');
    await recordAsADeadJobWould('older', older);

    // Only the queue worker runs: the table keeps lagging behind the score streams.
    worker = new Worker(SCORING_QUEUE, h.runtime.processor.process, { connection: h.runtime.connection as unknown as ConnectionOptions, prefix, concurrency: 2 });
    await waitFor('both reports settled in the table', async () => (await h.runtime.tables.pendingCount()) === 0);

    expect((await h.records('same')).map((r) => r.reportRevision)).toEqual([same]);
    expect((await h.records('older')).map((r) => r.reportRevision)).toEqual([older, older + 1]);
  });
});
