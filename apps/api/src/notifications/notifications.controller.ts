import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { z } from 'zod';
import { EventStore, type SqlClient } from '#eventstore';
import { emailAddressSchema, notificationContactStreamId, notificationEventSchemas, notificationInboxStreamId, parseOrThrow, text } from '#domain';
import { Clock, READ_STORE } from '#platform';
import type { InboxRow } from '../../../worker/src/notifications/notification.projections.js';
import { deterministicUuid } from '../../../worker/src/deadlines/deterministic-id.js';
import { httpProblem } from '../auth/auth-problems.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';

const listQuerySchema = z
  .object({
    unread: z.enum(['true', 'false']).optional(),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

const contactBodySchema = z.object({ email: emailAddressSchema.nullable() }).strict();

function view(row: InboxRow) {
  const { notificationId, kind, phase, title, body, dueDate, createdAt, readAt, subject, deadlineId } = row;
  return { notificationId, kind, phase, title, body, dueDate, createdAt, readAt, read: readAt !== null, subject, deadlineId };
}

/**
 * The caller's own in-app notifications (reminders and escalations), read / unread, and where
 * they want e-mail reminders. The inbox is a projection (rm_notification_inbox); marking one read
 * is an event in `notification-inbox-<userId>`.
 */
@Controller('notifications')
export class NotificationsController {
  constructor(
    private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly sql: SqlClient,
    private readonly clock: Clock,
  ) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, unknown>) {
    const q = parseOrThrow(listQuerySchema, query, 'QUERY_INVALID');
    const unreadOnly = q.unread === 'true';
    const { rows } = await this.sql.query<{ doc: InboxRow }>(
      `SELECT doc FROM rm_notification_inbox
        WHERE doc->>'userId' = $1 AND ($2::boolean IS FALSE OR doc->>'readAt' IS NULL)
        ORDER BY doc->>'createdAt' DESC, id LIMIT $3 OFFSET $4`,
      [principal.userId, unreadOnly, q.pageSize, (q.page - 1) * q.pageSize],
    );
    // total: what the filter matches (for paging); unread: the badge, whatever the filter.
    const { rows: counts } = await this.sql.query<{ total: number; unread: number }>(
      `SELECT count(*) FILTER (WHERE $2::boolean IS FALSE OR doc->>'readAt' IS NULL)::int AS total, count(*) FILTER (WHERE doc->>'readAt' IS NULL)::int AS unread
         FROM rm_notification_inbox WHERE doc->>'userId' = $1`,
      [principal.userId, unreadOnly],
    );
    return { items: rows.map((r) => view(r.doc)), page: q.page, pageSize: q.pageSize, total: counts[0]!.total, unread: counts[0]!.unread };
  }

  @Post(':notificationId/read')
  @HttpCode(200)
  async markRead(@CurrentPrincipal() principal: Principal, @Param('notificationId') notificationId: string) {
    const { rows } = await this.sql.query<{ doc: InboxRow }>('SELECT doc FROM rm_notification_inbox WHERE id = $1', [notificationId]);
    const row = rows[0]?.doc;
    // Someone else's notification is as unknown as a missing one.
    if (!row || row.userId !== principal.userId) throw httpProblem(404, 'NOTIFICATION_NOT_FOUND', text('通知不存在', 'no such notification'), {}, 'notificationId');
    if (row.readAt !== null) return view(row);
    const at = this.clock.now().toISOString();
    const by = { userId: principal.userId, role: principal.role, organisationId: principal.organisationId };
    // One id per (user, notification): marking it read twice appends once.
    await this.eventStore.append(
      notificationInboxStreamId(principal.userId),
      [{ id: deterministicUuid(`read|${principal.userId}|${notificationId}`), type: 'NotificationRead', data: { at, by, userId: principal.userId, notificationId }, metadata: this.metadata(principal, at) }],
      'any',
    );
    return view({ ...row, readAt: at });
  }

  @Get('contact')
  async contact(@CurrentPrincipal() principal: Principal) {
    const { rows } = await this.sql.query<{ email: string | null }>(`SELECT doc->>'email' AS email FROM rm_notification_contacts WHERE id = $1`, [principal.userId]);
    return { email: rows[0]?.email ?? null };
  }

  /** Where e-mail reminders go (null: none). */
  @Put('contact')
  async setContact(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const { email } = parseOrThrow(contactBodySchema, body ?? {}, 'COMMAND_INVALID');
    const at = this.clock.now().toISOString();
    const by = { userId: principal.userId, role: principal.role, organisationId: principal.organisationId };
    await this.eventStore.append(
      notificationContactStreamId(principal.userId),
      [{ id: randomUUID(), type: 'NotificationContactSet', data: { at, by, userId: principal.userId, email }, metadata: this.metadata(principal, at) }],
      'any',
    );
    return { email };
  }

  private metadata(principal: Principal, at: string) {
    return {
      actor: { userId: principal.userId, role: principal.role, organisationId: principal.organisationId },
      correlationId: randomUUID(),
      causationId: null,
      idempotencyKey: null,
      recordedAt: at,
      schemaVersion: notificationEventSchemas.NotificationRead.version,
    };
  }
}
