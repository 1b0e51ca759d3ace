import { MetricsTime, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EventStore, SqlClient } from '#eventstore';
import type { Clock } from '#platform';
import { ensureProjectionSchema, ProjectionRunner } from '#projections';
import { directoryProjections } from '../../../api/src/auth/directory.projections.js';
import { DeadlineProcessManager } from '../deadlines/deadline-process-manager.js';
import { DeadlineRepository } from '../deadlines/deadline-repository.js';
import { DeadlineTables } from '../deadlines/deadline-tables.js';
import { DeadlineTriggerHandler } from '../deadlines/deadline-trigger-handler.js';
import { RecipientDirectory } from '../directory/recipient-directory.js';
import { EmailChannel, WebhookChannel } from '../notifications/channels.js';
import { DeliveryDispatcher } from '../notifications/delivery-dispatcher.js';
import { DeliveryLedger } from '../notifications/delivery-ledger.js';
import { DeliveryProcessor } from '../notifications/delivery-processor.js';
import { notificationProjections } from '../notifications/notification.projections.js';
import { DELIVERY_QUEUE, openQueues, REMINDER_QUEUE, type DeliveryJob, type QueueSet, type ReminderJob } from './queues.js';
import { Reconciler, type ReconcileReport } from './reconciler.js';
import { ReminderProcessor } from './reminder-processor.js';
import { ReminderScheduler } from './reminder-scheduler.js';
import type { ReminderSettings } from './reminder-settings.js';

export interface RemindersRuntimeDeps {
  eventStore: EventStore;
  sql: SqlClient;
  clock: Clock;
  logger: Logger;
  settings: ReminderSettings;
}

export interface RemindersRuntimeOptions {
  /** Poll interval of the process manager and the inbox projections when caught up. */
  idleMs?: number;
}

/**
 * Deadlines, reminders and notifications in one process: the deadline process manager, the inbox
 * projections, the wake-up and delivery workers, and reconciliation (at start, every
 * RECONCILE_INTERVAL_MS, and on demand). Plain classes, composed here once; the Nest module and
 * the tests both use this.
 */
export class RemindersRuntime {
  readonly connection: Redis;
  readonly queues: QueueSet;
  readonly tables: DeadlineTables;
  readonly ledger: DeliveryLedger;
  readonly deadlines: DeadlineRepository;
  readonly directory: RecipientDirectory;
  readonly scheduler: ReminderScheduler;
  readonly dispatcher: DeliveryDispatcher;
  readonly processManager: DeadlineProcessManager;
  readonly inbox: ProjectionRunner;
  readonly reconciler: Reconciler;
  readonly reminderProcessor: ReminderProcessor;
  readonly deliveryProcessor: DeliveryProcessor;
  private readonly email: EmailChannel | null;
  private workers: Worker[] = [];
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  unplannable = 0;

  constructor(
    private readonly deps: RemindersRuntimeDeps,
    options: RemindersRuntimeOptions = {},
  ) {
    const { eventStore, sql, clock, logger, settings } = deps;
    this.connection = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    this.queues = openQueues(this.connection as unknown as ConnectionOptions, settings.queuePrefix);
    this.tables = new DeadlineTables(sql);
    this.ledger = new DeliveryLedger(sql);
    this.deadlines = new DeadlineRepository(eventStore, settings.calendar, () => clock.now());
    this.directory = new RecipientDirectory(sql, { email: settings.email !== null, webhook: settings.webhook !== null });
    this.scheduler = new ReminderScheduler(this.queues.reminders, settings.calendar, clock, this.connection);
    this.dispatcher = new DeliveryDispatcher(this.ledger, this.queues.deliveries, settings.maxAttempts, settings.backoffMs);
    const triggers = new DeadlineTriggerHandler(this.deadlines, this.tables, this.directory, settings.calendar, logger.child({ component: 'deadline-triggers' }));
    this.processManager = new DeadlineProcessManager(eventStore, sql, this.tables, triggers, this.scheduler, this.dispatcher, logger.child({ component: 'deadline-process-manager' }), {
      idleMs: options.idleMs ?? 50,
      onUnplannable: (count) => {
        this.unplannable += count;
      },
    });
    this.inbox = new ProjectionRunner(eventStore, sql, notificationProjections, {
      idleMs: options.idleMs ?? 50,
      batchSize: 500,
      onError: (error) => logger.error({ err: error }, 'notification projections failed; restarting from their checkpoint'),
    });
    this.reconciler = new Reconciler(this.tables, this.scheduler, this.ledger, this.dispatcher, logger.child({ component: 'reconciler' }));
    this.reminderProcessor = new ReminderProcessor(this.deadlines, this.directory, this.dispatcher, settings.calendar, clock, logger.child({ component: 'reminders' }));
    this.email = settings.email ? new EmailChannel(settings.email.url, settings.email.from, settings.sendTimeoutMs) : null;
    const webhook = settings.webhook ? new WebhookChannel(settings.webhook.url, settings.webhook.secret, settings.sendTimeoutMs) : null;
    this.deliveryProcessor = new DeliveryProcessor(
      eventStore,
      this.ledger,
      this.directory,
      { email: this.email, webhook },
      this.queues.deadLetters,
      { maxAttempts: settings.maxAttempts, leaseMs: settings.leaseMs },
      logger.child({ component: 'deliveries' }),
    );
  }

  /** Tables this runtime reads and writes exist before anything runs (whoever runs the projections). */
  async init(): Promise<void> {
    await this.tables.ensureSchema();
    await this.ledger.ensureSchema();
    await ensureProjectionSchema(this.deps.sql, [...directoryProjections, ...notificationProjections]);
  }

  /** Starts the process manager, the inbox projections and the workers, then reconciles. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.init();
    const { settings, logger } = this.deps;
    this.processManager.start();
    this.inbox.start();
    const common = {
      connection: this.connection as unknown as ConnectionOptions,
      prefix: settings.queuePrefix,
      lockDuration: settings.lockMs,
      stalledInterval: settings.lockMs,
      maxStalledCount: 5,
      autorun: false,
      metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
    };
    const reminders = new Worker<ReminderJob>(REMINDER_QUEUE, this.reminderProcessor.process, { ...common, concurrency: settings.concurrency.reminders });
    const deliveries = new Worker<DeliveryJob>(DELIVERY_QUEUE, this.deliveryProcessor.process, { ...common, concurrency: settings.concurrency.deliveries });
    for (const worker of [reminders, deliveries]) {
      worker.on('failed', (job, error) => {
        if (error.name !== 'DelayedError') logger.warn({ queue: worker.name, jobId: job?.id, attempts: job?.attemptsMade, error: error.message }, 'job failed; it is retried with backoff');
      });
      worker.on('error', (error) => logger.error({ queue: worker.name, err: error }, 'queue worker error'));
      void worker.run().catch((error: unknown) => logger.error({ err: error }, 'queue worker stopped'));
    }
    this.workers = [reminders, deliveries];
    void this.reconcile().catch((error: unknown) => logger.error({ err: error }, 'reconciliation at start failed'));
    if (settings.reconcileIntervalMs > 0) {
      this.timer = setInterval(() => void this.reconcile().catch((error: unknown) => logger.error({ err: error }, 'periodic reconciliation failed')), settings.reconcileIntervalMs);
      this.timer.unref();
    }
  }

  reconcile(): Promise<ReconcileReport> {
    return this.reconciler.reconcile();
  }

  /**
   * Graceful: workers finish the jobs they hold (a job cut off by the hard stop is picked up again
   * once its lock expires), then the loops stop at a batch boundary, then the connections close.
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // Without Redis there is no job to finish, and closing would wait for Redis to come back.
    const redisDown = this.connection.status !== 'ready';
    if (redisDown) this.connection.disconnect();
    await Promise.all(this.workers.map((worker) => worker.close(redisDown)));
    this.workers = [];
    await Promise.all([this.processManager.stop(), this.inbox.stop()]);
    await this.queues.close();
    this.email?.close();
    this.connection.disconnect();
    this.started = false;
  }
}
