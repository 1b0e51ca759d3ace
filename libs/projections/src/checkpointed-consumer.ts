import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { EventStore, RecordedEvent, SqlClient, SqlQueryable } from '#eventstore';

/** Where a consumer keeps how far it has read; the save joins the batch's own transaction. */
export interface CheckpointStore {
  checkpoint(name: string): Promise<bigint>;
  saveCheckpoint(tx: SqlQueryable, name: string, position: bigint): Promise<void>;
}

export interface CheckpointedConsumerOptions {
  /** Events per batch. */
  batchSize?: number;
  /** Wait between polls when caught up. */
  idleMs?: number;
  /** Wait before retrying after an error, or between attempts to become the leader. */
  retryMs?: number;
}

export interface CheckpointedConsumerStatus {
  position: bigint;
  head: bigint;
  lag: bigint;
  active: boolean;
  lastError: { at: string; message: string } | null;
}

/**
 * Runs a batch's writes in one transaction with the checkpoint moving past the batch, and
 * returns what the writes returned. Once it resolves, the batch is done for good.
 */
export type CommitBatch = <T>(write: (tx: SqlQueryable) => Promise<T>) => Promise<T>;

/**
 * A process manager that follows the event store from its own checkpoint: one process leads (a
 * session-level advisory lock), reads batches after the checkpoint, and moves the checkpoint in
 * the transaction that records the batch, so a crash repeats work but never loses it. A failure
 * is logged and the loop restarts from the stored checkpoint.
 *
 * Subclasses say what a batch means (`apply`) and must commit it through the `commit` they are
 * given; anything they do before the commit runs again after a crash, so it must be idempotent.
 */
export abstract class CheckpointedConsumer {
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly retryMs: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private active = false;
  private position = 0n;
  private lastError: CheckpointedConsumerStatus['lastError'] = null;

  /**
   * `name` keys the checkpoint and the advisory lock; `title` names the consumer in errors
   * and logs.
   */
  protected constructor(
    private readonly identity: { name: string; title: string },
    private readonly eventStore: EventStore,
    private readonly sql: SqlClient,
    private readonly checkpoints: CheckpointStore,
    protected readonly logger: Logger,
    options: CheckpointedConsumerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.idleMs = options.idleMs ?? 50;
    this.retryMs = options.retryMs ?? 1000;
  }

  /** Applies one non-empty batch; its writes go through `commit`. */
  protected abstract apply(events: readonly RecordedEvent[], commit: CommitBatch): Promise<void>;

  /** This process has just become the leader and read its checkpoint. */
  protected onLead(): void {}

  /** Before each read of the store, caught up or not. */
  protected async beforeRead(): Promise<void> {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.supervise();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  async status(): Promise<CheckpointedConsumerStatus> {
    const head = await this.eventStore.headPosition();
    const position = this.active ? this.position : await this.checkpoints.checkpoint(this.identity.name);
    return { position, head, lag: head > position ? head - position : 0n, active: this.active, lastError: this.lastError };
  }

  /** Runs until nothing is left (tests, benchmarks). */
  async catchUp(): Promise<void> {
    await this.sql.withSession(async (session) => {
      if (!(await this.tryLead(session))) throw new Error(`another process runs the ${this.identity.title}`);
      try {
        await this.resume();
        while ((await this.step()) > 0);
      } finally {
        this.active = false;
        await this.release(session);
      }
    });
  }

  private async supervise(): Promise<void> {
    while (this.running) {
      try {
        await this.sql.withSession(async (session) => {
          if (!(await this.tryLead(session))) return;
          try {
            await this.resume();
            while (this.running) {
              if ((await this.step()) === 0) await sleep(this.idleMs);
            }
          } finally {
            this.active = false;
            await this.release(session);
          }
        });
        if (this.running && !this.active) await sleep(this.retryMs);
      } catch (error) {
        this.lastError = { at: new Date().toISOString(), message: error instanceof Error ? error.message : String(error) };
        this.logger.error({ err: error }, `${this.identity.title} failed; restarting from its checkpoint`);
        if (this.running) await sleep(this.retryMs);
      }
    }
  }

  private async resume(): Promise<void> {
    this.position = await this.checkpoints.checkpoint(this.identity.name);
    this.onLead();
  }

  private lockKey(): string {
    return createHash('sha256').update(`jixiao-process-manager:${this.identity.name}`).digest().readBigInt64BE(0).toString();
  }

  private async tryLead(session: SqlClient): Promise<boolean> {
    if (session.kind === 'pglite') return (this.active = true);
    const { rows } = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [this.lockKey()]);
    return (this.active = rows[0]?.ok === true);
  }

  private async release(session: SqlClient): Promise<void> {
    if (session.kind === 'pglite') return;
    await session.query('SELECT pg_advisory_unlock($1::bigint)', [this.lockKey()]).catch(() => undefined);
  }

  /** One batch; returns how many events it read. */
  private async step(): Promise<number> {
    await this.beforeRead();
    const events = await this.eventStore.readAll({ after: this.position, maxCount: this.batchSize });
    if (events.length === 0) return 0;
    const last = events[events.length - 1]!.position;
    await this.apply(events, async (write) => {
      const written = await this.sql.transaction(async (tx) => {
        const result = await write(tx);
        await this.checkpoints.saveCheckpoint(tx, this.identity.name, last);
        return result;
      });
      this.position = last;
      return written;
    });
    return events.length;
  }
}
