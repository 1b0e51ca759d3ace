import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresEventStore, openSqlClient } from '#eventstore';
import { createLogger, SystemClock } from '#platform';
import { ProjectionRunner } from '#projections';
import { readModelProjections } from '#read-models';
import { ScoringRuntime } from '../apps/worker/src/scoring/scoring-runtime.js';
import { appendReports } from '../apps/worker/src/scoring/testing/report-fixtures.js';
import { defineProfile, deleteQueueKeys } from '../apps/worker/src/scoring/testing/scoring-harness.js';
import { runWhenMain, scratchDatabase, stepper, withCleanup } from './support/resources.js';
import type { Benchmark, BenchResult } from './bench-result.js';

/**
 * Bulk re-score after a rule profile change, end to end: 10,000 reports of 30 indicators (about
 * 320,000 report events) on PostgreSQL, every one already scored under version 1 and projected;
 * then an administrator defines version 2 of their profile. Measured from that definition until
 * every report has its ReportScored under version 2 (tracker → queue → worker → event store) and
 * the read models (report scores, audit trail, every projection of the application) have folded
 * all of them. Seeding, the first scoring and the first projection are not measured.
 *
 * `--quick` re-scores 1,000 reports under the same name. RESCORE_BENCH_REPORTS overrides the
 * size, RESCORE_BENCH_CONCURRENCY the jobs one worker runs at a time (default 16).
 * Run on its own: `node dist/bench/rescore.bench.js [--quick]`.
 */

const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const INDICATORS = 30;

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export const benchRescore: Benchmark = async ({ quick }) =>
  withCleanup('rescore', async (cleanup) => {
    const step = stepper('rescore');
    const reports = Number(process.env.RESCORE_BENCH_REPORTS ?? (quick ? 1_000 : 10_000));
    const concurrency = Number(process.env.RESCORE_BENCH_CONCURRENCY ?? 16);
    const url = await scratchDatabase(cleanup, 'jxbench_rescore', step);
    const sql = await openSqlClient(url);
    cleanup.defer('closing the database client', () => sql.close());
    const store = await PostgresEventStore.create(sql);
    const prefix = `jxbench-rescore-${Date.now().toString(36)}`;
    cleanup.defer('removing the bench queue from Redis', () => deleteQueueKeys(redisUrl, prefix));

    const runtime = new ScoringRuntime({
      eventStore: store,
      sql,
      clock: new SystemClock(),
      logger: createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn', 'rescore-bench'),
      settings: { redisUrl, queuePrefix: prefix, lockMs: 30_000, leaseMs: 30_000, debounceMs: 250, concurrency, reconcileIntervalMs: 0, idleMs: 50, batchSize: 1000 },
    });
    cleanup.defer('stopping the scoring runtime', () => runtime.stop());
    const readModels = new ProjectionRunner(store, sql, readModelProjections, { idleMs: 50 });
    cleanup.defer('stopping the read models', () => readModels.stop());

    const specs = Array.from({ length: reports }, (_, i) => ({ reportId: `b-${i}`, organisationId: `org-unit-${i % 200}`, indicators: INDICATORS }));
    const seeding = performance.now();
    await step('seeding the reports', () => appendReports(store, specs, 8));
    const seedSeconds = (performance.now() - seeding) / 1000;

    const progress = async () => (await runtime.progress('default'))[0];
    const firstScoring = performance.now();
    await step('scoring every report under version 1', async () => {
      await runtime.start();
      await until('the first scoring', async () => (await progress())?.done === reports && (await runtime.tables.pendingCount()) === 0, 30 * 60_000);
    });
    const firstSeconds = (performance.now() - firstScoring) / 1000;
    await step('projecting the store', async () => {
      await readModels.catchUp();
      readModels.start();
    });

    const computedBefore = runtime.processor.computations;
    const load = loadavg()[0]!;
    const started = performance.now();
    await step('defining version 2', () => defineProfile(store, 'default', (json) => ({ ...json, execution: { ...json.execution, weight: '20' }, indicators: { ...json.indicators, total: '80' } })));
    let recordedSeconds = 0;
    await step('waiting for the re-score and its projection', async () => {
      await until('every report under version 2', async () => {
        const p = await progress();
        return p?.version === 2 && p.done === reports;
      }, 30 * 60_000);
      recordedSeconds = (performance.now() - started) / 1000;
      const head = await store.headPosition();
      await until('the read models', async () => (await readModels.status()).every((s) => s.position >= head), 30 * 60_000);
    });
    const seconds = (performance.now() - started) / 1000;

    const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM rm_report_scores WHERE (doc->>'profileVersion')::int = 2`);
    if (rows[0]?.n !== reports) throw new Error(`rescore: ${rows[0]?.n} score records under version 2 in the read model, expected ${reports}`);
    const computed = runtime.processor.computations - computedBefore;
    const result: BenchResult = {
      name: 'rescore.10k.seconds',
      value: seconds,
      unit: 's',
      better: 'lower',
      target: 60,
      notes: [
        `${reports} reports of ${INDICATORS} indicators${quick ? ' (--quick: fewer reports, same name)' : ''}`,
        `${computed} computations, ${(reports / seconds).toFixed(0)} reports/s re-scored and projected`,
        `every ReportScored appended after ${recordedSeconds.toFixed(1)} s, the read models caught up ${(seconds - recordedSeconds).toFixed(1)} s later`,
        `worker concurrency ${concurrency}, one process`,
        `load average ${load.toFixed(1)} when the measurement started (the machine is shared)`,
        `seeded ${reports * (INDICATORS + 2)} events in ${seedSeconds.toFixed(1)} s and scored them first in ${firstSeconds.toFixed(1)} s (not measured)`,
      ].join('; '),
    };
    return [result];
  });

runWhenMain(import.meta.url, benchRescore);
