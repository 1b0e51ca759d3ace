import type { Logger } from 'pino';
import type { DeadlineTables } from '../deadlines/deadline-tables.js';
import type { DeliveryDispatcher } from '../notifications/delivery-dispatcher.js';
import type { DeliveryLedger } from '../notifications/delivery-ledger.js';
import type { ReminderScheduler } from './reminder-scheduler.js';

export interface ReconcileReport {
  /** Pending reminders found in the store, and what had to be done for them in Redis. */
  reminders: { pending: number; added: number; retimed: number; unplannable: number };
  /** Deliveries not done yet (ledger), all queued again (existing jobs are left alone). */
  deliveries: { unfinished: number };
  tookMs: number;
}

const PAGE = 1000;

/**
 * Rebuilds the queues from the store: every pending reminder of every open deadline gets its
 * wake-up job (missing ones added, mistimed ones re-timed), every unfinished delivery its job.
 * Deterministic job ids make it safe to run any time, from any process, as often as wanted: after
 * a Redis flush it loses nothing and doubles nothing.
 */
export class Reconciler {
  private running: Promise<ReconcileReport> | undefined;

  constructor(
    private readonly tables: DeadlineTables,
    private readonly scheduler: ReminderScheduler,
    private readonly ledger: DeliveryLedger,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly logger: Logger,
  ) {}

  /** One run at a time; callers arriving meanwhile share it. */
  reconcile(): Promise<ReconcileReport> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<ReconcileReport> {
    const started = performance.now();
    const delayed = await this.scheduler.delayedFireTimes();
    const reminders = { pending: 0, added: 0, retimed: 0, unplannable: 0 };
    for (let after = ''; ; ) {
      const page = await this.tables.openDeadlines(after, PAGE);
      if (page.length === 0) break;
      const result = await this.scheduler.rearm(page, delayed);
      reminders.pending += result.added + result.present;
      reminders.added += result.added;
      reminders.retimed += result.retimed;
      reminders.unplannable += result.unplannable.length;
      after = (page[page.length - 1] as { deadlineId: string }).deadlineId;
    }
    let unfinished = 0;
    for (let after = ''; ; ) {
      const keys = await this.ledger.unfinished(after, PAGE);
      if (keys.length === 0) break;
      await this.dispatcher.enqueue(keys);
      unfinished += keys.length;
      after = keys[keys.length - 1]!;
    }
    const report = { reminders, deliveries: { unfinished }, tookMs: Math.round(performance.now() - started) };
    this.logger.info(report, 'reminders reconciled with the event store');
    return report;
  }
}
