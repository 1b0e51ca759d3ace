import type { ReadAllOptions, ReadStreamOptions, RecordedEvent } from '../event-store.js';
import { EVENT_COLUMNS, toRecorded, type EventRow } from './event-rows.js';
import type { SqlClient } from './sql-client.js';

function parseXidList(value: string[] | string | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  // The query sends the list as text, {123,456}: pg would otherwise parse an array on every row.
  return value.replace(/[{}]/g, '').split(',').filter((x) => x.length > 0);
}

/**
 * The reading side of the PostgreSQL adapter.
 *
 * Positions come from a sequence, and PostgreSQL transactions commit out of sequence order: a
 * reader that sees position 12 may later see 10 appear. Readers therefore hand out events only up
 * to the first gap, and treat a gap as permanent (a rolled-back append) only once every
 * transaction that was running when the gap was seen has ended. An appender takes a transaction
 * id before drawing a position (es_append and es_append_batch both start with it), so the
 * transaction holding a missing position was always among those running.
 */
export class PostgresReader {
  constructor(private readonly sql: SqlClient) {}

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.sql.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events
        WHERE stream_id = $1 AND revision >= $2 AND revision <= $3
        ORDER BY es_events.revision LIMIT $4`,
      [streamId, options.fromRevision ?? 0, options.toRevision ?? Number.MAX_SAFE_INTEGER, options.maxCount ?? Number.MAX_SAFE_INTEGER],
    );
    return rows.map(toRecorded);
  }

  async streamRevision(streamId: string): Promise<number | null> {
    const { rows } = await this.sql.query<{ revision: number }>(
      'SELECT revision::int AS revision FROM es_events WHERE stream_id = $1 ORDER BY revision DESC LIMIT 1',
      [streamId],
    );
    return rows[0]?.revision ?? null;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0n;
    const maxCount = options.maxCount ?? 1000;
    const first = await this.readContiguous(after, maxCount, null);
    if (first.gap === null || first.events.length > 0) return first.events;
    // Nothing deliverable: positions right after `after` are missing. Read again; if, in that
    // read's own snapshot, every transaction that was running when the gap was seen has ended,
    // whatever is still missing below the first visible position was rolled back and will never
    // appear. If not, there is nothing to hand out yet; the caller polls again.
    return (await this.readContiguous(after, maxCount, first.gap)).events;
  }

  /**
   * Reads events after `after` in position order, stopping before the first gap. With `awaited`
   * (a gap seen by an earlier read), gaps below its first visible position are skipped when none
   * of the transactions running at that earlier read is still running in this read's snapshot.
   *
   * "Still running" is judged by the snapshot itself (pg_visible_in_snapshot), not by the commit
   * log: a transaction is marked committed in the log a moment before it leaves the snapshot's
   * running set, and in that moment its rows are still invisible. Only transactions of this
   * database count: no other database's transaction can hold one of our positions.
   */
  private async readContiguous(
    after: bigint,
    maxCount: number,
    awaited: { runningXids: string[]; nextVisible: bigint } | null,
  ): Promise<{ events: RecordedEvent[]; gap: { runningXids: string[]; nextVisible: bigint } | null }> {
    const { rows } = await this.sql.query<EventRow & { snapshot_xip: string[] | string | null; awaited_running: number }>(
      `WITH snap AS (SELECT pg_current_snapshot() AS s),
            still AS (
              SELECT count(*)::int AS n FROM unnest($3::text[]) x
               WHERE NOT pg_visible_in_snapshot(x::xid8, (SELECT s FROM snap))
                 AND x::xid8::xid IN (SELECT backend_xid FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL))
       SELECT ${EVENT_COLUMNS},
              ARRAY(SELECT x::text FROM pg_snapshot_xip((SELECT s FROM snap)) x)::text AS snapshot_xip,
              (SELECT n FROM still) AS awaited_running
         FROM es_events WHERE es_events.position > $1 ORDER BY es_events.position LIMIT $2`,
      [after.toString(), maxCount, awaited?.runningXids ?? []],
    );
    const settledBelow = awaited !== null && rows.length > 0 && rows[0]!.awaited_running === 0 ? awaited.nextVisible : after;
    const events: RecordedEvent[] = [];
    let expected = after + 1n;
    for (const row of rows) {
      const position = BigInt(row.position);
      if (position !== expected && position > settledBelow) {
        return { events, gap: { runningXids: parseXidList(row.snapshot_xip), nextVisible: position } };
      }
      events.push(toRecorded(row));
      expected = position + 1n;
    }
    return { events, gap: null };
  }

  async headPosition(): Promise<bigint> {
    const { rows } = await this.sql.query<{ head: string | null }>('SELECT max(position)::text AS head FROM es_events');
    return BigInt(rows[0]?.head ?? '0');
  }
}
