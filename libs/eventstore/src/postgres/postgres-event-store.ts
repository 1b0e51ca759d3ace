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
}

/**
 * The PostgreSQL adapter, one code path for a server (pg) and for embedded PGlite.
 *
 * Positions come from a sequence, and PostgreSQL transactions commit out of sequence order: a
 * reader that sees position 12 may later see 10 appear. Readers therefore hand out events only up
 * to the first gap, and treat a gap as permanent (a rolled-back append) only once every
 * transaction that was running when the gap was seen has ended. An appender locks its stream row
 * (and so gets a transaction id) before drawing a position, so the transaction holding a missing
 * position was always among those running.
 */
export class PostgresEventStore extends EventStore {
  readonly kind: 'postgres' | 'pglite';
  private readonly pollIntervalMs: number;

  private constructor(
    readonly sql: SqlClient,
    options: PostgresEventStoreOptions,
  ) {
    super();
    this.kind = sql.kind;
    this.pollIntervalMs = options.pollIntervalMs ?? 25;
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
    const bodies = events.map((event) => canonicalEventBody(event));
    let rows: Array<{ out_position: string; out_revision: number; out_hash: string; out_previous_hash: string | null }>;
    try {
      ({ rows } = await this.sql.query(
        'SELECT out_position, out_revision::int AS out_revision, out_hash, out_previous_hash FROM es_append($1, $2, $3::text[])',
        [streamId, expectedToSql(expectedRevision), bodies],
      ));
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
      if (expectedRevision === 'any' || expectedRevision === 'stream_exists') return this.append(streamId, events, expectedRevision);
      throw new WrongExpectedRevisionError(streamId, expectedRevision, await this.streamRevision(streamId));
    }
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
    await this.sql.close();
  }
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
