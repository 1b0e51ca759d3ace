import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, RecordedEvent, SqlClient, SqlQueryable } from '#eventstore';
import type { Projection, Row } from './projection.js';
import {
  encodeRows,
  ensureProjectionSchema,
  loadRows,
  readCheckpoint,
  resetProjection,
  saveRows,
  writeBatch,
  type EncodedRows,
} from './projection-store.js';
import { RowMemory } from './row-memory.js';

export interface ProjectionRunnerOptions {
  /** Events per transaction while catching up. */
  batchSize?: number;
  /** Wait between polls when caught up. */
  idleMs?: number;
  /** Wait before retrying after an error, or between attempts to become the active runner. */
  retryMs?: number;
  /** Rows kept in memory per projection between batches (see RowMemory). */
  rememberedRows?: number;
  onError?: (error: unknown) => void;
  /** After each batch commits. */
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

/** A batch folded and encoded, waiting for its transaction. */
interface FoldedBatch {
  rows: EncodedRows[];
  last: bigint;
  events: number;
}

/**
 * Feeds events to projections. Each batch is one transaction that writes every changed row and
 * every projection's checkpoint, so a crash loses nothing and applies nothing twice. Only the
 * holder of a projection's advisory lock runs it; other processes wait as standbys.
 *
 * While catching up, the work overlaps: the next batch is read while one folds, and a folded
 * batch commits while the next one folds. Folding needs no row from the table that this runner
 * wrote itself (RowMemory), so it never waits for a commit, except for a row it has forgotten.
 * At most one batch is uncommitted; any error drops everything not committed and starts again
 * from the stored checkpoints.
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly retryMs: number;
  /** Committed positions. */
  private readonly positions = new Map<string, bigint>();
  /** Positions folded so far: ahead of the committed ones by the batch being written. */
  private readonly folded = new Map<string, bigint>();
  private readonly memories = new Map<string, RowMemory>();
  private readAhead: { after: bigint; events: Promise<RecordedEvent[]> } | undefined;
  private writing: Promise<void> | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private active = false;

  constructor(
    private readonly eventStore: EventStore,
    private readonly sql: SqlClient,
    readonly projections: readonly Projection[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.idleMs = options.idleMs ?? 50;
    this.retryMs = options.retryMs ?? 1000;
    for (const projection of projections) this.memories.set(projection.name, new RowMemory(options.rememberedRows ?? 2_000));
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
        await this.lead(async (session) => {
          await this.prepare(session);
          while (this.running) {
            const applied = await this.step(session);
            if (applied === 0) await sleep(this.idleMs);
          }
          await this.flush();
        }, false);
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
    await session.query('SELECT pg_advisory_unlock(k::bigint) FROM unnest($1::text[]) k', [keys]).catch(() => undefined);
    return false;
  }

  private async release(session: SqlClient): Promise<void> {
    if (session.kind === 'pglite') return;
    await session.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
  }

  /**
   * Runs work while leading these projections. `required`: fail when another process leads them;
   * otherwise return without running it. The lead ends only once no write is in flight.
   */
  private async lead(work: (session: SqlClient) => Promise<void>, required: boolean): Promise<void> {
    await this.sql.withSession(async (session) => {
      if (!(await this.tryLead(session))) {
        if (required) throw new Error(`another process is running these projections: ${this.projections.map((p) => p.name).join(', ')}; stop it (or the worker) first`);
        return;
      }
      try {
        await work(session);
      } finally {
        await this.abandon();
        this.active = false;
        await this.release(session);
      }
    });
  }

  /** Loads checkpoints; a projection whose version changed starts again from the first event. */
  private async prepare(sql: SqlClient): Promise<void> {
    await this.abandon();
    await ensureProjectionSchema(sql, this.projections);
    for (const projection of this.projections) {
      const checkpoint = await readCheckpoint(sql, projection.name);
      if (checkpoint && checkpoint.version !== projection.version) await resetProjection(sql, projection);
      const position = checkpoint && checkpoint.version === projection.version ? checkpoint.position : 0n;
      this.positions.set(projection.name, position);
      this.folded.set(projection.name, position);
    }
  }

  /** Waits for a write in flight, whatever its outcome, and forgets everything not committed. */
  private async abandon(): Promise<void> {
    const writing = this.writing;
    this.writing = undefined;
    this.readAhead = undefined;
    if (writing) await writing.catch(() => undefined);
    for (const memory of this.memories.values()) memory.clear();
    for (const [name, position] of this.positions) this.folded.set(name, position);
  }

  /** Waits until the batch in flight has committed; rethrows its error. */
  private async flush(): Promise<void> {
    const writing = this.writing;
    this.writing = undefined;
    if (writing) await writing;
  }

  /** Folds one batch and starts writing it; returns how many events it read (0: caught up, all committed). */
  private async step(session: SqlClient): Promise<number> {
    const events = await this.nextBatch();
    if (events.length === 0) {
      await this.flush();
      return 0;
    }
    const last = events[events.length - 1]!.position;
    // A full batch says there is probably more: read it while this one folds.
    if (events.length === this.batchSize) this.readNext(last);
    const rows: EncodedRows[] = [];
    for (const projection of this.projections) {
      const after = this.folded.get(projection.name)!;
      const relevant = events.filter((e) => e.position > after && projection.handles.includes(e.type));
      const encoded = await this.fold(session, projection, relevant);
      if (encoded) rows.push(encoded);
    }
    for (const projection of this.projections) this.folded.set(projection.name, last);
    await this.flush();
    const writing = this.write(session, { rows, last, events: events.length });
    // Awaited by the next step (or the end of the lead); until then its failure must not go unhandled.
    writing.catch(() => undefined);
    this.writing = writing;
    return events.length;
  }

  private nextBatch(): Promise<RecordedEvent[]> {
    const after = [...this.folded.values()].reduce((min, p) => (p < min ? p : min));
    const ahead = this.readAhead;
    this.readAhead = undefined;
    if (ahead && ahead.after === after) return ahead.events;
    return this.eventStore.readAll({ after, maxCount: this.batchSize });
  }

  private readNext(after: bigint): void {
    const events = this.eventStore.readAll({ after, maxCount: this.batchSize });
    events.catch(() => undefined);
    this.readAhead = { after, events };
  }

  /** Folds a projection's events into its rows and encodes the changed rows. */
  private async fold(session: SqlClient, projection: Projection, events: readonly RecordedEvent[]): Promise<EncodedRows | null> {
    if (events.length === 0) return null;
    const memory = this.memories.get(projection.name)!;
    const touched = events.map((event) => ({ event, keys: projection.keys(event) }));
    const seen = new Set<string>();
    const unknown: string[] = [];
    for (const { event, keys } of touched) {
      for (const key of keys) {
        if (seen.has(key)) continue;
        seen.add(key);
        if (!memory.has(key) && !projection.creates?.(event, key)) unknown.push(key);
      }
    }
    let stored = new Map<string, Row>();
    if (unknown.length > 0) {
      // The table is only up to date once the batch in flight has committed.
      await this.flush();
      stored = await loadRows(session, projection, unknown);
    }
    const changed = foldRows(projection, touched, (key) => (memory.has(key) ? memory.get(key) : (stored.get(key) ?? null)));
    for (const [key, { doc }] of changed) {
      if (!projection.writtenOnce?.(key)) memory.remember(key, doc);
    }
    return encodeRows(projection, changed);
  }

  private async write(session: SqlClient, batch: FoldedBatch): Promise<void> {
    await writeBatch(session, batch.rows, this.projections, batch.last);
    for (const projection of this.projections) this.positions.set(projection.name, batch.last);
    this.options.onBatch?.({ position: batch.last, events: batch.events });
  }

  /** Runs batches until the store has nothing newer (tests, rebuilds). */
  async catchUp(): Promise<void> {
    await this.lead(async (session) => {
      await this.prepare(session);
      while ((await this.step(session)) > 0);
    }, true);
  }

  /**
   * Empties the projections and replays every event into them. The tables are emptied only once
   * this process leads them, so a rebuild never wipes rows under a running runner.
   */
  async rebuild(): Promise<void> {
    await this.lead(async (session) => {
      await ensureProjectionSchema(session, this.projections);
      for (const projection of this.projections) await resetProjection(session, projection);
      await this.prepare(session);
      while ((await this.step(session)) > 0);
    }, true);
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

/** Folds events into the rows they touch; `before` gives a row as it stood before these events. */
function foldRows(
  projection: Projection,
  touched: ReadonlyArray<{ event: RecordedEvent; keys: readonly string[] }>,
  before: (key: string) => Row | null,
): Map<string, { doc: Row | null; position: bigint }> {
  const changed = new Map<string, { doc: Row | null; position: bigint }>();
  for (const { event, keys } of touched) {
    for (const key of keys) {
      const current = changed.has(key) ? changed.get(key)!.doc : before(key);
      changed.set(key, { doc: projection.evolve(current, event, key), position: event.position });
    }
  }
  return changed;
}

/** Folds a batch of events into a projection's rows, reading each touched row once (no memory). */
export async function applyBatch(tx: SqlQueryable, projection: Projection, events: readonly RecordedEvent[]): Promise<void> {
  const relevant = events.filter((e) => projection.handles.includes(e.type));
  if (relevant.length === 0) return;
  const touched = relevant.map((event) => ({ event, keys: projection.keys(event) }));
  const stored = await loadRows(tx, projection, [...new Set(touched.flatMap((t) => t.keys))]);
  await saveRows(tx, projection, foldRows(projection, touched, (key) => stored.get(key) ?? null));
}
