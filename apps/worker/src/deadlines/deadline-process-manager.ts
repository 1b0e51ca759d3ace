import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { EventStore, RecordedEvent, SqlClient } from '#eventstore';
import { evolveDeadline, initialDeadlineState, isDeadlineEventType, parseStoredDeadlineEvent, type DeadlineState } from '#domain';
import type { DeliveryDispatcher } from '../notifications/delivery-dispatcher.js';
import type { ReminderScheduler } from '../reminders/reminder-scheduler.js';
import type { DeadlineTables } from './deadline-tables.js';
import type { DeadlineTriggerHandler } from './deadline-trigger-handler.js';
import { readTriggers } from './deadline-triggers.js';

const NAME = 'deadlines';

interface FoldedRow {
  state: DeadlineState;
  position: bigint;
  /** Versions whose wake-ups no longer apply (moved, reinstated, cancelled). */
  versions: Set<number>;
  /** Whether the batch may have made reminders pending. */
  arm: boolean;
}

export interface ProcessManagerOptions {
  batchSize?: number;
  idleMs?: number;
  retryMs?: number;
  onUnplannable?: (count: number) => void;
}

export interface ProcessManagerStatus {
  position: bigint;
  head: bigint;
  lag: bigint;
  active: boolean;
  lastError: { at: string; message: string } | null;
}

/**
 * Follows the event store from its checkpoint. Campaign and report events become deadline
 * commands; deadline events are folded into deadline_index and turned into queue work: wake-up
 * jobs for pending reminders, delivery jobs for reminders sent. Every effect is idempotent and
 * happens before the checkpoint moves, so a crash repeats work but never loses it. One process
 * leads (advisory lock); a failure restarts the loop from the checkpoint.
 */
export class DeadlineProcessManager {
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly retryMs: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private active = false;
  private position = 0n;
  private lastError: ProcessManagerStatus['lastError'] = null;

  constructor(
    private readonly eventStore: EventStore,
    private readonly sql: SqlClient,
    private readonly tables: DeadlineTables,
    private readonly triggers: DeadlineTriggerHandler,
    private readonly scheduler: ReminderScheduler,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly logger: Logger,
    private readonly options: ProcessManagerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.idleMs = options.idleMs ?? 50;
    this.retryMs = options.retryMs ?? 1000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.supervise();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  async status(): Promise<ProcessManagerStatus> {
    const head = await this.eventStore.headPosition();
    const position = this.active ? this.position : await this.tables.checkpoint(NAME);
    return { position, head, lag: head > position ? head - position : 0n, active: this.active, lastError: this.lastError };
  }

  /** Runs until nothing is left (tests, benchmarks). */
  async catchUp(): Promise<void> {
    await this.sql.withSession(async (session) => {
      if (!(await this.tryLead(session))) throw new Error('another process runs the deadline process manager');
      try {
        this.position = await this.tables.checkpoint(NAME);
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
            this.position = await this.tables.checkpoint(NAME);
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
        this.logger.error({ err: error }, 'deadline process manager failed; restarting from its checkpoint');
        if (this.running) await sleep(this.retryMs);
      }
    }
  }

  private lockKey(): string {
    return createHash('sha256').update('jixiao-process-manager:deadlines').digest().readBigInt64BE(0).toString();
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
    const events = await this.eventStore.readAll({ after: this.position, maxCount: this.batchSize });
    if (events.length === 0) return 0;
    this.tables.beginBatch();
    try {
      return await this.apply(events);
    } finally {
      this.tables.endBatch();
    }
  }

  private async apply(events: readonly RecordedEvent[]): Promise<number> {
    const deadlineEvents: RecordedEvent[] = [];
    for (const event of events) {
      if (isDeadlineEventType(event.type)) deadlineEvents.push(event);
      else {
        const triggers = readTriggers(event);
        if (triggers.length > 0) await this.triggers.handle(event, triggers);
      }
    }
    const rows = await this.fold(deadlineEvents);
    await this.effects(deadlineEvents, rows);
    const last = events[events.length - 1]!.position;
    await this.sql.transaction(async (tx) => {
      await this.tables.saveIndex(tx, rows);
      await this.tables.flushBatch(tx);
      await this.tables.saveCheckpoint(tx, NAME, last);
    });
    this.position = last;
    return events.length;
  }

  private async fold(events: readonly RecordedEvent[]): Promise<Map<string, FoldedRow>> {
    const ids = [...new Set(events.map((e) => (e.data as { deadlineId: string }).deadlineId))];
    const stored = await this.tables.loadIndex(ids);
    const rows = new Map<string, FoldedRow>();
    for (const event of events) {
      const deadlineId = (event.data as { deadlineId: string }).deadlineId;
      const row = rows.get(deadlineId) ?? { ...(stored.get(deadlineId) ?? { state: initialDeadlineState(), position: 0n }), versions: new Set<number>(), arm: false };
      if (event.position > row.position) {
        const before = row.state;
        row.state = evolveDeadline(row.state, parseStoredDeadlineEvent({ type: event.type, schemaVersion: event.metadata.schemaVersion, data: event.data }));
        row.position = event.position;
        // Only these can make reminders pending; a reminder sent or an escalation cannot.
        if (event.type === 'DeadlineScheduled' || event.type === 'DeadlineMoved' || event.type === 'DeadlineReinstated') row.arm = true;
        if (before.status !== 'none' && (before.dueVersion !== (row.state as { dueVersion: number }).dueVersion || row.state.status === 'cancelled')) row.versions.add(before.dueVersion);
      }
      rows.set(deadlineId, row);
    }
    return rows;
  }

  private async effects(events: readonly RecordedEvent[], rows: Map<string, FoldedRow>): Promise<void> {
    const { unplannable } = await this.scheduler.arm([...rows.values()].filter((r) => r.arm).map((r) => r.state));
    if (unplannable.length > 0) {
      this.logger.error({ unplannable: unplannable.slice(0, 20), count: unplannable.length }, 'reminders cannot be planned: the working-day calendar lacks a year');
      this.options.onUnplannable?.(unplannable.length);
    }
    for (const [deadlineId, row] of rows) {
      if (row.versions.size > 0 && row.state.status !== 'none') await this.scheduler.disarm(deadlineId, row.state.offsets.map((o) => o.id), [...row.versions]);
    }
    await this.dispatcher.dispatch(events.filter((e) => e.type === 'ReminderSent'));
  }
}
