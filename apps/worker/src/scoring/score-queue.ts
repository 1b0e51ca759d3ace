import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';

/** BullMQ forbids ':' in queue names and job ids. */
export const SCORING_QUEUE = 'jixiao-scoring';

/** Job payloads carry the report id only: the worker reads everything else from the store. */
export interface ScoreJob {
  reportId: string;
}

export interface WakeUp {
  reportId: string;
  /** The report's claim generation when the wake-up was decided (see ScoringTables.claim). */
  generation: number;
}

const escapePart = (part: string) => part.replace(/[%:|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * One job per report and claim generation. Wake-ups for a report coalesce into the one job waiting
 * for it (same id); once a job claims the report the generation moves on, so a change arriving
 * while it computes gets a job of its own instead of being swallowed by the running one.
 */
export function scoreJobId(reportId: string, generation: number): string {
  return `score|${escapePart(reportId)}|${generation}`;
}

/**
 * Finished jobs are removed at once: the event store is the record, and a kept job would block its
 * id from being added again by reconciliation.
 */
export const scoreJobOptions: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1_000 },
};

const CHUNK = 1000;

export class ScoreQueue {
  readonly queue: Queue<ScoreJob>;

  constructor(connection: ConnectionOptions, prefix: string, private readonly debounceMs: number) {
    this.queue = new Queue<ScoreJob>(SCORING_QUEUE, { connection, prefix });
    this.queue.on('error', () => undefined);
  }

  /**
   * Adds the wake-ups whose job is not there yet. Changes wait `debounceMs` so that a burst of edits
   * coalesces; reconciliation and bulk re-scores pass 0.
   */
  async wake(wakeUps: readonly WakeUp[], options: { debounce: boolean } = { debounce: true }): Promise<void> {
    const delay = options.debounce ? this.debounceMs : 0;
    for (let i = 0; i < wakeUps.length; i += CHUNK) {
      await this.queue.addBulk(
        wakeUps.slice(i, i + CHUNK).map(({ reportId, generation }) => ({
          name: 'score',
          data: { reportId },
          opts: { ...scoreJobOptions, jobId: scoreJobId(reportId, generation), ...(delay > 0 && { delay }) },
        })),
      );
    }
  }

  async depth(): Promise<{ waiting: number; delayed: number; active: number }> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    return { waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0), delayed: counts.delayed ?? 0, active: counts.active ?? 0 };
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
