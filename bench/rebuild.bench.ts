import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqlClient, PostgresEventStore } from '#eventstore';
import { appendHistories, reportHistories } from '../libs/read-models/src/testing/report-histories.js';
import { rebuildInProcessOfItsOwn, type RebuildAnswer } from './support/rebuild-process.js';
import { runWhenMain, scratchDatabase, stepper, withCleanup } from './support/resources.js';
import { median, type Benchmark, type BenchResult } from './bench-result.js';

/**
 * Rebuild throughput (events/s) of every read model from the first event: report documents
 * (view, score, checks), report summaries and the audit trail, on PostgreSQL and on PGlite.
 *
 * The store is seeded with realistic report histories (reportHistories: units fill their reports
 * in, then edit them over many short sessions that interleave across 32 reports at a time) through
 * multi-event appends; seeding is not measured. Each run empties the read models and replays the
 * whole store (rebuildReadModels) in a process of its own, as `npm run projections:rebuild` does.
 * The figure is the median rate of the runs.
 *
 * Run on its own: `node dist/bench/rebuild.bench.js [--quick]` prints the results as JSON.
 * REBUILD_BENCH_PG_EVENTS / REBUILD_BENCH_PGLITE_EVENTS override the sizes.
 */

const step = stepper('rebuild bench');

interface Plan {
  events: number;
  runs: number;
}

function plans(quick: boolean): { pg: Plan; pglite: Plan } {
  const sized = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  return quick
    ? { pg: { events: sized('REBUILD_BENCH_PG_EVENTS', 50_000), runs: 3 }, pglite: { events: sized('REBUILD_BENCH_PGLITE_EVENTS', 50_000), runs: 3 } }
    : // A rebuild of a million events takes about a minute on PostgreSQL on a small machine, and
      // between two and three on PGlite, which has no target: one run there.
      { pg: { events: sized('REBUILD_BENCH_PG_EVENTS', 1_000_000), runs: 3 }, pglite: { events: sized('REBUILD_BENCH_PGLITE_EVENTS', 1_000_000), runs: 1 } };
}

interface Measured {
  rates: number[];
  last: RebuildAnswer;
  seedSeconds: number;
}

/**
 * Seeds the store at `url` (not measured), then rebuilds it `plan.runs` times, each in a process
 * of its own (see rebuild-process.ts).
 */
async function measure(url: string, plan: Plan, lanes: number): Promise<Measured> {
  const seeding = performance.now();
  const sql = await openSqlClient(url);
  try {
    await appendHistories(await PostgresEventStore.create(sql), reportHistories({ events: plan.events, seed: 7 }), { lanes });
    // A rebuild runs over a store that has settled, not one bulk-loaded a moment ago: without this,
    // the first read of each fresh row writes its hint bits, autovacuum works through the new
    // table, and the checkpointer flushes the load, all inside the measured time.
    await sql.query('VACUUM (ANALYZE) es_events');
    await sql.query('CHECKPOINT');
  } finally {
    // PGlite: one process at a time opens a data directory.
    await sql.close();
  }
  const seedSeconds = (performance.now() - seeding) / 1000;
  const rates: number[] = [];
  let last: RebuildAnswer | undefined;
  for (let run = 0; run < plan.runs; run++) {
    last = await rebuildInProcessOfItsOwn(url);
    if (last.events !== plan.events) throw new Error(`rebuild bench: replayed ${last.events} events, seeded ${plan.events}`);
    rates.push(last.eventsPerSec);
  }
  return { rates, last: last!, seedSeconds };
}

function notes(plan: Plan, measured: Measured, extra: string): string {
  const tables = measured.last.tables.map((t) => `${t.name} ${t.rows} rows`).join(', ');
  const runs = plan.runs === 1 ? '1 run' : `median of ${plan.runs} runs (${measured.rates.map((r) => r.toFixed(0)).join(', ')})`;
  return [`${plan.events} report events`, runs, tables, `seeded (then VACUUM ANALYZE and CHECKPOINT) in ${measured.seedSeconds.toFixed(1)} s (not measured)`, extra].filter((n) => n.length > 0).join('; ');
}

async function benchPostgres(plan: Plan): Promise<BenchResult> {
  return withCleanup('rebuild bench', async (cleanup) => {
    const measured = await measure(await scratchDatabase(cleanup, 'jxbench_rebuild', step), plan, 8);
    return {
      name: 'rebuild.pg.eventsPerSec',
      value: median(measured.rates),
      unit: 'events/s',
      better: 'higher',
      target: 20_000,
      notes: notes(plan, measured, plan.runs === 1 ? 'a single run: one rebuild of this size is the affordable measurement' : ''),
    };
  });
}

async function benchPglite(plan: Plan): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'jx-bench-rebuild-'));
  try {
    const measured = await measure(`pglite://${dir}`, plan, 1);
    return {
      name: 'rebuild.pglite.eventsPerSec',
      value: median(measured.rates),
      unit: 'events/s',
      better: 'higher',
      notes: notes(plan, measured, plan.runs === 1 ? 'a single run: one rebuild of this size is the affordable measurement' : ''),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const benchRebuild: Benchmark = async ({ quick }) => {
  const { pg: pgPlan, pglite } = plans(quick);
  return [await benchPostgres(pgPlan), await benchPglite(pglite)];
};

runWhenMain(import.meta.url, benchRebuild);
