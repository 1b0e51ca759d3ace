import type { Job, Queue } from 'bullmq';
import type { Logger } from 'pino';
import { deadlineInstant, deadlineStreamId, type DeadlineEventData } from '#domain';
import type { EventStore } from '#eventstore';
import type { RecipientDirectory } from '../directory/recipient-directory.js';
import { deliveryJobId, type DeadLetterJob, type DeliveryJob } from '../reminders/queues.js';
import { SendError, type EmailChannel, type OutgoingNotification, type WebhookChannel } from './channels.js';
import type { DeliveryLedger, DeliveryRow } from './delivery-ledger.js';
import { renderReminder, roleLabel } from './templates.js';

/** Another sender holds the delivery's lease (a stalled job's twin): try again after the backoff. */
export class DeliveryBusyError extends Error {
  override readonly name = 'DeliveryBusyError';
}

export interface DeliveryProcessorOptions {
  maxAttempts: number;
  leaseMs: number;
}

export type DeliveryOutcome = 'sent' | 'dead' | 'skipped' | 'already-sent' | 'already-dead' | 'already-skipped' | 'unknown';

/**
 * Sends one delivery: claim it in the ledger, compose it from the ReminderSent event, send, mark
 * it sent. A failure gives the claim back and lets BullMQ retry with exponential backoff; the
 * ledger's try count decides when it is dead-lettered.
 */
export class DeliveryProcessor {
  constructor(
    private readonly eventStore: EventStore,
    private readonly ledger: DeliveryLedger,
    private readonly directory: RecipientDirectory,
    private readonly channels: { email: EmailChannel | null; webhook: WebhookChannel | null },
    private readonly deadLetters: Queue<DeadLetterJob>,
    private readonly options: DeliveryProcessorOptions,
    private readonly logger: Logger,
  ) {}

  process = async (job: Job<DeliveryJob>): Promise<DeliveryOutcome> => this.deliver(job.data.key);

  async deliver(key: string): Promise<DeliveryOutcome> {
    const claim = await this.ledger.claim(key, this.options.leaseMs);
    if (!claim.claimed) {
      if (claim.status === 'claimed') throw new DeliveryBusyError(`delivery ${key} is being sent by another worker`);
      return claim.status === 'unknown' ? 'unknown' : claim.status === 'pending' ? 'unknown' : `already-${claim.status}`;
    }
    const { token, row, attempts } = claim;
    try {
      const notification = await this.compose(row);
      if (notification === null) {
        await this.ledger.finish(key, token, 'skipped', 'the reminder or its recipient is not in the deadline stream');
        return 'skipped';
      }
      if (row.channel === 'email') {
        const to = this.channels.email ? await this.directory.email(row.userId) : null;
        if (this.channels.email === null || to === null) {
          await this.ledger.finish(key, token, 'skipped', this.channels.email === null ? 'no SMTP_URL configured' : 'the user has no e-mail address');
          return 'skipped';
        }
        await this.channels.email.send(to, notification);
      } else {
        if (this.channels.webhook === null) {
          await this.ledger.finish(key, token, 'skipped', 'no WEBHOOK_URL configured');
          return 'skipped';
        }
        await this.channels.webhook.send(notification);
      }
      // Sent. Should this mark be lost (a crash right here), the lease runs out and the delivery is
      // sent again under the same idempotency key: the receiver's to recognise.
      if (!(await this.ledger.markSent(key, token))) this.logger.warn({ key }, 'delivery sent after its claim had run out');
      return 'sent';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof SendError && error.permanent;
      if (permanent || attempts >= this.options.maxAttempts) {
        await this.ledger.finish(key, token, 'dead', message);
        await this.deadLetters.add('dead', { key, channel: row.channel, attempts, error: message }, { jobId: deliveryJobId(key) });
        this.logger.error({ key, attempts, error: message }, 'delivery dead-lettered');
        return 'dead';
      }
      await this.ledger.release(key, token, message);
      throw error;
    }
  }

  private async compose(row: DeliveryRow): Promise<OutgoingNotification | null> {
    const events = await this.eventStore.readStream(deadlineStreamId(row.deadlineId));
    const sent = events.find((e) => e.type === 'ReminderSent' && (e.data as { offsetId: string }).offsetId === row.offsetId && (e.data as { dueVersion: number }).dueVersion === row.dueVersion);
    if (!sent) return null;
    const d = sent.data as DeadlineEventData<'ReminderSent'>;
    const recipient = d.recipients.find((r) => r.userId === row.userId);
    if (!recipient) return null;
    const rendered = renderReminder(d, recipient);
    return {
      key: row.deliveryKey,
      title: rendered.title,
      body: rendered.body,
      payload: {
        id: row.deliveryKey,
        type: rendered.kind === 'escalation' ? 'deadline.escalation' : 'deadline.reminder',
        occurredAt: d.at,
        notificationId: row.notificationId,
        recipient: { userId: recipient.userId, displayName: recipient.displayName, organisationId: recipient.organisationId, role: recipient.role, roleLabel: roleLabel(recipient.role) },
        deadline: {
          deadlineId: d.deadlineId,
          subject: d.subject,
          title: d.title,
          organisationName: d.organisationName,
          dueDate: d.dueDate,
          deadlineAt: deadlineInstant(d.dueDate),
          dueVersion: d.dueVersion,
        },
        reminder: { offsetId: d.offsetId, phase: d.phase, workingDays: d.workingDays, plannedAt: d.plannedAt },
        message: { locale: 'zh-CN', title: rendered.title, body: rendered.body },
      },
    };
  }
}
