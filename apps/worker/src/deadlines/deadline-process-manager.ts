import type { Logger } from 'pino';
import type { EventStore, RecordedEvent, SqlClient } from '#eventstore';
import { CheckpointedConsumer, type CheckpointedConsumerOptions, type CommitBatch } from '#projections';
import { evolveDeadline, initialDeadlineState, isDeadlineEventType, parseStoredDeadlineEvent, type DeadlineState } from '#domain';
import type { DeliveryDispatcher } from '../notifications/delivery-dispatcher.js';
import type { ReminderScheduler } from '../reminders/reminder-scheduler.js';
import type { DeadlineTables } from './deadline-tables.js';
import type { DeadlineTriggerHandler } from './deadline-trigger-handler.js';
import { readTriggers } from './deadline-triggers.js';

interface FoldedRow {
  state: DeadlineState;
  position: bigint;
  /** Versions whose wake-ups no longer apply (moved, reinstated, cancelled). */
  versions: Set<number>;
  /** Whether the batch may have made reminders pending. */
  arm: boolean;
}

export interface ProcessManagerOptions extends CheckpointedConsumerOptions {
  onUnplannable?: (count: number) => void;
}

/**
 * Follows the event store from its checkpoint. Campaign and report events become deadline
 * commands; deadline events are folded into deadline_index and turned into queue work: wake-up
 * jobs for pending reminders, delivery jobs for reminders sent. Every effect is idempotent and
 * happens before the checkpoint moves, so a crash repeats work but never loses it. One process
 * leads (advisory lock); a failure restarts the loop from the checkpoint.
 */
export class DeadlineProcessManager extends CheckpointedConsumer {
  constructor(
    eventStore: EventStore,
    sql: SqlClient,
    private readonly tables: DeadlineTables,
    private readonly triggers: DeadlineTriggerHandler,
    private readonly scheduler: ReminderScheduler,
    private readonly dispatcher: DeliveryDispatcher,
    logger: Logger,
    private readonly options: ProcessManagerOptions = {},
  ) {
    super({ name: 'deadlines', title: 'deadline process manager' }, eventStore, sql, tables, logger, { ...options, batchSize: options.batchSize ?? 500 });
  }

  protected async apply(events: readonly RecordedEvent[], commit: CommitBatch): Promise<void> {
    this.tables.beginBatch();
    try {
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
      await commit(async (tx) => {
        await this.tables.saveIndex(tx, rows);
        await this.tables.flushBatch(tx);
      });
    } finally {
      this.tables.endBatch();
    }
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
