import { setImmediate } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  EventStore,
  type AppendResult,
  type ChainVerification,
  type EventMetadata,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.js';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../errors.js';
import { canonicalEventBody, verifyChain } from '../hash-chain.js';
import { eventStoreSchema } from './schema.sql.js';
import type { SqlClient } from './sql-client.js';

interface EventRow {
  position: string;
  stream_id: string;
  revision: string | number;
  event_id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  hash: string;
  previous_hash: string | null;
}

const EVENT_COLUMNS = `position::text AS position, stream_id, revision::int AS revision, event_id::text AS event_id, type, data, metadata, hash, previous_hash`;

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: BigInt(row.position),
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    hash: row.hash,
    previousHash: row.previous_hash,
  };
}

function expectedToSql(expected: ExpectedRevision): number {
  if (expected === 'any') return -1;
  if (expected === 'no_stream') return -2;
  if (expected === 'stream_exists') return -3;
  if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`invalid expected revision ${expected}`);
  return expected;
}

function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

function sqlDetail(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'detail' in error ? String((error as { detail: unknown }).detail) : undefined;
}

function parseXidList(value: string[] | string | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  // pg returns xid8[] as a literal like {123,456} when it has no parser for the type.
  return value.replace(/[{}]/g, '').split(',').filter((x) => x.length > 0);
}

export interface PostgresEventStoreOptions {
  /** Idle wait between polls of a live subscription. */
  pollIntervalMs?: number;
  /**
   * Group commit: at most this many append statements run at once. Appends that arrive while that
   * many are running wait, and leave together as one statement (one transaction, one commit) as
   * soon as one finishes. An append that finds a free slot goes at once: nothing waits on a timer.
   * Default 2 on a server, 1 on PGlite (which runs one statement at a time anyway).
   */
  maxAppendStatementsInFlight?: number;
  /** The most events one batch carries (an append larger than this still goes, on its own). Default 256. */
  maxBatchEvents?: number;
}

/** Counters of the append dispatcher, for tests and diagnostics. */
export interface AppendBatchingStats {
  /** Append statements sent: single appends plus batches. */
  statements: number;
  /** Statements that carried more than one append. */
  batches: number;
  /** Appends that went out in those batches. */
  batchedAppends: number;
  /** The most appends one batch carried. */
  largestBatch: number;
  /** Batches that failed as a whole on a data or concurrency error and were re-run one append at a time. */
  fallbacks: number;
}

interface PendingAppend {
  readonly streamId: string;
  readonly events: NewEvent[];
  readonly bodies: string[];
  readonly expectedRevision: ExpectedRevision;
  /** expectedRevision as es_append codes it. */
  readonly expected: number;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

interface AppendedRow {
  out_position: string;
  out_revision: number;
  out_hash: string;
  out_previous_hash: string | null;
}

interface BatchRow extends AppendedRow {
  out_index: number;
  out_status: 'ok' | 'conflict' | 'duplicate';
  out_actual: string | number | bigint | null;
}

const APPEND_SQL = 'SELECT out_position, out_revision::int AS out_revision, out_hash, out_previous_hash FROM es_append($1, $2, $3::text[])';

/**
 * The arrays travel as JSON text: JSON.stringify is native, where pg's text[] literal escapes
 * every quote of every body in JavaScript (it made a batch's client CPU markedly higher).
 * json_array_elements_text gives each string back exactly as it was.
 */
const APPEND_BATCH_SQL = `SELECT out_index, out_status, out_actual, out_position, out_revision::int AS out_revision, out_hash, out_previous_hash
  FROM es_append_batch(
    ARRAY(SELECT x FROM json_array_elements_text($1::json) WITH ORDINALITY t(x, o) ORDER BY o),
    ARRAY(SELECT x::bigint FROM json_array_elements_text($2::json) WITH ORDINALITY t(x, o) ORDER BY o),
    ARRAY(SELECT x::int FROM json_array_elements_text($3::json) WITH ORDINALITY t(x, o) ORDER BY o),
    ARRAY(SELECT x FROM json_array_elements_text($4::json) WITH ORDINALITY t(x, o) ORDER BY o))`;

/**
 * SQLSTATE classes after which a failed batch is re-run one append at a time: data exceptions
 * (22: e.g. an event id that is no UUID), integrity violations (23: an event id already stored,
 * reused by an append that is no retry) and transaction rollbacks (40: e.g. a deadlock with a
 * transaction that appends to several streams through es_append).
 * The server answered, so the statement and its implicit transaction rolled back and nothing of
 * the batch is stored; re-running each append alone gives every caller its own outcome. Any other
 * failure (connection lost, server shutting down…) goes to every caller of the batch.
 */
function batchFailedOnItsData(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && /^(22|23|40)[0-9A-Z]{3}$/.test(state);
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, not ${value}`);
  return value;
}

/**
 * The PostgreSQL adapter, one code path for a server (pg) and for embedded PGlite.
 *
 * Positions come from a sequence, and PostgreSQL transactions commit out of sequence order: a
 * reader that sees position 12 may later see 10 appear. Readers therefore hand out events only up
 * to the first gap, and treat a gap as permanent (a rolled-back append) only once every
 * transaction that was running when the gap was seen has ended. An appender takes a transaction
 * id before drawing a position (es_append and es_append_batch both start with it), so the
 * transaction holding a missing position was always among those running.
 *
 * Appends are group-committed in the client, without timers: at most
 * `maxAppendStatementsInFlight` append statements run at once; appends arriving meanwhile queue,
 * and leave together as one `es_append_batch` statement (one transaction, one commit, one WAL
 * flush) when a slot frees. The function processes the appends in order and answers each with its
 * own outcome (stored rows, or a conflict or duplicate that writes nothing), so one refused append
 * does not fail the others; every caller gets its own result or error. A lone append finds a free
 * slot and goes at once, through `es_append`. Durability is unchanged: a caller hears back only
 * after the transaction holding its events has committed.
 */
export class PostgresEventStore extends EventStore {
  readonly kind: 'postgres' | 'pglite';
  private readonly pollIntervalMs: number;
  private readonly maxAppendStatementsInFlight: number;
  private readonly maxBatchEvents: number;
  private readonly appendQueue: PendingAppend[] = [];
  private statementsInFlight = 0;
  private appendsInFlight = 0;
  /** Refused appends of finished batches still being looked into (a retry, or a conflict). */
  private refusalsSettling = 0;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly stats: AppendBatchingStats = { statements: 0, batches: 0, batchedAppends: 0, largestBatch: 0, fallbacks: 0 };

  private constructor(
    readonly sql: SqlClient,
    options: PostgresEventStoreOptions,
  ) {
    super();
    this.kind = sql.kind;
    this.pollIntervalMs = options.pollIntervalMs ?? 25;
    const statements = options.maxAppendStatementsInFlight;
    this.maxAppendStatementsInFlight = positiveInteger('maxAppendStatementsInFlight', statements, sql.kind === 'pglite' ? 1 : 2);
    this.maxBatchEvents = positiveInteger('maxBatchEvents', options.maxBatchEvents, 256);
  }

  /** A copy of the dispatcher's counters. */
  get appendStats(): AppendBatchingStats {
    return { ...this.stats };
  }

  static async create(sql: SqlClient, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    // Two processes starting at once must not race on CREATE OR REPLACE FUNCTION.
    await sql.withSession(async (session) => {
      await session.query('SELECT pg_advisory_lock(746511)');
      try {
        await session.exec(eventStoreSchema);
      } finally {
        await session.query('SELECT pg_advisory_unlock(746511)');
      }
    });
    return new PostgresEventStore(sql, options);
  }

  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('append needs at least one event');
    const expected = expectedToSql(expectedRevision);
    const bodies = events.map((event) => canonicalEventBody(event));
    return new Promise<AppendResult>((resolve, reject) => {
      this.appendQueue.push({ streamId, events, bodies, expectedRevision, expected, resolve, reject });
      this.dispatchAppends();
    });
  }

  /** Sends queued appends, one statement per free slot. */
  private dispatchAppends(): void {
    while (this.statementsInFlight < this.maxAppendStatementsInFlight && this.appendQueue.length > 0) {
      const batch = this.takeBatch();
      this.statementsInFlight++;
      this.appendsInFlight += batch.length;
      this.stats.statements++;
      const run = batch.length === 1 ? this.runAlone(batch[0]!) : this.runBatch(batch);
      // Neither rejects: every outcome has been handed to its caller when they settle.
      void run.finally(() => {
        // The callers of a batch (or of a backlog) usually append again at once, in the promise
        // jobs their results just queued. Freeing the slot one turn of the event loop later lets
        // them queue up first and leave together, instead of the first one leaving alone. It is
        // a yield, not a timer; and a lone append (one writer) frees its slot at once.
        if (batch.length > 1 || this.appendQueue.length > 0) setImmediate(() => this.releaseSlot(batch.length));
        else this.releaseSlot(batch.length);
      });
    }
  }

  private releaseSlot(appends: number): void {
    this.statementsInFlight--;
    this.appendsInFlight -= appends;
    this.dispatchAppends();
    this.wakeIfIdle();
  }

  private get appendsIdle(): boolean {
    return this.statementsInFlight === 0 && this.appendQueue.length === 0 && this.refusalsSettling === 0;
  }

  private wakeIfIdle(): void {
    if (this.appendsIdle) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /**
   * The oldest queued appends, in order (at least one): a fair share of all the appends queued or
   * in flight, so that statements in flight carry similar loads and overlap well (a cohort of
   * callers that returns together would otherwise keep its size forever), and at most
   * maxBatchEvents events. The rest leaves when the next slot frees.
   */
  private takeBatch(): PendingAppend[] {
    const share = Math.ceil((this.appendQueue.length + this.appendsInFlight) / this.maxAppendStatementsInFlight);
    let events = this.appendQueue[0]!.events.length;
    let count = 1;
    while (count < this.appendQueue.length && count < share && events + this.appendQueue[count]!.events.length <= this.maxBatchEvents) {
      events += this.appendQueue[count]!.events.length;
      count++;
    }
    return this.appendQueue.splice(0, count);
  }

  private async runAlone(append: PendingAppend): Promise<void> {
    try {
      append.resolve(await this.appendAlone(append.streamId, append.events, append.bodies, append.expectedRevision, append.expected));
    } catch (error) {
      append.reject(error);
    }
  }

  private async runBatch(batch: PendingAppend[]): Promise<void> {
    this.stats.batches++;
    this.stats.batchedAppends += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    let rows: BatchRow[];
    try {
      ({ rows } = await this.sql.query<BatchRow>(
        APPEND_BATCH_SQL,
        [
          JSON.stringify(batch.map((a) => a.streamId)),
          JSON.stringify(batch.map((a) => a.expected)),
          JSON.stringify(batch.map((a) => a.events.length)),
          JSON.stringify(batch.flatMap((a) => a.bodies)),
        ],
        { prepareAs: 'jx_es_append_batch_1' },
      ));
    } catch (error) {
      if (!batchFailedOnItsData(error)) {
        for (const append of batch) append.reject(error);
        return;
      }
      // Nothing of the batch was stored: each append alone, in order, gets its own outcome.
      this.stats.fallbacks++;
      for (const append of batch) await this.runAlone(append);
      return;
    }
    const outcomes: BatchRow[][] = batch.map(() => []);
    for (const row of rows) outcomes[Number(row.out_index) - 1]?.push(row);
    batch.forEach((append, index) => {
      const mine = outcomes[index]!;
      const first = mine[0];
      try {
        if (first === undefined) throw new Error(`es_append_batch gave no outcome for append ${index + 1} of ${batch.length}`);
        if (first.out_status === 'ok') append.resolve(appendResult(append.streamId, append.events, mine));
        else {
          // Off the normal path, and outside the slot: a retry, or a conflict.
          this.refusalsSettling++;
          this.settleRefused(append, first.out_status, Number(first.out_actual))
            .then(append.resolve, append.reject)
            .finally(() => {
              this.refusalsSettling--;
              this.wakeIfIdle();
            });
        }
      } catch (error) {
        append.reject(error);
      }
    });
  }

  /** An append the batch refused and left unwritten: a retry of a stored append, or a conflict. */
  private async settleRefused(append: PendingAppend, status: 'conflict' | 'duplicate', actual: number): Promise<AppendResult> {
    const stored = await this.storedAppend(append.streamId, append.events);
    if (stored) return stored;
    if (status === 'conflict') throw new WrongExpectedRevisionError(append.streamId, append.expectedRevision, actual < 0 ? null : actual);
    // Its ids were stored when the batch ran but are gone now (deleted behind the store's back).
    return this.appendAlone(append.streamId, append.events, append.bodies, append.expectedRevision, append.expected);
  }

  private async appendAlone(
    streamId: string,
    events: NewEvent[],
    bodies: string[],
    expectedRevision: ExpectedRevision,
    expected: number,
  ): Promise<AppendResult> {
    let rows: AppendedRow[];
    try {
      ({ rows } = await this.sql.query<AppendedRow>(APPEND_SQL, [streamId, expected, bodies], { prepareAs: 'jx_es_append_1' }));
    } catch (error) {
      const state = sqlState(error);
      if (state !== 'JX409' && state !== '23505') throw error;
      // A retry of an append that already happened is answered with what it stored. Checked only
      // here, off the normal path: a retry always fails the revision check or the unique keys.
      const stored = await this.storedAppend(streamId, events);
      if (stored) return stored;
      if (state === 'JX409') {
        const actual = Number(sqlDetail(error));
        throw new WrongExpectedRevisionError(streamId, expectedRevision, actual < 0 ? null : actual);
      }
      if (expectedRevision === 'any' || expectedRevision === 'stream_exists') return this.appendAlone(streamId, events, bodies, expectedRevision, expected);
      throw new WrongExpectedRevisionError(streamId, expectedRevision, await this.streamRevision(streamId));
    }
    return appendResult(streamId, events, rows);
  }

  private async storedAppend(streamId: string, events: NewEvent[]): Promise<AppendResult | null> {
    const { rows } = await this.sql.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM es_events WHERE event_id = ANY($1::uuid[]) ORDER BY es_events.position`, [
      events.map((e) => e.id),
    ]);
    if (rows.length === 0) return null;
    if (rows.length !== events.length || rows.some((row) => row.stream_id !== streamId)) throw new DuplicateEventIdError(rows[0]!.event_id);
    const recorded = rows.map(toRecorded);
    const last = recorded[recorded.length - 1]!;
    return { nextExpectedRevision: last.revision, position: last.position, events: recorded };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.sql.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events
        WHERE stream_id = $1 AND revision >= $2 AND revision <= $3
        ORDER BY es_events.revision LIMIT $4`,
      [streamId, options.fromRevision ?? 0, options.toRevision ?? Number.MAX_SAFE_INTEGER, options.maxCount ?? Number.MAX_SAFE_INTEGER],
    );
    return rows.map(toRecorded);
  }

  async streamRevision(streamId: string): Promise<number | null> {
    const { rows } = await this.sql.query<{ revision: number }>(
      'SELECT revision::int AS revision FROM es_events WHERE stream_id = $1 ORDER BY revision DESC LIMIT 1',
      [streamId],
    );
    return rows[0]?.revision ?? null;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0n;
    const maxCount = options.maxCount ?? 1000;
    const first = await this.readContiguous(after, maxCount, after);
    if (first.gap === null || first.events.length > 0) return first.events;
    // Nothing deliverable: positions right after `after` are missing. If the transactions that were
    // running when they were seen have all ended, whatever is still missing below the first
    // visible position was rolled back and will never appear. If not, there is nothing to hand
    // out yet; the caller polls again.
    if (await this.anyStillRunning(first.gap.runningXids)) return [];
    return (await this.readContiguous(after, maxCount, first.gap.nextVisible)).events;
  }

  /**
   * Reads events after `after` in position order, stopping before the first gap at or beyond
   * `settledBelow` (gaps below it are known to be permanent).
   */
  private async readContiguous(
    after: bigint,
    maxCount: number,
    settledBelow: bigint,
  ): Promise<{ events: RecordedEvent[]; gap: { runningXids: string[]; nextVisible: bigint } | null }> {
    const { rows } = await this.sql.query<EventRow & { snapshot_xip: string[] | string | null }>(
      `WITH snap AS (SELECT pg_current_snapshot() AS s)
       SELECT ${EVENT_COLUMNS}, ARRAY(SELECT x::text FROM pg_snapshot_xip((SELECT s FROM snap)) x) AS snapshot_xip
         FROM es_events WHERE es_events.position > $1 ORDER BY es_events.position LIMIT $2`,
      [after.toString(), maxCount],
    );
    const events: RecordedEvent[] = [];
    let expected = after + 1n;
    for (const row of rows) {
      const position = BigInt(row.position);
      if (position !== expected && position > settledBelow) {
        return { events, gap: { runningXids: parseXidList(row.snapshot_xip), nextVisible: position } };
      }
      events.push(toRecorded(row));
      expected = position + 1n;
    }
    return { events, gap: null };
  }

  private async anyStillRunning(xids: string[]): Promise<boolean> {
    if (xids.length === 0) return false;
    const { rows } = await this.sql.query<{ running: number }>(
      `SELECT count(*)::int AS running FROM unnest($1::text[]) x WHERE pg_xact_status(x::xid8) = 'in progress'`,
      [xids],
    );
    return rows[0]!.running > 0;
  }

  async headPosition(): Promise<bigint> {
    const { rows } = await this.sql.query<{ head: string | null }>('SELECT max(position)::text AS head FROM es_events');
    return BigInt(rows[0]?.head ?? '0');
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return new PollingSubscription(this, options, this.pollIntervalMs);
  }

  async verifyStream(streamId: string): Promise<ChainVerification> {
    return verifyChain(streamId, await this.readStream(streamId));
  }

  async ping(): Promise<void> {
    await this.sql.query('SELECT 1 FROM es_events LIMIT 1');
  }

  async close(): Promise<void> {
    // Appends already accepted are sent and answered before the connections go.
    while (!this.appendsIdle) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.sql.close();
  }
}

function appendResult(streamId: string, events: NewEvent[], rows: AppendedRow[]): AppendResult {
  if (rows.length !== events.length) throw new Error(`stream ${streamId}: the store answered ${rows.length} rows for ${events.length} events`);
  const recorded = rows.map((row, index) => ({
    id: events[index]!.id,
    streamId,
    revision: Number(row.out_revision),
    position: BigInt(row.out_position),
    type: events[index]!.type,
    data: events[index]!.data,
    metadata: events[index]!.metadata,
    hash: row.out_hash,
    previousHash: row.out_previous_hash,
  }));
  const last = recorded[recorded.length - 1]!;
  return { nextExpectedRevision: last.revision, position: last.position, events: recorded };
}

class PollingSubscription implements Subscription {
  private closed = false;
  private checkpoint: bigint;
  private readonly loop: Promise<void>;
  private markCaughtUp!: () => void;
  readonly caughtUp: Promise<void>;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly options: SubscribeOptions,
    private readonly pollIntervalMs: number,
  ) {
    this.checkpoint = options.after;
    this.caughtUp = new Promise((resolve) => (this.markCaughtUp = resolve));
    this.loop = this.run();
  }

  get position(): bigint {
    return this.checkpoint;
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    try {
      while (!this.closed) {
        const events = await this.store.readAll({ after: this.checkpoint, maxCount: batchSize });
        for (const event of events) {
          if (this.closed) return;
          await this.options.onEvent(event);
          this.checkpoint = event.position;
        }
        if (events.length < batchSize) {
          this.markCaughtUp();
          await sleep(this.pollIntervalMs);
        }
      }
    } catch (error) {
      this.closed = true;
      this.markCaughtUp();
      this.options.onError?.(error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.loop;
  }
}
