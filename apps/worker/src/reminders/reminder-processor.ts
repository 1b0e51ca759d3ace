import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { classifyWakeUp, systemActor, type WorkingDayCalendar } from '#domain';
import type { Clock } from '#platform';
import type { DeadlineRepository } from '../deadlines/deadline-repository.js';
import type { RecipientDirectory } from '../directory/recipient-directory.js';
import type { DeliveryDispatcher } from '../notifications/delivery-dispatcher.js';
import type { ReminderJob } from './queues.js';

export type WakeUpOutcome = 'sent' | 'already-sent' | 'unplannable' | `stale:${string}`;

/**
 * A wake-up only says "look at this deadline": the stream decides. Stale, cancelled and already
 * sent reminders are ignored; an early one goes back to sleep until its moment.
 */
export class ReminderProcessor {
  constructor(
    private readonly deadlines: DeadlineRepository,
    private readonly directory: RecipientDirectory,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly calendar: WorkingDayCalendar,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  process = async (job: Job<ReminderJob>, token?: string): Promise<WakeUpOutcome> => {
    const { deadlineId, offsetId, dueVersion } = job.data;
    const loaded = await this.deadlines.load(deadlineId);
    const { state } = loaded;
    const now = this.clock.now();
    const verdict = classifyWakeUp(state, { offsetId, dueVersion }, now.toISOString(), this.calendar);
    switch (verdict.kind) {
      case 'early':
        await job.moveToDelayed(Date.now() + Date.parse(verdict.at) - now.getTime(), token);
        throw new DelayedError();
      case 'sent':
        return 'already-sent';
      case 'stale':
        return `stale:${verdict.why}`;
      case 'unplannable':
        this.logger.error({ deadlineId, offsetId, year: verdict.error.year }, 'reminder cannot be planned: the working-day calendar lacks a year');
        return 'unplannable';
      case 'due': {
        const { recipients, escalation } = await this.directory.resolve(verdict.deadline.recipients, verdict.reminder.escalate);
        if (recipients.length === 0) this.logger.warn({ deadlineId, offsetId, spec: verdict.deadline.recipients }, 'reminder has nobody to go to');
        const appended = await this.deadlines.execute(
          deadlineId,
          {
            type: 'SendReminder',
            data: { offsetId, dueVersion, recipients, escalation },
            metadata: { at: now.toISOString(), actor: systemActor(verdict.deadline.organisationId) },
          },
          { decisionId: `remind|${deadlineId}|${offsetId}|${dueVersion}`, loaded },
        );
        // The process manager dispatches these too when it reads the event; doing it here saves its lag.
        await this.dispatcher.dispatch(appended);
        return appended.length > 0 ? 'sent' : 'already-sent';
      }
      default: {
        const unhandled: never = verdict;
        throw new Error(`unknown verdict ${JSON.stringify(unhandled)}`);
      }
    }
  };
}
