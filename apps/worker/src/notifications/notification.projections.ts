import type { RecordedEvent } from '#eventstore';
import { notificationId, parseStoredDeadlineEvent, parseStoredNotificationEvent } from '#domain';
import type { Projection } from '#projections';
import { renderReminder } from './templates.js';

/** rm_notification_inbox: one row per reminder per user with the in-app channel. */
export type InboxRow = {
  notificationId: string;
  userId: string;
  deadlineId: string;
  offsetId: string;
  dueVersion: number;
  kind: 'reminder' | 'escalation';
  phase: 'before' | 'due' | 'overdue';
  subject: { kind: string; [key: string]: string };
  title: string;
  body: string;
  dueDate: string;
  createdAt: string;
  readAt: string | null;
};

/** rm_notification_contacts: where a user wants e-mail reminders. */
export type ContactRow = { userId: string; email: string | null; updatedAt: string };

const stored = (event: RecordedEvent) => ({ type: event.type, schemaVersion: event.metadata.schemaVersion, data: event.data });

function inAppRecipients(event: RecordedEvent) {
  const data = event.data as { recipients?: Array<{ userId: string; channels: string[] }> };
  return (data.recipients ?? []).filter((r) => r.channels.includes('in-app'));
}

export const inboxProjection: Projection<InboxRow> = {
  name: 'notification_inbox',
  version: 1,
  handles: ['ReminderSent', 'NotificationRead'],
  keys(event) {
    if (event.type === 'NotificationRead') return [(event.data as { notificationId: string }).notificationId];
    const d = event.data as { deadlineId: string; offsetId: string; dueVersion: number };
    return inAppRecipients(event).map((r) => notificationId(d.deadlineId, d.offsetId, d.dueVersion, r.userId));
  },
  evolve(row, recorded, key) {
    if (recorded.type === 'NotificationRead') {
      const event = parseStoredNotificationEvent(stored(recorded));
      if (event.type !== 'NotificationRead' || row === null || row.userId !== event.data.userId) return row;
      return row.readAt === null ? { ...row, readAt: event.data.at } : row;
    }
    if (row !== null) return row;
    const event = parseStoredDeadlineEvent(stored(recorded));
    if (event.type !== 'ReminderSent') return row;
    const d = event.data;
    const recipient = d.recipients.find((r) => notificationId(d.deadlineId, d.offsetId, d.dueVersion, r.userId) === key);
    if (!recipient) return null;
    const rendered = renderReminder(d, recipient);
    return {
      notificationId: key,
      userId: recipient.userId,
      deadlineId: d.deadlineId,
      offsetId: d.offsetId,
      dueVersion: d.dueVersion,
      kind: rendered.kind,
      phase: d.phase,
      subject: d.subject,
      title: rendered.title,
      body: rendered.body,
      dueDate: d.dueDate,
      createdAt: d.at,
      readAt: null,
    };
  },
  extraSchema: `CREATE INDEX IF NOT EXISTS rm_notification_inbox_user ON rm_notification_inbox ((doc->>'userId'), (doc->>'createdAt') DESC);`,
};

export const contactsProjection: Projection<ContactRow> = {
  name: 'notification_contacts',
  version: 1,
  handles: ['NotificationContactSet'],
  keys: (event) => [(event.data as { userId: string }).userId],
  evolve(_row, recorded) {
    const event = parseStoredNotificationEvent(stored(recorded));
    if (event.type !== 'NotificationContactSet') return _row;
    return { userId: event.data.userId, email: event.data.email, updatedAt: event.data.at };
  },
};

/** Run in their own ProjectionRunner (their own advisory locks), beside the read models. */
export const notificationProjections: readonly Projection[] = [inboxProjection as unknown as Projection, contactsProjection as unknown as Projection];
