import type { AppConfig } from '#config';

/** What score recomputation needs from the configuration, read once at start. */
export interface ScoringSettings {
  redisUrl: string;
  queuePrefix: string;
  /** How long a queue worker holds a job before it counts as stalled (BullMQ lock). */
  lockMs: number;
  /** How long a computation holds its report; another job for it waits meanwhile. */
  leaseMs: number;
  /** A wake-up waits this long before it runs, so that a burst of edits costs one computation. */
  debounceMs: number;
  /** Jobs computed at the same time by one process. */
  concurrency: number;
  /** Periodic reconciliation of the queue with the store; 0 turns it off (start and on demand remain). */
  reconcileIntervalMs: number;
  /** The tracker's poll interval once it has caught up with the store. */
  idleMs: number;
  /** Events the tracker folds per transaction. */
  batchSize: number;
}

export function scoringSettingsFrom(config: AppConfig, overrides: Partial<ScoringSettings> = {}): ScoringSettings {
  return {
    redisUrl: config.REDIS_URL,
    queuePrefix: config.QUEUE_PREFIX,
    lockMs: config.QUEUE_LOCK_MS,
    leaseMs: config.QUEUE_LOCK_MS,
    debounceMs: 250,
    concurrency: 16,
    reconcileIntervalMs: config.RECONCILE_INTERVAL_MS,
    idleMs: 50,
    batchSize: 1000,
    ...overrides,
  };
}
