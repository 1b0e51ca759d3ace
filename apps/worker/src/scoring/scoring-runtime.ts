import { MetricsTime, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EventStore, SqlClient } from '#eventstore';
import type { Clock } from '#platform';
import { ProfileVersions } from './profile-versions.js';
import { ReportFolds } from './report-folds.js';
import { ScoreProcessor } from './score-processor.js';
import { SCORING_QUEUE, ScoreQueue, type ScoreJob } from './score-queue.js';
import type { ScoringSettings } from './scoring-settings.js';
import { ScoringTables, type ProfileProgress } from './scoring-tables.js';
import { ScoringTracker } from './scoring-tracker.js';

export interface ScoringRuntimeDeps {
  eventStore: EventStore;
  sql: SqlClient;
  clock: Clock;
  logger: Logger;
  settings: ScoringSettings;
}

export interface ScoringReconcileReport {
  /** Reports owed a computation, each of which now has its wake-up in the queue. */
  pending: number;
  tookMs: number;
}

const PAGE = 1000;
const PROGRESS_LOG_MS = 10_000;

/**
 * Score recomputation in one process: the tracker (store → scoring_work → wake-ups), the queue
 * worker (ScoreProcessor), and reconciliation (whenever this process takes the tracker over, every
 * reconcileIntervalMs, on demand). Plain classes composed once; the Nest module, the tests and the
 * benchmark all use this. Several processes may run it: an advisory lock keeps one tracker
 * active, and claims keep one computation per report at a time.
 */
export class ScoringRuntime {
  readonly connection: Redis;
  readonly tables: ScoringTables;
  readonly queue: ScoreQueue;
  readonly tracker: ScoringTracker;
  readonly processor: ScoreProcessor;
  private worker: Worker<ScoreJob> | undefined;
  private timers: NodeJS.Timeout[] = [];
  private started = false;
  private reconciling: Promise<ScoringReconcileReport> | undefined;

  constructor(private readonly deps: ScoringRuntimeDeps) {
    const { eventStore, sql, clock, logger, settings } = deps;
    this.connection = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    this.tables = new ScoringTables(sql);
    this.queue = new ScoreQueue(this.connection as unknown as ConnectionOptions, settings.queuePrefix, settings.debounceMs);
    this.tracker = new ScoringTracker(eventStore, sql, this.tables, this.queue, logger.child({ component: 'scoring-tracker' }), {
      batchSize: settings.batchSize,
      idleMs: settings.idleMs,
      reconcile: () => this.reconcile(),
    });
    this.processor = new ScoreProcessor(eventStore, this.tables, new ReportFolds(eventStore), new ProfileVersions(this.tables), this.queue, clock, settings.leaseMs, logger.child({ component: 'scoring' }));
  }

  /** The tables exist before anything reads them, whichever process runs the work. */
  async init(): Promise<void> {
    await this.tables.ensureSchema();
  }

  /** Starts the tracker (which reconciles the queue with the store when it leads) and the queue worker. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.init();
    const { settings, logger } = this.deps;
    this.tracker.start();
    const worker = new Worker<ScoreJob>(SCORING_QUEUE, this.processor.process, {
      connection: this.connection as unknown as ConnectionOptions,
      prefix: settings.queuePrefix,
      concurrency: settings.concurrency,
      lockDuration: settings.lockMs,
      stalledInterval: settings.lockMs,
      maxStalledCount: 5,
      autorun: false,
      metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
    });
    worker.on('failed', (job, error) => {
      if (error.name !== 'DelayedError') logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, error: error.message }, 'score job failed; it is retried with backoff');
    });
    worker.on('error', (error) => logger.error({ err: error }, 'score queue worker error'));
    void worker.run().catch((error: unknown) => logger.error({ err: error }, 'score queue worker stopped'));
    this.worker = worker;
    if (settings.reconcileIntervalMs > 0) {
      this.every(settings.reconcileIntervalMs, () => this.reconcile().then(() => undefined), 'periodic scoring reconciliation failed');
    }
    this.every(PROGRESS_LOG_MS, () => this.logProgress(), 'reading scoring progress failed');
  }

  private every(ms: number, work: () => Promise<void>, failure: string): void {
    const timer = setInterval(() => void work().catch((error: unknown) => this.deps.logger.error({ err: error }, failure)), ms);
    timer.unref();
    this.timers.push(timer);
  }

  /** While reports are owed computations, says how far each profile's re-score has come. */
  private async logProgress(): Promise<void> {
    const progress = await this.tables.progress();
    const busy = progress.filter((p) => p.pending > 0);
    if (busy.length > 0) this.deps.logger.info({ progress: busy.map((p) => ({ profile: `${p.profileId}@${p.version}`, done: p.done, total: p.total, pending: p.pending })) }, 'scoring in progress');
  }

  /**
   * Queues a wake-up for every report the store says is owed a computation. Deterministic job ids
   * make it safe at any time, from any process: after a Redis flush it loses nothing, and a job
   * still queued is left as it is. One run at a time; callers arriving meanwhile share it.
   */
  reconcile(): Promise<ScoringReconcileReport> {
    this.reconciling ??= this.runReconcile().finally(() => {
      this.reconciling = undefined;
    });
    return this.reconciling;
  }

  private async runReconcile(): Promise<ScoringReconcileReport> {
    const started = performance.now();
    let pending = 0;
    for (let after = ''; ; ) {
      const page = await this.tables.pendingPage(after, PAGE);
      if (page.length === 0) break;
      await this.queue.wake(page, { debounce: false });
      pending += page.length;
      after = page[page.length - 1]!.reportId;
    }
    const report = { pending, tookMs: Math.round(performance.now() - started) };
    this.deps.logger.info(report, 'score queue reconciled with the event store');
    return report;
  }

  progress(profileId?: string): Promise<ProfileProgress[]> {
    return this.tables.progress(profileId);
  }

  /** Graceful: the worker finishes the jobs it holds, then the tracker stops at a batch boundary. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    // Without Redis there is no job to finish, and closing would wait for Redis to come back.
    const redisDown = this.connection.status !== 'ready';
    if (redisDown) this.connection.disconnect();
    await this.worker?.close(redisDown);
    this.worker = undefined;
    await this.tracker.stop();
    await this.reconciling?.catch(() => undefined);
    await this.queue.close();
    this.connection.disconnect();
    this.started = false;
  }
}
