import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';

/** Queue names: BullMQ forbids ':' in names and job ids. */
export const REMINDER_QUEUE = 'jixiao-reminders';
export const DELIVERY_QUEUE = 'jixiao-deliveries';
export const DEAD_LETTER_QUEUE = 'jixiao-deliveries-dead';
export const queueNames = [REMINDER_QUEUE, DELIVERY_QUEUE, DEAD_LETTER_QUEUE] as const;

// Ids may contain ':' (allowed in domain ids, refused by BullMQ in job ids).
const escapePart = (part: string) => part.replace(/[%:|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The one job that wakes the worker for one reminder of one version of a deadline. */
export function reminderJobId(deadlineId: string, offsetId: string, dueVersion: number): string {
  return `reminder|${escapePart(deadlineId)}|${offsetId}|${dueVersion}`;
}

export function deliveryJobId(deliveryKey: string): string {
  return `delivery|${escapePart(deliveryKey)}`;
}

/** Job payloads carry ids only: the worker reads everything else from the store. */
export interface ReminderJob {
  deadlineId: string;
  offsetId: string;
  dueVersion: number;
}

export interface DeliveryJob {
  key: string;
}

export interface DeadLetterJob {
  key: string;
  channel: string;
  attempts: number;
  error: string;
}

/**
 * Finished jobs are removed at once: the event store and the delivery ledger are the record, and
 * a kept job would block a deterministic id from being added again by reconciliation.
 */
export const reminderJobOptions: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 10,
  backoff: { type: 'exponential', delay: 5_000 },
};

export function deliveryJobOptions(maxAttempts: number, backoffMs: number): JobsOptions {
  // The ledger counts tries and dead-letters; BullMQ's own attempts are only a backstop above that.
  return { removeOnComplete: true, removeOnFail: true, attempts: maxAttempts + 5, backoff: { type: 'exponential', delay: backoffMs } };
}

export interface QueueSet {
  reminders: Queue<ReminderJob>;
  deliveries: Queue<DeliveryJob>;
  deadLetters: Queue<DeadLetterJob>;
  close(): Promise<void>;
}

export function openQueues(connection: ConnectionOptions, prefix: string): QueueSet {
  const reminders = new Queue<ReminderJob>(REMINDER_QUEUE, { connection, prefix });
  const deliveries = new Queue<DeliveryJob>(DELIVERY_QUEUE, { connection, prefix });
  const deadLetters = new Queue<DeadLetterJob>(DEAD_LETTER_QUEUE, { connection, prefix, defaultJobOptions: { removeOnComplete: 1000 } });
  for (const queue of [reminders, deliveries, deadLetters]) queue.on('error', () => undefined);
  return {
    reminders,
    deliveries,
    deadLetters,
    close: async () => {
      await Promise.all([reminders.close(), deliveries.close(), deadLetters.close()]);
    },
  };
}
