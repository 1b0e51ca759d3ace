import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, RecordedEvent, SqlClient, SqlQueryable } from '#eventstore';
import type { Projection, Row } from './projection.js';
import { ensureProjectionSchema, loadRows, readCheckpoint, resetProjection, saveRows, writeCheckpoint } from './projection-store.js';

export interface ProjectionRunnerOptions {
  /** Events per transaction while catching up. */
  batchSize?: number;
  /** Wait between polls when caught up. */
  idleMs?: number;
  /** Wait before retrying after an error, or between attempts to become the active runner. */
  retryMs?: number;
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

/**
 * Feeds events to projections. Each batch is one transaction that writes every changed row and
 * every projection's checkpoint, so a crash loses nothing and applies nothing twice. Only the
 * holder of a projection's advisory lock runs it; other processes wait as standbys.
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly retryMs: number;
  private readonly positions = new Map<string, bigint>();
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
            while (this.running) {
              const applied = await this.step(session);
              if (applied === 0) await sleep(this.idleMs);
            }
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
    await session.query('SELECT pg_advisory_unlock(k::bigint) FROM unnest($1::text[]) k', [keys]).catch(() => undefined);
    return false;
  }

  private async release(session: SqlClient): Promise<void> {
    if (session.kind === 'pglite') return;
    await session.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
  }

  /** Loads checkpoints; a projection whose version changed starts again from the first event. */
  private async prepare(sql: SqlClient): Promise<void> {
    await ensureProjectionSchema(sql, this.projections);
    for (const projection of this.projections) {
      const checkpoint = await readCheckpoint(sql, projection.name);
      if (checkpoint && checkpoint.version !== projection.version) await resetProjection(sql, projection);
      this.positions.set(projection.name, checkpoint && checkpoint.version === projection.version ? checkpoint.position : 0n);
    }
  }

  /** Applies one batch; returns how many events it read. */
  private async step(sql: SqlClient): Promise<number> {
    const from = [...this.positions.values()].reduce((min, p) => (p < min ? p : min));
    const events = await this.eventStore.readAll({ after: from, maxCount: this.batchSize });
    if (events.length === 0) return 0;
    const last = events[events.length - 1]!.position;
    await sql.transaction(async (tx) => {
      for (const projection of this.projections) {
        const after = this.positions.get(projection.name)!;
        await applyBatch(tx, projection, events.filter((e) => e.position > after));
        await writeCheckpoint(tx, projection.name, projection.version, last);
      }
    });
    for (const projection of this.projections) this.positions.set(projection.name, last);
    this.options.onBatch?.({ position: last, events: events.length });
    return events.length;
  }

  /** Runs batches until the store has nothing newer (tests, rebuilds). */
  async catchUp(): Promise<void> {
    await this.lead(async (session) => {
      await this.prepare(session);
      while ((await this.step(session)) > 0);
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
      for (const projection of this.projections) await resetProjection(session, projection);
      await this.prepare(session);
      while ((await this.step(session)) > 0);
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

/** Folds a batch of events into a projection's rows, reading each touched row once. */
export async function applyBatch(tx: SqlQueryable, projection: Projection, events: readonly RecordedEvent[]): Promise<void> {
  const relevant = events.filter((e) => projection.handles.includes(e.type));
  if (relevant.length === 0) return;
  const touched = relevant.map((event) => ({ event, keys: projection.keys(event) }));
  const stored = await loadRows(tx, projection, [...new Set(touched.flatMap((t) => t.keys))]);
  const changed = new Map<string, { doc: Row | null; position: bigint }>();
  for (const { event, keys } of touched) {
    for (const key of keys) {
      const current = changed.has(key) ? changed.get(key)!.doc : (stored.get(key) ?? null);
      changed.set(key, { doc: projection.evolve(current, event, key), position: event.position });
    }
  }
  await saveRows(tx, projection, changed);
}
