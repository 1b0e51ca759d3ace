import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, RecordedEvent, SqlClient, SqlQueryable } from '#eventstore';
import type { Projection } from './projection.js';
import { foldEvents } from './projection-batch.js';
import { ensureProjectionSchema, loadRows, readCheckpoint, resetProjection, writeCheckpoints, writeRows, type RowWrites } from './projection-store.js';
import { RowCache } from './row-cache.js';

export { applyBatch, foldBatch, foldEvents, type BatchLane, type FoldOptions } from './projection-batch.js';

export interface ProjectionRunnerOptions {
  /** Events per transaction while catching up. */
  batchSize?: number;
  /** Wait between polls when caught up. */
  idleMs?: number;
  /** Wait before retrying after an error, or between attempts to become the active runner. */
  retryMs?: number;
  /** Rows of each projection kept in memory between batches (the most recently used); default 1000. */
  cachedRows?: number;
  /**
   * Folding gives the event loop a turn after this many milliseconds of work (default 2): the
   * batch being written makes progress meanwhile (each of its statements needs a turn), and
   * requests served by the same process wait at most about that long.
   */
  yieldAfterMs?: number;
  onError?: (error: unknown) => void;
  onBatch?: (progress: { position: bigint; events: number }) => void;
}

export interface ProjectionStatus {
  name: string;
  version: number;
  position: bigint;
  head: bigint;
  lag: bigint;
  active: boolean;
}

/** Session-level advisory lock key for a projection: one active runner per projection. */
function lockKey(name: string): string {
  return createHash('sha256').update(`jixiao-projection:${name}`).digest().readBigInt64BE(0).toString();
}

/** A batch folded in memory, waiting to be written. */
interface FoldedBatch {
  sequence: number;
  events: number;
  last: bigint;
  writes: Array<{ projection: Projection; writes: RowWrites }>;
}

const ignore = () => undefined;

/**
 * Feeds events to projections. Each batch is one transaction that writes every changed row and
 * every projection's checkpoint, so a crash loses nothing and applies nothing twice. Only the
 * holder of a projection's advisory lock runs it; other processes wait as standbys.
 *
 * The work is pipelined: the next batch is read while this one is folded, and a batch is folded
 * while the previous one is being written, so the database and this process work at the same
 * time. A batch is written only once the previous one has committed, and any failure drops
 * everything in memory and resumes from the stored checkpoints.
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly retryMs: number;
  /** Committed checkpoints, as this runner last wrote or read them. */
  private readonly positions = new Map<string, bigint>();
  /** How far each projection has been folded in memory (ahead of `positions` while a batch is written). */
  private readonly folded = new Map<string, bigint>();
  private readonly caches = new Map<string, RowCache>();
  private running = false;
  private loop: Promise<void> | undefined;
  private active = false;
  private sequence = 0;
  /** Set once a created row was found in the table after all: from then on, inserts check. */
  private createdRowsMayExist = false;

  constructor(
    private readonly eventStore: EventStore,
    private readonly sql: SqlClient,
    readonly projections: readonly Projection[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.idleMs = options.idleMs ?? 50;
    this.retryMs = options.retryMs ?? 1000;
    for (const projection of projections) this.caches.set(projection.name, new RowCache(options.cachedRows ?? 1000));
  }

  async ensureSchema(): Promise<void> {
    await ensureProjectionSchema(this.sql, this.projections);
  }

  /** Starts the supervised loop: it restarts from the stored checkpoints after any error. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.supervise();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async supervise(): Promise<void> {
    while (this.running) {
      try {
        await this.sql.withSession(async (session) => {
          if (!(await this.tryLead(session))) return;
          try {
            await this.prepare(session);
            await this.drain(session, true);
          } finally {
            this.active = false;
            await this.release(session);
          }
        });
        if (this.running && !this.active) await sleep(this.retryMs);
      } catch (error) {
        this.options.onError?.(error);
        if (this.running) await sleep(this.retryMs);
      }
    }
  }

  private async tryLead(session: SqlClient): Promise<boolean> {
    if (session.kind === 'pglite') return (this.active = true);
    const keys = this.projections.map((p) => lockKey(p.name));
    const { rows } = await session.query<{ ok: boolean }>('SELECT bool_and(pg_try_advisory_lock(k::bigint)) AS ok FROM unnest($1::text[]) k', [keys]);
    if (rows[0]?.ok) return (this.active = true);
    await session.query('SELECT pg_advisory_unlock(k::bigint) FROM unnest($1::text[]) k', [keys]).catch(ignore);
    return false;
  }

  private async release(session: SqlClient): Promise<void> {
    if (session.kind === 'pglite') return;
    await session.query('SELECT pg_advisory_unlock_all()').catch(ignore);
  }

  /**
   * Loads checkpoints and forgets every remembered row (another process may have led meanwhile);
   * a projection whose version changed starts again from the first event.
   */
  private async prepare(sql: SqlClient): Promise<void> {
    await ensureProjectionSchema(sql, this.projections);
    this.forget();
    for (const projection of this.projections) {
      const checkpoint = await readCheckpoint(sql, projection.name);
      if (checkpoint && checkpoint.version !== projection.version) await this.reset(sql, projection);
      const position = checkpoint && checkpoint.version === projection.version ? checkpoint.position : 0n;
      this.positions.set(projection.name, position);
      this.folded.set(projection.name, position);
    }
  }

  /** Empties a projection's table and checkpoint; what this runner then writes is all it holds. */
  private async reset(sql: SqlClient, projection: Projection): Promise<void> {
    await resetProjection(sql, projection);
    this.caches.get(projection.name)!.startEmpty();
  }

  private forget(): void {
    for (const cache of this.caches.values()) cache.clear();
  }

  private lowestFolded(): bigint {
    let lowest: bigint | undefined;
    for (const position of this.folded.values()) if (lowest === undefined || position < lowest) lowest = position;
    return lowest ?? 0n;
  }

  private read(after: bigint): Promise<RecordedEvent[]> {
    const reading = this.eventStore.readAll({ after, maxCount: this.batchSize });
    // Read ahead: a failure is seen when the batch is awaited, not as an unhandled rejection.
    reading.catch(ignore);
    return reading;
  }

  /**
   * Applies batches until the store has nothing newer (`follow` false), or until stopped. Rows
   * missing from memory are read through the pool, not the session, so that reading them does
   * not wait for the batch being written: a row that batch writes is always still in memory.
   * Folding yields to the event loop every few milliseconds: the write of the previous batch
   * needs turns of it to go on (a reply to handle, the next statement to send).
   */
  private async drain(session: SqlClient, follow: boolean): Promise<void> {
    let writing: Promise<void> = Promise.resolve();
    let reading = this.read(this.lowestFolded());
    try {
      while (!follow || this.running) {
        const events = await reading;
        if (events.length === 0) {
          await writing;
          if (!follow) return;
          await sleep(this.idleMs);
          reading = this.read(this.lowestFolded());
          continue;
        }
        reading = this.read(events[events.length - 1]!.position);
        const batch = await this.fold(events, this.options.yieldAfterMs ?? 2);
        await writing;
        writing = this.write(session, batch);
        writing.catch(ignore);
      }
      await writing;
    } catch (error) {
      // A created row already there (unique_violation): the table holds rows past its checkpoint,
      // which only a bug or a hand-made change leaves. Inserts check for conflicts from now on.
      if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505') this.createdRowsMayExist = true;
      // What memory holds may be ahead of what committed: start again from the checkpoints.
      await writing.catch(ignore);
      this.forget();
      for (const [name, position] of this.positions) this.folded.set(name, position);
      throw error;
    }
  }

  private async fold(events: RecordedEvent[], yieldAfterMs: number | undefined): Promise<FoldedBatch> {
    const sequence = ++this.sequence;
    const last = events[events.length - 1]!.position;
    const lanes = this.projections.map((projection) => ({
      projection,
      after: this.folded.get(projection.name)!,
      read: (ids: readonly string[]) => loadRows(this.sql, projection, ids),
      memory: this.caches.get(projection.name)!,
    }));
    const writes = await foldEvents(lanes, events, sequence, yieldAfterMs === undefined ? {} : { yieldAfterMs });
    for (const projection of this.projections) this.folded.set(projection.name, last);
    return { sequence, events: events.length, last, writes: this.projections.map((projection, i) => ({ projection, writes: writes[i]! })) };
  }

  private async write(session: SqlClient, batch: FoldedBatch): Promise<void> {
    const binaryDocuments = session.kind === 'postgres';
    await session.transaction(async (tx: SqlQueryable) => {
      // A read model is derived from the event store: a commit lost to a server crash is lost
      // with its checkpoint, and replayed. So no transaction waits for its WAL to reach disk.
      if (binaryDocuments) await tx.query('SET LOCAL synchronous_commit TO off');
      const options = { binaryDocuments, createdRowsAreNew: !this.createdRowsMayExist };
      for (const { projection, writes } of batch.writes) await writeRows(tx, projection, writes, options);
      await writeCheckpoints(tx, this.projections, batch.last);
    });
    for (const projection of this.projections) this.positions.set(projection.name, batch.last);
    for (const cache of this.caches.values()) cache.trim(batch.sequence);
    this.options.onBatch?.({ position: batch.last, events: batch.events });
  }

  /** Runs batches until the store has nothing newer (tests, rebuilds). */
  async catchUp(): Promise<void> {
    await this.lead(async (session) => {
      await this.prepare(session);
      await this.drain(session, false);
    });
  }

  private async lead(work: (session: SqlClient) => Promise<void>): Promise<void> {
    await this.sql.withSession(async (session) => {
      if (!(await this.tryLead(session))) throw new Error(`another process is running these projections: ${this.projections.map((p) => p.name).join(', ')}; stop it (or the worker) first`);
      try {
        await work(session);
      } finally {
        this.active = false;
        await this.release(session);
      }
    });
  }

  /**
   * Empties the projections and replays every event into them. The tables are emptied only once
   * this process leads them, so a rebuild never wipes rows under a running runner.
   */
  async rebuild(): Promise<void> {
    await this.lead(async (session) => {
      await ensureProjectionSchema(session, this.projections);
      await this.prepare(session);
      for (const projection of this.projections) {
        await this.reset(session, projection);
        this.positions.set(projection.name, 0n);
        this.folded.set(projection.name, 0n);
      }
      await this.drain(session, false);
    });
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.eventStore.headPosition();
    return Promise.all(
      this.projections.map(async (projection) => {
        const position = this.positions.get(projection.name) ?? (await readCheckpoint(this.sql, projection.name))?.position ?? 0n;
        return { name: projection.name, version: projection.version, position, head, lag: head > position ? head - position : 0n, active: this.active };
      }),
    );
  }
}
