import type { Queue } from 'bullmq';
import type { RecordedEvent } from '#eventstore';
import { deliveryKey, notificationId, type DeadlineEventData } from '#domain';
import { deliveryJobId, deliveryJobOptions, type DeliveryJob } from '../reminders/queues.js';
import type { DeliveryLedger, PlannedDelivery } from './delivery-ledger.js';

/** The e-mail and webhook deliveries a ReminderSent asks for (in-app is the inbox projection). */
export function deliveriesOf(event: RecordedEvent): PlannedDelivery[] {
  if (event.type !== 'ReminderSent') return [];
  const d = event.data as DeadlineEventData<'ReminderSent'>;
  return d.recipients.flatMap((recipient) => {
    const notification = notificationId(d.deadlineId, d.offsetId, d.dueVersion, recipient.userId);
    return recipient.channels
      .filter((channel): channel is PlannedDelivery['channel'] => channel !== 'in-app')
      .map((channel) => ({ deliveryKey: deliveryKey(notification, channel), notificationId: notification, deadlineId: d.deadlineId, offsetId: d.offsetId, dueVersion: d.dueVersion, userId: recipient.userId, channel }));
  });
}

/** Plans deliveries in the ledger first, then queues a job for each one not done: the ledger is the outbox. */
export class DeliveryDispatcher {
  constructor(
    private readonly ledger: DeliveryLedger,
    private readonly queue: Queue<DeliveryJob>,
    private readonly maxAttempts: number,
    private readonly backoffMs: number,
  ) {}

  async dispatch(events: readonly RecordedEvent[]): Promise<number> {
    const keys = await this.ledger.plan(events.flatMap(deliveriesOf));
    await this.enqueue(keys);
    return keys.length;
  }

  async enqueue(keys: readonly string[]): Promise<void> {
    const options = deliveryJobOptions(this.maxAttempts, this.backoffMs);
    for (let i = 0; i < keys.length; i += 1000) {
      await this.queue.addBulk(keys.slice(i, i + 1000).map((key) => ({ name: 'deliver', data: { key }, opts: { ...options, jobId: deliveryJobId(key) } })));
    }
  }
}
