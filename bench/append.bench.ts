import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Event } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, type PostgresEventStore as EmmettEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import { openEventStore, type EventMetadata, type EventStore, type NewEvent } from '#eventstore';
import { median, type Benchmark, type BenchResult } from './bench-result.js';
import { withCleanup, runWhenMain, Cleanup, describeError, scratchDatabase, stepper } from './support/resources.js';

const step = stepper('append bench');

/**
 * Append throughput (events/s) of our event store against Emmett's PostgreSQL event store.
 *
 * Every append carries one event and an exact expected revision. A workload is a number of
 * writers, each appending in turn to its own handful of streams; after a warm-up, the contenders
 * run alternately (ours, Emmett, ours, Emmett, …), each round a fixed number of appends, and each
 * reports the median rate of its rounds. Every contender has its own scratch database (or PGlite
 * directory), created here and removed at the end.
 *
 * Run on its own: `node dist/bench/append.bench.js [--quick]` prints the results as JSON.
 */

/** The local PostgreSQL server; the bench creates and drops its own databases there. */
const POOL_SIZE = 20;

// ── the event both stores append ────────────────────────────────────────────

const actor = { userId: 'user-0001', role: 'unit_filler', organisationId: 'org-unit-17' } as const;

/**
 * A realistic edit of a report (IndicatorUpdated, as libs/domain records it): about 320 bytes of
 * JSON with a Chinese indicator name and decimal strings.
 */
type IndicatorUpdatedData = {
  at: string;
  by: { userId: string; role: string; organisationId: string };
  indicatorId: string;
  changes: { name: string; comparator: string; target: string; unit: string; actual: string; selfScore: string; explanation: string };
};

function indicatorEdit(seq: number, at: string): IndicatorUpdatedData {
  const cents = 125_000 + ((seq * 7919) % 20_000);
  return {
    at,
    by: actor,
    indicatorId: `ind-${String(seq % 12).padStart(3, '0')}`,
    changes: {
      name: '农村公路养护资金到位金额',
      comparator: '≥',
      target: '1250.00',
      unit: '万元',
      actual: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
      selfScore: '9.50',
      explanation: '资金已足额到位',
    },
  };
}

/** The same event as Emmett models it: its metadata carries the message, correlation and causation ids. */
type IndicatorUpdated = Event<
  'IndicatorUpdated',
  IndicatorUpdatedData,
  { messageId: string; correlationId: string; causationId: string | null }
>;

// ── contenders ───────────────────────────────────────────────────────────────

/** A stream of one contender and the number of events it holds (so the next expected revision). */
interface StreamCursor {
  readonly id: string;
  count: number;
}

/** Appends one event to the stream with the exact expected revision, and advances the cursor. */
type AppendOne = (stream: StreamCursor, seq: number) => Promise<void>;

interface Contender {
  readonly label: string;
  readonly appendOne: AppendOne;
}

function oursAppender(label: string, store: EventStore): AppendOne {
  return async (stream, seq) => {
    const at = new Date().toISOString();
    const metadata: EventMetadata = {
      actor,
      correlationId: randomUUID(),
      causationId: null,
      idempotencyKey: null,
      recordedAt: at,
      schemaVersion: 1,
    };
    const event: NewEvent<IndicatorUpdatedData> = { id: randomUUID(), type: 'IndicatorUpdated', data: indicatorEdit(seq, at), metadata };
    const expected = stream.count === 0 ? 'no_stream' : stream.count - 1;
    let next: number;
    try {
      next = (await store.append(stream.id, [event], expected)).nextExpectedRevision;
    } catch (error) {
      throw new Error(`append bench: ${label}: append to ${stream.id} at expected revision ${expected} failed: ${describeError(error)}`, { cause: error });
    }
    if (next !== stream.count) throw new Error(`append bench: ${label}: append to ${stream.id} returned revision ${next}, expected ${stream.count}`);
    stream.count += 1;
  };
}

function emmettAppender(label: string, store: EmmettEventStore): AppendOne {
  return async (stream, seq) => {
    const at = new Date().toISOString();
    const event: IndicatorUpdated = {
      type: 'IndicatorUpdated',
      data: indicatorEdit(seq, at),
      metadata: { messageId: randomUUID(), correlationId: randomUUID(), causationId: null },
    };
    // Emmett's stream version is the number of events in the stream (0n: no stream yet).
    const expected = BigInt(stream.count);
    let next: bigint;
    try {
      next = (await store.appendToStream<IndicatorUpdated>(stream.id, [event], { expectedStreamVersion: expected })).nextExpectedStreamVersion;
    } catch (error) {
      throw new Error(`append bench: ${label}: append to ${stream.id} at expected version ${expected} failed: ${describeError(error)}`, { cause: error });
    }
    if (next !== expected + 1n) throw new Error(`append bench: ${label}: append to ${stream.id} returned version ${next}, expected ${expected + 1n}`);
    stream.count += 1;
  };
}

// ── workloads ────────────────────────────────────────────────────────────────

interface Workload {
  writers: number;
  streamsPerWriter: number;
  /** Appends per writer in the warm-up (which also creates every stream). */
  warmupPerWriter: number;
  /** Appends per writer in each measured round. */
  appendsPerWriter: number;
  rounds: number;
}

interface Round {
  /** Events per second. */
  rate: number;
  /** CPU time of this process (user + system) per append, in microseconds. */
  clientCpuMicros: number;
}

/** At least two appends per stream: one creates it, the next takes the path every round takes. */
function warmupPerWriter(workload: Workload): number {
  return Math.max(workload.warmupPerWriter, 2 * workload.streamsPerWriter);
}

/** Runs every writer at once, each appending to its streams in turn. */
async function drive(appendOne: AppendOne, writers: StreamCursor[][], appendsPerWriter: number, seqBase: number): Promise<Round> {
  const appends = writers.length * appendsPerWriter;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    writers.map(async (streams) => {
      for (let i = 0; i < appendsPerWriter; i++) await appendOne(streams[i % streams.length]!, seqBase + i);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { rate: appends / seconds, clientCpuMicros: (used.user + used.system) / appends };
}

interface Measured {
  label: string;
  rounds: number[];
  median: number;
  clientCpuMicros: number;
}

/** Warms every contender up, then alternates them round by round; the medians are the figures. */
async function measure(workload: Workload, contenders: readonly Contender[]): Promise<Measured[]> {
  const state = contenders.map((contender) => ({
    contender,
    writers: Array.from({ length: workload.writers }, () =>
      Array.from({ length: workload.streamsPerWriter }, (): StreamCursor => ({ id: `report-${randomUUID()}`, count: 0 })),
    ),
    rounds: [] as Round[],
  }));
  for (const s of state) await drive(s.contender.appendOne, s.writers, warmupPerWriter(workload), 0);
  for (let round = 0; round < workload.rounds; round++) {
    for (const s of state) {
      s.rounds.push(await drive(s.contender.appendOne, s.writers, workload.appendsPerWriter, (round + 1) * 1_000_000));
    }
  }
  return state.map((s) => {
    const rates = s.rounds.map((r) => r.rate);
    return { label: s.contender.label, rounds: rates, median: median(rates), clientCpuMicros: median(s.rounds.map((r) => r.clientCpuMicros)) };
  });
}

function roundsNote(measured: Measured): string {
  return `${measured.label} rounds ${measured.rounds.map((r) => r.toFixed(0)).join(', ')} (client CPU ${measured.clientCpuMicros.toFixed(0)} µs/append)`;
}

function workloadNote(workload: Workload): string {
  const perRound = workload.writers * workload.appendsPerWriter;
  return `${workload.writers} writer${workload.writers === 1 ? '' : 's'} × ${workload.streamsPerWriter} streams each, 1 event per append, exact expected revisions; ${workload.rounds} rounds × ${perRound} appends after ${workload.writers * warmupPerWriter(workload)} warm-up appends`;
}

function result(name: string, workload: Workload, ours: Measured, peer: Measured | undefined, target: number | undefined, extra: string): BenchResult {
  const notes = [workloadNote(workload), roundsNote(ours), ...(peer ? [roundsNote(peer)] : []), extra].filter((n) => n.length > 0).join('; ');
  return {
    name,
    value: ours.median,
    unit: 'events/s',
    better: 'higher',
    ...(peer ? { peer: { name: 'emmett-postgresql', value: peer.median }, ratio: ours.median / peer.median } : {}),
    ...(target === undefined ? {} : { target }),
    notes,
  };
}

// ── resources ────────────────────────────────────────────────────────────────


async function openOurs(cleanup: Cleanup, url: string, label: string): Promise<EventStore> {
  const store = await step(`opening ${label} at ${url}`, () => openEventStore(url, { maxConnections: POOL_SIZE }));
  cleanup.defer(`closing ${label}`, () => store.close());
  return store;
}

/**
 * Emmett's store over a pg.Pool of the same size as ours (left alone, dumbo would open pg's default
 * pool of 10, which would throttle it under 16 writers). Its schema is migrated up front so that no
 * round pays for it.
 */
async function openEmmett(cleanup: Cleanup, url: string): Promise<EmmettEventStore> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  pool.on('error', () => undefined);
  cleanup.defer('closing the pool of emmett-postgresql', () => pool.end());
  const store = getPostgreSQLEventStore(url, { connectionOptions: { connectionString: url, pool } });
  cleanup.defer('closing emmett-postgresql', () => store.close());
  await step(`migrating the schema of emmett-postgresql at ${url}`, () => store.schema.migrate());
  return store;
}

// ── the bench ────────────────────────────────────────────────────────────────

function workloads(quick: boolean): { sequential: Workload; concurrent16: Workload; pgliteSequential: Workload; pgliteConcurrent16: Workload } {
  const rounds = quick ? 3 : 5;
  return {
    sequential: { writers: 1, streamsPerWriter: 5, warmupPerWriter: quick ? 50 : 500, appendsPerWriter: quick ? 250 : 2000, rounds },
    concurrent16: { writers: 16, streamsPerWriter: 4, warmupPerWriter: quick ? 10 : 50, appendsPerWriter: quick ? 40 : 300, rounds },
    pgliteSequential: { writers: 1, streamsPerWriter: 5, warmupPerWriter: quick ? 50 : 500, appendsPerWriter: quick ? 200 : 2000, rounds },
    pgliteConcurrent16: { writers: 16, streamsPerWriter: 4, warmupPerWriter: quick ? 8 : 40, appendsPerWriter: quick ? 15 : 120, rounds },
  };
}

async function run(quick: boolean, cleanup: Cleanup): Promise<BenchResult[]> {
  const w = workloads(quick);
  const results: BenchResult[] = [];

  // PostgreSQL server: ours and Emmett, each in its own scratch database, alternating.
  const ours = await openOurs(cleanup, await scratchDatabase(cleanup, 'jxbench_ours', step), 'our store (postgres)');
  const emmett = await openEmmett(cleanup, await scratchDatabase(cleanup, 'jxbench_emmett', step));
  const pgContenders: Contender[] = [
    { label: 'ours', appendOne: oursAppender('our store (postgres)', ours) },
    { label: 'emmett', appendOne: emmettAppender('emmett-postgresql', emmett) },
  ];
  const pools = `pools: ours ${POOL_SIZE} connections, emmett a pg.Pool of ${POOL_SIZE}`;

  const [seqOurs, seqEmmett] = await step('append.pg.sequential', () => measure(w.sequential, pgContenders));
  results.push(result('append.pg.sequential', w.sequential, seqOurs!, seqEmmett!, 3 * seqEmmett!.median, `target 3 × emmett; ${pools}`));

  const [conOurs, conEmmett] = await step('append.pg.concurrent16', () => measure(w.concurrent16, pgContenders));
  results.push(result('append.pg.concurrent16', w.concurrent16, conOurs!, conEmmett!, 5000, pools));

  // Embedded PGlite: ours only (emmett-postgresql 0.42 talks to a server through pg; no PGlite driver).
  const dir = await mkdtemp(join(tmpdir(), 'jx-bench-pglite-'));
  cleanup.defer(`removing ${dir}`, () => rm(dir, { recursive: true, force: true }));
  const lite = await openOurs(cleanup, `pglite://${dir}`, 'our store (pglite)');
  const liteContenders: Contender[] = [{ label: 'ours', appendOne: oursAppender('our store (pglite)', lite) }];
  const noPeer = 'no peer: emmett-postgresql 0.42 has no PGlite driver; client CPU includes PGlite itself (in process)';

  const [liteSeq] = await step('append.pglite.sequential', () => measure(w.pgliteSequential, liteContenders));
  results.push(result('append.pglite.sequential', w.pgliteSequential, liteSeq!, undefined, undefined, noPeer));

  const [liteCon] = await step('append.pglite.concurrent16', () => measure(w.pgliteConcurrent16, liteContenders));
  results.push(result('append.pglite.concurrent16', w.pgliteConcurrent16, liteCon!, undefined, undefined, `${noPeer}; PGlite runs one statement at a time`));

  return results;
}

export const benchAppend: Benchmark = ({ quick }) => withCleanup('append bench', (cleanup) => run(quick, cleanup));

runWhenMain(import.meta.url, benchAppend);
