import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openSqlClient, PostgresEventStore, type SqlClient } from '#eventstore';
import { appendHistories, reportHistories } from '../libs/read-models/src/testing/report-histories.js';
import { runWhenMain } from './support/resources.js';
import { median, type Benchmark, type BenchResult } from './bench-result.js';

/**
 * Rebuild throughput (events/s) of every read model from the first event: report documents
 * (view, score, checks), report summaries and the audit trail, on PostgreSQL and on PGlite.
 *
 * The store is seeded with realistic report histories (reportHistories: units fill their reports
 * in, then edit them over many short sessions that interleave across 32 reports at a time) through
 * multi-event appends; seeding is not measured. Each run is the rebuild command itself, as
 * `npm run projections:rebuild` starts it (same Node flags), in a process of its own: it empties
 * the read models and replays the whole store. The figure is the median of the rates it prints.
 *
 * Run on its own: `node dist/bench/rebuild.bench.js [--quick]` prints the results as JSON.
 * REBUILD_BENCH_PG_EVENTS / REBUILD_BENCH_PGLITE_EVENTS override the sizes.
 */

const serverUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

interface Plan {
  events: number;
  runs: number;
}

function plans(quick: boolean): { pg: Plan; pglite: Plan } {
  const sized = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  return quick
    ? { pg: { events: sized('REBUILD_BENCH_PG_EVENTS', 50_000), runs: 3 }, pglite: { events: sized('REBUILD_BENCH_PGLITE_EVENTS', 50_000), runs: 3 } }
    : // One run at a million events: a rebuild of that size takes about a minute on a small machine.
      { pg: { events: sized('REBUILD_BENCH_PG_EVENTS', 1_000_000), runs: 1 }, pglite: { events: sized('REBUILD_BENCH_PGLITE_EVENTS', 200_000), runs: 1 } };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${serverUrl.replace(/\/$/, '')}/postgres` });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** The rebuild command and its Node flags, as `npm run projections:rebuild` runs it. */
const REBUILD_ENTRY = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'apps', 'cli', 'src', 'projections-rebuild.js');
const REBUILD_NODE_FLAGS = ['--max-semi-space-size=64'];

interface RebuildRun {
  events: number;
  eventsPerSec: number;
  tables: string[];
}

/** One `projections:rebuild` against the database; its summary, parsed. */
function rebuildOnce(databaseUrl: string): Promise<RebuildRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [...REBUILD_NODE_FLAGS, REBUILD_ENTRY], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      const summary = /^rebuilt (\d+) events in [\d.]+ s \((\d+) events\/s\)$/m.exec(stdout);
      if (code !== 0 || !summary) return reject(new Error(`rebuild bench: projections-rebuild exited with ${code}: ${stdout}${stderr}`));
      const tables = stdout
        .split('\n')
        .slice(1)
        .map((line) => line.trim())
        .filter((line) => line.length > 0);
      resolveRun({ events: Number(summary[1]), eventsPerSec: Number(summary[2]), tables });
    });
  });
}

interface Measured {
  rates: number[];
  last: RebuildRun;
  seedSeconds: number;
}

/** Seeds the store (not measured), closes it, then rebuilds `plan.runs` times. */
async function measure(sql: SqlClient, databaseUrl: string, plan: Plan, lanes: number): Promise<Measured> {
  const store = await PostgresEventStore.create(sql);
  const seeding = performance.now();
  await appendHistories(store, reportHistories({ events: plan.events, seed: 7 }), { lanes });
  const seedSeconds = (performance.now() - seeding) / 1000;
  // The rebuild process opens the database itself (a PGlite directory admits one process).
  await sql.close();
  const rates: number[] = [];
  let last: RebuildRun | undefined;
  for (let run = 0; run < plan.runs; run++) {
    last = await rebuildOnce(databaseUrl);
    if (last.events !== plan.events) throw new Error(`rebuild bench: replayed ${last.events} events, seeded ${plan.events}`);
    rates.push(last.eventsPerSec);
  }
  return { rates, last: last!, seedSeconds };
}

function notes(plan: Plan, measured: Measured, extra: string): string {
  const tables = measured.last.tables.map((t) => t.replace(/\s+md5 \w+$/, '').replace(/\s+/g, ' ')).join(', ');
  const runs = plan.runs === 1 ? '1 run' : `median of ${plan.runs} runs (${measured.rates.map((r) => r.toFixed(0)).join(', ')})`;
  // Each run is a fresh process: a short one (--quick) pays the JIT's warm-up on a larger share of its events.
  const how = `npm run projections:rebuild in its own process (node ${REBUILD_NODE_FLAGS.join(' ')}), a fresh one per run`;
  return [`${plan.events} report events`, runs, how, tables, `seeded in ${measured.seedSeconds.toFixed(1)} s (not measured)`, extra].filter((n) => n.length > 0).join('; ');
}

async function benchPostgres(plan: Plan): Promise<BenchResult> {
  const name = `jxbench_rebuild_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = `${serverUrl.replace(/\/$/, '')}/${name}`;
  const sql = await openSqlClient(url);
  try {
    const measured = await measure(sql, url, plan, 8);
    return {
      name: 'rebuild.pg.eventsPerSec',
      value: median(measured.rates),
      unit: 'events/s',
      better: 'higher',
      target: 20_000,
      notes: notes(plan, measured, plan.runs === 1 ? 'a single run: one rebuild of this size is the affordable measurement' : ''),
    };
  } finally {
    await sql.close().catch(() => undefined);
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

async function benchPglite(plan: Plan, quick: boolean): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'jx-bench-rebuild-'));
  const url = `pglite://${dir}`;
  const sql = await openSqlClient(url);
  try {
    const measured = await measure(sql, url, plan, 1);
    return {
      name: 'rebuild.pglite.eventsPerSec',
      value: median(measured.rates),
      unit: 'events/s',
      better: 'higher',
      notes: notes(plan, measured, quick ? '' : 'PGlite at 200k events, not 1M: seeding a million events into PGlite alone takes minutes (one statement at a time, in process); the rate per event does not depend on the size'),
    };
  } finally {
    await sql.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

export const benchRebuild: Benchmark = async ({ quick }) => {
  const { pg: pgPlan, pglite } = plans(quick);
  return [await benchPostgres(pgPlan), await benchPglite(pglite, quick)];
};

runWhenMain(import.meta.url, benchRebuild);
