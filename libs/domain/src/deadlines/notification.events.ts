import { z } from 'zod';
import { createUpcaster, type UpcasterSteps } from '../report/report.events.js';
import { actorSchema } from '../shared/actor.js';
import { parseOrThrow } from '../shared/zod-problems.js';
import { deadlineIdPartSchema, type NotificationChannel } from './deadline.model.js';

/**
 * A notification is one reminder to one user. Its id is derived from the reminder and the user,
 * so every copy of it (the inbox row, each channel's delivery) is named the same everywhere.
 */
export function notificationId(deadlineId: string, offsetId: string, dueVersion: number, userId: string): string {
  return `${deadlineId}~${offsetId}~${dueVersion}~${userId}`;
}

/** One delivery of a notification over one channel: the key of the delivery ledger and the receiver's idempotency key. */
export function deliveryKey(notification: string, channel: NotificationChannel): string {
  return `${notification}~${channel}`;
}

export function notificationInboxStreamId(userId: string): string {
  return `notification-inbox-${userId}`;
}

export function notificationContactStreamId(userId: string): string {
  return `notification-contact-${userId}`;
}

const meta = { at: z.iso.datetime({ offset: true }), by: actorSchema };

// Lower-case local part rules are the receiving server's business; this only keeps out what is no address.
export const emailAddressSchema = z.email().max(254);

/** The read state of the in-app inbox, and where a user wants e-mail reminders sent. */
export const notificationEventSchemas = {
  NotificationRead: { version: 1, schema: z.object({ ...meta, userId: deadlineIdPartSchema, notificationId: z.string().min(1).max(400) }).strict() },
  NotificationContactSet: { version: 1, schema: z.object({ ...meta, userId: deadlineIdPartSchema, email: emailAddressSchema.nullable() }).strict() },
} as const;

export type NotificationEventType = keyof typeof notificationEventSchemas;
export const notificationEventTypes = Object.keys(notificationEventSchemas) as NotificationEventType[];
export type NotificationEventData<T extends NotificationEventType> = z.output<(typeof notificationEventSchemas)[T]['schema']>;
export type NotificationEvent = { [T in NotificationEventType]: { type: T; data: NotificationEventData<T> } }[NotificationEventType];

export const notificationEventUpcasters: UpcasterSteps = {};
const upcast = createUpcaster(Object.fromEntries(notificationEventTypes.map((type) => [type, notificationEventSchemas[type].version])), notificationEventUpcasters);

export function parseStoredNotificationEvent(stored: { type: string; schemaVersion: number; data: unknown }): NotificationEvent {
  const data = upcast(stored.type, stored.schemaVersion, stored.data);
  const type = stored.type as NotificationEventType;
  return { type, data: parseOrThrow(notificationEventSchemas[type].schema, data, 'EVENT_INVALID', 'data') } as NotificationEvent;
}
