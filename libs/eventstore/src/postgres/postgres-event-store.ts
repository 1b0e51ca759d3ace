import {
  EventStore,
  type AppendResult,
  type ChainVerification,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.js';
import { verifyChain } from '../hash-chain.js';
import { PollingSubscription } from './polling-subscription.js';
import { PostgresAppender, type AppendBatchingStats } from './postgres-appender.js';
import { PostgresReader } from './postgres-reader.js';
import { eventStoreSchema } from './schema.sql.js';
import type { SqlClient } from './sql-client.js';

export type { AppendBatchingStats } from './postgres-appender.js';

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

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, not ${value}`);
  return value;
}

/**
 * The PostgreSQL adapter, one code path for a server (pg) and for embedded PGlite.
 *
 * Appending, group-committed, is PostgresAppender's; reading, which must respect positions whose
 * transactions have not committed yet (the gap rule), is PostgresReader's.
 */
export class PostgresEventStore extends EventStore {
  readonly kind: 'postgres' | 'pglite';
  private readonly pollIntervalMs: number;
  private readonly reader: PostgresReader;
  private readonly appender: PostgresAppender;

  private constructor(
    readonly sql: SqlClient,
    options: PostgresEventStoreOptions,
  ) {
    super();
    this.kind = sql.kind;
    this.pollIntervalMs = options.pollIntervalMs ?? 25;
    const statements = options.maxAppendStatementsInFlight;
    const maxAppendStatementsInFlight = positiveInteger('maxAppendStatementsInFlight', statements, sql.kind === 'pglite' ? 1 : 2);
    const maxBatchEvents = positiveInteger('maxBatchEvents', options.maxBatchEvents, 256);
    this.reader = new PostgresReader(sql);
    this.appender = new PostgresAppender(sql, this.reader, { maxAppendStatementsInFlight, maxBatchEvents });
  }

  /** A copy of the dispatcher's counters. */
  get appendStats(): AppendBatchingStats {
    return this.appender.stats;
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

  append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return this.appender.append(streamId, events, expectedRevision);
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.reader.readStream(streamId, options);
  }

  streamRevision(streamId: string): Promise<number | null> {
    return this.reader.streamRevision(streamId);
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.reader.readAll(options);
  }

  headPosition(): Promise<bigint> {
    return this.reader.headPosition();
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
    await this.appender.whenIdle();
    await this.sql.close();
  }
}
