import type { WorkingDayCalendar } from '../calendar/working-day-calendar.js';
import { DomainError } from '../shared/domain-error.js';
import { text } from '../shared/i18n.js';
import type { DeadlineCommand } from './deadline.commands.js';
import { deadlineEvent, type DeadlineEvent } from './deadline.events.js';
import { causeIsAfter } from './deadline.model.js';
import type { DeadlineState } from './deadline.state.js';
import { classifyWakeUp } from './reminder-plan.js';

export interface DeadlineDeciderOptions {
  calendar: WorkingDayCalendar;
}

function notFound(): never {
  throw DomainError.of('DEADLINE_NOT_FOUND', 'deadlineId', text('期限不存在', 'the deadline does not exist'));
}

/**
 * Deadlines and their reminders. Every command is idempotent: scheduling what exists, moving to
 * the same date, cancelling what is cancelled, reminding what was reminded or no longer applies
 * all decide nothing. A wake-up that is stale, early or for a cancelled deadline is ignored here,
 * whatever the queue did.
 */
export function decideDeadline(command: DeadlineCommand, state: DeadlineState, options: DeadlineDeciderOptions): DeadlineEvent[] {
  const meta = { at: command.metadata.at, by: command.metadata.actor };
  // A replayed trigger: this deadline has recorded a change from a later (or the same) cause.
  if (command.type !== 'SendReminder' && command.data.cause !== null && state.status !== 'none' && !causeIsAfter(command.data.cause, state.lastCause)) return [];
  switch (command.type) {
    case 'ScheduleDeadline': {
      // The first schedule stands; later dates arrive as moves.
      if (state.status !== 'none') return [];
      return [deadlineEvent('DeadlineScheduled', { ...meta, ...command.data })];
    }
    case 'MoveDeadline': {
      if (state.status === 'none') return notFound();
      if (state.dueDate === command.data.dueDate) return [];
      if (command.data.mode === 'extend' && command.data.dueDate < state.dueDate) return [];
      return [
        deadlineEvent('DeadlineMoved', {
          ...meta,
          deadlineId: state.deadlineId,
          dueDate: command.data.dueDate,
          previousDueDate: state.dueDate,
          dueVersion: state.dueVersion + 1,
          reason: command.data.reason,
          cause: command.data.cause,
        }),
      ];
    }
    case 'CancelDeadline': {
      if (state.status === 'none') return notFound();
      if (state.status === 'cancelled') return [];
      return [deadlineEvent('DeadlineCancelled', { ...meta, deadlineId: state.deadlineId, reason: command.data.reason, detail: command.data.detail, cause: command.data.cause })];
    }
    case 'ReinstateDeadline': {
      if (state.status === 'none') return notFound();
      if (state.status === 'open') return [];
      return [deadlineEvent('DeadlineReinstated', { ...meta, deadlineId: state.deadlineId, dueVersion: state.dueVersion + 1, reason: command.data.reason, cause: command.data.cause })];
    }
    case 'SendReminder': {
      const d = command.data;
      const verdict = classifyWakeUp(state, { offsetId: d.offsetId, dueVersion: d.dueVersion }, command.metadata.at, options.calendar);
      if (verdict.kind !== 'due') return [];
      const { reminder, deadline } = verdict;
      const events: DeadlineEvent[] = [
        deadlineEvent('ReminderSent', {
          ...meta,
          deadlineId: deadline.deadlineId,
          offsetId: reminder.offsetId,
          dueVersion: deadline.dueVersion,
          dueDate: deadline.dueDate,
          workingDays: reminder.workingDays,
          phase: reminder.phase,
          plannedAt: reminder.at,
          subject: deadline.subject,
          title: deadline.title,
          organisationName: deadline.organisationName,
          recipients: d.recipients,
        }),
      ];
      if (reminder.escalate) {
        events.push(
          deadlineEvent('DeadlineEscalated', {
            ...meta,
            deadlineId: deadline.deadlineId,
            offsetId: reminder.offsetId,
            dueVersion: deadline.dueVersion,
            toOrganisationId: d.escalation?.toOrganisationId ?? null,
            userIds: d.escalation?.userIds ?? [],
          }),
        );
      }
      return events;
    }
    default: {
      const unhandled: never = command;
      throw new Error(`unknown deadline command ${(unhandled as { type: string }).type}`);
    }
  }
}
