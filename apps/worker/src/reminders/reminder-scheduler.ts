import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { pendingReminders, type DeadlineAggregate, type DeadlineState, type PlannedReminder, type UnplannableReminder, type WorkingDayCalendar } from '#domain';
import type { Clock } from '#platform';
import { reminderJobId, reminderJobOptions, type ReminderJob } from './queues.js';

export interface ArmResult {
  armed: number;
  unplannable: Array<UnplannableReminder & { deadlineId: string }>;
}

/** A wake-up due later than planned is moved; one a little early is left: the processor puts it back to sleep. */
const LATE_TOLERANCE_MS = 1000;
const EARLY_TOLERANCE_MS = 60_000;

interface WantedJob {
  jobId: string;
  data: ReminderJob;
  /** When it should fire on this machine's clock (ms since the epoch). */
  fireAt: number;
}

/**
 * Turns deadlines into delayed wake-up jobs, one per pending reminder, with deterministic ids: a
 * job that exists already is left as it is, so arming twice (or from two processes) queues one.
 * Delays are taken against the application Clock, so a test that moves the clock and re-arms
 * fires what became due without sleeping.
 */
export class ReminderScheduler {
  constructor(
    private readonly queue: Queue<ReminderJob>,
    private readonly calendar: WorkingDayCalendar,
    private readonly clock: Clock,
    /** The queue's Redis, for the one read BullMQ has no call for. */
    private readonly redis: Redis,
  ) {}

  private wanted(states: readonly DeadlineState[]): { jobs: WantedJob[]; unplannable: ArmResult['unplannable'] } {
    const nowMs = Date.now();
    const clockMs = this.clock.now().getTime();
    const jobs: WantedJob[] = [];
    const unplannable: ArmResult['unplannable'] = [];
    for (const state of states) {
      if (state.status !== 'open') continue;
      const plan = pendingReminders(state, this.calendar);
      for (const reminder of plan.pending) jobs.push(this.job(state, reminder, nowMs, clockMs));
      for (const missing of plan.unplannable) unplannable.push({ ...missing, deadlineId: state.deadlineId });
    }
    return { jobs, unplannable };
  }

  private job(state: DeadlineAggregate, reminder: PlannedReminder, nowMs: number, clockMs: number): WantedJob {
    return {
      jobId: reminderJobId(state.deadlineId, reminder.offsetId, state.dueVersion),
      data: { deadlineId: state.deadlineId, offsetId: reminder.offsetId, dueVersion: state.dueVersion },
      fireAt: nowMs + Math.max(0, Date.parse(reminder.at) - clockMs),
    };
  }

  /** Queues the pending reminders of these deadlines that have no job yet. */
  async arm(states: readonly DeadlineState[]): Promise<ArmResult> {
    const { jobs, unplannable } = this.wanted(states);
    await this.add(jobs);
    return { armed: jobs.length, unplannable };
  }

  private async add(jobs: readonly WantedJob[]): Promise<void> {
    const nowMs = Date.now();
    for (let i = 0; i < jobs.length; i += 1000) {
      await this.queue.addBulk(
        jobs.slice(i, i + 1000).map((job) => ({ name: 'wake', data: job.data, opts: { ...reminderJobOptions, jobId: job.jobId, delay: Math.max(0, job.fireAt - nowMs) } })),
      );
    }
  }

  /**
   * Reconciliation: queues what is missing (after a Redis flush, say) and re-times delayed jobs
   * whose moment moved (the clock was moved, the calendar data changed).
   */
  async rearm(states: readonly DeadlineState[], delayed: Map<string, number>): Promise<{ added: number; retimed: number; present: number; unplannable: ArmResult['unplannable'] }> {
    const { jobs, unplannable } = this.wanted(states);
    const missing: WantedJob[] = [];
    let retimed = 0;
    for (const job of jobs) {
      const current = delayed.get(job.jobId);
      if (current === undefined) missing.push(job);
      else if (current - job.fireAt > LATE_TOLERANCE_MS || job.fireAt - current > EARLY_TOLERANCE_MS) {
        await this.queue
          .getJob(job.jobId)
          .then((found) => found?.changeDelay(Math.max(0, job.fireAt - Date.now())))
          .catch(() => undefined); // it started meanwhile: nothing to re-time
        retimed++;
      }
    }
    await this.add(missing);
    return { added: missing.length, retimed, present: jobs.length - missing.length, unplannable };
  }

  /**
   * The delayed jobs and when each fires. BullMQ keeps them in a sorted set scored by
   * fire time × 4096 (plus a sequence number): read here directly, one command for all.
   */
  async delayedFireTimes(): Promise<Map<string, number>> {
    const reply = (await this.redis.call('ZRANGE', this.queue.keys.delayed!, '0', '-1', 'WITHSCORES')) as unknown[];
    // RESP2 answers member, score, member, score…; RESP3 answers [member, score] pairs.
    const pairs: Array<[unknown, unknown]> = Array.isArray(reply[0]) ? (reply as Array<[unknown, unknown]>) : [];
    if (pairs.length === 0) for (let i = 0; i + 1 < reply.length; i += 2) pairs.push([reply[i], reply[i + 1]]);
    return new Map(pairs.map(([member, score]) => [String(member), Math.floor(Number(score) / 0x1000)]));
  }

  /** Removes the wake-ups of versions that no longer apply (they would be ignored anyway). */
  async disarm(deadlineId: string, offsetIds: readonly string[], versions: readonly number[]): Promise<void> {
    await Promise.all(
      versions.flatMap((version) => offsetIds.map((offsetId) => this.queue.remove(reminderJobId(deadlineId, offsetId, version)).catch(() => 0))),
    );
  }
}
