import { randomUUID } from 'node:crypto';
import type { SqlClient, SqlQueryable } from '#eventstore';
import type { NotificationChannel } from '#domain';

/**
 * The delivery ledger: one row per (reminder, recipient, channel), keyed by the delivery key.
 * It is the outbox (a row is planned before its job is queued, so reconciliation finds every
 * delivery not yet done) and the guard of "exactly one delivery": a sender first claims the row
 * for a lease, sends, then marks it sent. A claim that finds the row sent, dead or claimed by a
 * live lease gets nothing. The one window left — a crash after the receiver accepted and before
 * the mark — ends in a second send with the same idempotency key once the lease has run out.
 */
export const deliveryLedgerSchema = /* sql */ `
CREATE TABLE IF NOT EXISTS notification_deliveries (
  delivery_key text PRIMARY KEY,
  notification_id text NOT NULL,
  deadline_id text NOT NULL,
  offset_id text NOT NULL,
  due_version int NOT NULL,
  user_id text NOT NULL,
  channel text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'claimed', 'sent', 'dead', 'skipped')),
  attempts int NOT NULL DEFAULT 0,
  claim_token text,
  claimed_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  last_error text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS notification_deliveries_unfinished ON notification_deliveries (delivery_key) WHERE status IN ('pending', 'claimed');`;

export type DeliveryStatus = 'pending' | 'claimed' | 'sent' | 'dead' | 'skipped';

export interface PlannedDelivery {
  deliveryKey: string;
  notificationId: string;
  deadlineId: string;
  offsetId: string;
  dueVersion: number;
  userId: string;
  channel: Exclude<NotificationChannel, 'in-app'>;
}

export interface DeliveryRow extends PlannedDelivery {
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
}

export type Claim = { claimed: true; token: string; attempts: number; row: DeliveryRow } | { claimed: false; status: DeliveryStatus | 'unknown' };

interface Raw {
  delivery_key: string;
  notification_id: string;
  deadline_id: string;
  offset_id: string;
  due_version: number;
  user_id: string;
  channel: PlannedDelivery['channel'];
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  sent_at: Date | string | null;
}

const toRow = (r: Raw): DeliveryRow => ({
  deliveryKey: r.delivery_key,
  notificationId: r.notification_id,
  deadlineId: r.deadline_id,
  offsetId: r.offset_id,
  dueVersion: r.due_version,
  userId: r.user_id,
  channel: r.channel,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  sentAt: r.sent_at === null ? null : new Date(r.sent_at).toISOString(),
});

export class DeliveryLedger {
  constructor(private readonly sql: SqlClient) {}

  async ensureSchema(): Promise<void> {
    await this.sql.withSession(async (session) => {
      await session.query('SELECT pg_advisory_lock(746513)');
      try {
        await session.exec(deliveryLedgerSchema);
      } finally {
        await session.query('SELECT pg_advisory_unlock(746513)');
      }
    });
  }

  /** Records deliveries to make (what exists stays as it is); returns the keys still to be sent. */
  async plan(deliveries: readonly PlannedDelivery[], sql: SqlQueryable = this.sql): Promise<string[]> {
    if (deliveries.length === 0) return [];
    const { rows } = await sql.query<{ delivery_key: string }>(
      `WITH planned AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS p(delivery_key text, notification_id text, deadline_id text, offset_id text, due_version int, user_id text, channel text)
       ), inserted AS (
         INSERT INTO notification_deliveries (delivery_key, notification_id, deadline_id, offset_id, due_version, user_id, channel, status)
         SELECT delivery_key, notification_id, deadline_id, offset_id, due_version, user_id, channel, 'pending' FROM planned
         ON CONFLICT (delivery_key) DO NOTHING
         RETURNING delivery_key
       )
       SELECT delivery_key FROM inserted
       UNION
       SELECT d.delivery_key FROM notification_deliveries d JOIN planned p USING (delivery_key) WHERE d.status IN ('pending', 'claimed')`,
      [
        JSON.stringify(
          deliveries.map((d) => ({
            delivery_key: d.deliveryKey,
            notification_id: d.notificationId,
            deadline_id: d.deadlineId,
            offset_id: d.offsetId,
            due_version: d.dueVersion,
            user_id: d.userId,
            channel: d.channel,
          })),
        ),
      ],
    );
    return rows.map((r) => r.delivery_key);
  }

  /** Takes the delivery for `leaseMs` unless it is done or another sender's lease is still running. */
  async claim(key: string, leaseMs: number): Promise<Claim> {
    const token = randomUUID();
    const { rows } = await this.sql.query<Raw>(
      `UPDATE notification_deliveries
          SET status = 'claimed', attempts = attempts + 1, claim_token = $2, claimed_until = now() + ($3::int * interval '1 millisecond'), updated_at = now()
        WHERE delivery_key = $1 AND (status = 'pending' OR (status = 'claimed' AND claimed_until < now()))
        RETURNING *`,
      [key, token, leaseMs],
    );
    const row = rows[0];
    if (row) return { claimed: true, token, attempts: row.attempts, row: toRow(row) };
    return { claimed: false, status: (await this.get(key))?.status ?? 'unknown' };
  }

  /** False when the claim had run out and someone else holds the row now. */
  async markSent(key: string, token: string): Promise<boolean> {
    const { rows } = await this.sql.query(
      `UPDATE notification_deliveries SET status = 'sent', sent_at = now(), claim_token = NULL, claimed_until = NULL, last_error = NULL, updated_at = now()
        WHERE delivery_key = $1 AND claim_token = $2 RETURNING 1`,
      [key, token],
    );
    return rows.length === 1;
  }

  /** Gives the claim back after a failed try, for a retry. */
  async release(key: string, token: string, error: string): Promise<void> {
    await this.sql.query(
      `UPDATE notification_deliveries SET status = 'pending', claim_token = NULL, claimed_until = NULL, last_error = $3, updated_at = now()
        WHERE delivery_key = $1 AND claim_token = $2`,
      [key, token, error.slice(0, 2000)],
    );
  }

  async finish(key: string, token: string, status: 'dead' | 'skipped', error: string | null): Promise<void> {
    await this.sql.query(
      `UPDATE notification_deliveries SET status = $3, claim_token = NULL, claimed_until = NULL, last_error = $4, updated_at = now()
        WHERE delivery_key = $1 AND claim_token = $2`,
      [key, token, status, error?.slice(0, 2000) ?? null],
    );
  }

  async get(key: string): Promise<DeliveryRow | null> {
    const { rows } = await this.sql.query<Raw>('SELECT * FROM notification_deliveries WHERE delivery_key = $1', [key]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Deliveries not done yet, in pages, for reconciliation. */
  async unfinished(after: string, limit: number): Promise<string[]> {
    const { rows } = await this.sql.query<{ delivery_key: string }>(
      `SELECT delivery_key FROM notification_deliveries WHERE status IN ('pending', 'claimed') AND delivery_key > $1 ORDER BY delivery_key LIMIT $2`,
      [after, limit],
    );
    return rows.map((r) => r.delivery_key);
  }

  async counts(): Promise<Array<{ channel: string; status: DeliveryStatus; count: number }>> {
    const { rows } = await this.sql.query<{ channel: string; status: DeliveryStatus; count: number }>(
      'SELECT channel, status, count(*)::int AS count FROM notification_deliveries GROUP BY channel, status ORDER BY channel, status',
    );
    return rows;
  }
}
