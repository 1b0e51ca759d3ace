import { setImmediate } from 'node:timers';
import type { AppendResult, ExpectedRevision, NewEvent } from '../event-store.js';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../errors.js';
import { canonicalEventBody } from '../hash-chain.js';
import { EVENT_COLUMNS, sqlDetail, sqlState, toRecorded, type EventRow } from './event-rows.js';
import type { PostgresReader } from './postgres-reader.js';
import type { SqlClient } from './sql-client.js';

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

export interface AppenderLimits {
  readonly maxAppendStatementsInFlight: number;
  readonly maxBatchEvents: number;
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

function expectedToSql(expected: ExpectedRevision): number {
  if (expected === 'any') return -1;
  if (expected === 'no_stream') return -2;
  if (expected === 'stream_exists') return -3;
  if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`invalid expected revision ${expected}`);
  return expected;
}

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

/**
 * The appending side of the PostgreSQL adapter.
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
export class PostgresAppender {
  private readonly maxAppendStatementsInFlight: number;
  private readonly maxBatchEvents: number;
  private readonly appendQueue: PendingAppend[] = [];
  private statementsInFlight = 0;
  private appendsInFlight = 0;
  /** Refused appends of finished batches still being looked into (a retry, or a conflict). */
  private refusalsSettling = 0;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly counters: AppendBatchingStats = { statements: 0, batches: 0, batchedAppends: 0, largestBatch: 0, fallbacks: 0 };

  constructor(
    private readonly sql: SqlClient,
    private readonly reader: PostgresReader,
    limits: AppenderLimits,
  ) {
    this.maxAppendStatementsInFlight = limits.maxAppendStatementsInFlight;
    this.maxBatchEvents = limits.maxBatchEvents;
  }

  /** A copy of the dispatcher's counters. */
  get stats(): AppendBatchingStats {
    return { ...this.counters };
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

  /** Resolves once every append already accepted has been sent and answered. */
  async whenIdle(): Promise<void> {
    while (!this.appendsIdle) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Sends queued appends, one statement per free slot. */
  private dispatchAppends(): void {
    while (this.statementsInFlight < this.maxAppendStatementsInFlight && this.appendQueue.length > 0) {
      const batch = this.takeBatch();
      this.statementsInFlight++;
      this.appendsInFlight += batch.length;
      this.counters.statements++;
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
    this.counters.batches++;
    this.counters.batchedAppends += batch.length;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
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
      this.counters.fallbacks++;
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
      throw new WrongExpectedRevisionError(streamId, expectedRevision, await this.reader.streamRevision(streamId));
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
}
