import type { LocalDate } from '../calendar/local-date.js';
import type { DeadlineActor, DeadlineCause, DeadlineSubject, RecipientSpec, DeadlineOffset } from './deadline.model.js';
import type { DeadlineEvent } from './deadline.events.js';

export interface DeadlineAggregate {
  status: 'open' | 'cancelled';
  deadlineId: string;
  subject: DeadlineSubject;
  title: string;
  organisationId: string;
  organisationName: string | null;
  dueDate: LocalDate;
  /** 1 when scheduled; every move or reinstatement starts a new version with its own reminders. */
  dueVersion: number;
  /** When the current version began: reminders planned at or before it are not sent. */
  versionFrom: string;
  offsets: DeadlineOffset[];
  recipients: RecipientSpec;
  /** `<offsetId>@<dueVersion>` of every reminder sent. */
  sent: string[];
  escalated: string[];
  scheduledAt: string;
  scheduledBy: DeadlineActor;
  cancelledAt: string | null;
  cancelReason: string | null;
  /** The latest cause recorded: commands from causes not after it are replays. */
  lastCause: DeadlineCause | null;
  updatedAt: string;
}

export type DeadlineState = { status: 'none' } | DeadlineAggregate;

export function initialDeadlineState(): DeadlineState {
  return { status: 'none' };
}

export function sentKey(offsetId: string, dueVersion: number): string {
  return `${offsetId}@${dueVersion}`;
}

function corrupt(event: DeadlineEvent, why: string): never {
  throw new Error(`Deadline stream is inconsistent: ${event.type} ${why}`);
}

export function evolveDeadline(state: DeadlineState, event: DeadlineEvent): DeadlineState {
  if (event.type === 'DeadlineScheduled') {
    if (state.status !== 'none') return corrupt(event, 'on an existing deadline');
    const d = event.data;
    return {
      status: 'open',
      deadlineId: d.deadlineId,
      subject: d.subject,
      title: d.title,
      organisationId: d.organisationId,
      organisationName: d.organisationName,
      dueDate: d.dueDate,
      dueVersion: 1,
      versionFrom: d.at,
      offsets: d.offsets,
      recipients: d.recipients,
      sent: [],
      escalated: [],
      scheduledAt: d.at,
      scheduledBy: d.by,
      cancelledAt: null,
      cancelReason: null,
      lastCause: d.cause,
      updatedAt: d.at,
    };
  }
  if (state.status === 'none') return corrupt(event, 'before DeadlineScheduled');
  switch (event.type) {
    case 'DeadlineMoved':
      return { ...state, dueDate: event.data.dueDate, dueVersion: event.data.dueVersion, versionFrom: event.data.at, lastCause: event.data.cause ?? state.lastCause, updatedAt: event.data.at };
    case 'DeadlineCancelled':
      return { ...state, status: 'cancelled', cancelledAt: event.data.at, cancelReason: event.data.reason, lastCause: event.data.cause ?? state.lastCause, updatedAt: event.data.at };
    case 'DeadlineReinstated':
      return {
        ...state,
        status: 'open',
        dueVersion: event.data.dueVersion,
        versionFrom: event.data.at,
        cancelledAt: null,
        cancelReason: null,
        lastCause: event.data.cause ?? state.lastCause,
        updatedAt: event.data.at,
      };
    case 'ReminderSent':
      return { ...state, sent: [...state.sent, sentKey(event.data.offsetId, event.data.dueVersion)], updatedAt: event.data.at };
    case 'DeadlineEscalated':
      return { ...state, escalated: [...state.escalated, sentKey(event.data.offsetId, event.data.dueVersion)], updatedAt: event.data.at };
    default: {
      const unhandled: never = event;
      return corrupt(unhandled, 'is not a deadline event');
    }
  }
}

export function evolveDeadlineAll(events: readonly DeadlineEvent[], from: DeadlineState = initialDeadlineState()): DeadlineState {
  return events.reduce(evolveDeadline, from);
}
