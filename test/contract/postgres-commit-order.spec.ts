import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { canonicalEventBody, openEventStore, type PostgresEventStore } from '#eventstore';
import { createScratchDatabase } from '../support/databases.js';
import { newEvent } from '../support/events.js';

/**
 * The trap named in the design notes: a transaction that drew a lower position commits after one
 * that drew a higher position. A reader must hold the higher one back rather than skip the lower.
 */
describe('PostgreSQL readers and out-of-order commits', () => {
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let store: PostgresEventStore;
  let slow: pg.Client;

  beforeAll(async () => {
    database = await createScratchDatabase('jx_order');
    store = (await openEventStore(database.url)) as PostgresEventStore;
    slow = new pg.Client({ connectionString: database.url });
    await slow.connect();
  });
  afterAll(async () => {
    await slow.end();
    await store.close();
    await database.drop();
  });

  async function beginSlowAppend(streamId: string): Promise<void> {
    const event = newEvent('Slow');
    await slow.query('BEGIN');
    await slow.query('SELECT * FROM es_append($1, -1, $2::text[])', [streamId, [canonicalEventBody(event)]]);
  }

  it('holds back a later position until the earlier transaction commits, then delivers both in order', async () => {
    const head = await store.headPosition();
    await beginSlowAppend('slow-1');
    await store.append('fast-1', [newEvent('Fast')], 'no_stream');
    // The fast event is committed and visible, but handing it out now would skip the slow one.
    expect(await store.readAll({ after: head })).toEqual([]);
    await slow.query('COMMIT');
    expect((await store.readAll({ after: head })).map((e) => e.type)).toEqual(['Slow', 'Fast']);
  });

  it('skips a position whose transaction rolled back once it has ended', async () => {
    const head = await store.headPosition();
    await beginSlowAppend('slow-2');
    await store.append('fast-2', [newEvent('Fast')], 'no_stream');
    expect(await store.readAll({ after: head })).toEqual([]);
    await slow.query('ROLLBACK');
    expect((await store.readAll({ after: head })).map((e) => e.type)).toEqual(['Fast']);
  });

  it('holds back later positions behind an uncommitted batch, then delivers all in order', async () => {
    const head = await store.headPosition();
    const bodies = [newEvent('SlowA'), newEvent('SlowB1'), newEvent('SlowB2')].map((e) => canonicalEventBody(e));
    await slow.query('BEGIN');
    const { rows } = await slow.query<{ out_status: string }>('SELECT out_status FROM es_append_batch($1::text[], $2::bigint[], $3::int[], $4::text[])', [
      ['slow-batch-a', 'slow-batch-b'],
      [-2, -1],
      [1, 2],
      bodies,
    ]);
    expect(rows.map((r) => r.out_status)).toEqual(['ok', 'ok', 'ok']);
    await store.append('fast-4', [newEvent('Fast')], 'no_stream');
    expect(await store.readAll({ after: head })).toEqual([]);
    await slow.query('COMMIT');
    expect((await store.readAll({ after: head })).map((e) => e.type)).toEqual(['SlowA', 'SlowB1', 'SlowB2', 'Fast']);
  });

  it('never shows a subscriber the later event first', async () => {
    const head = await store.headPosition();
    const seen: string[] = [];
    const subscription = store.subscribeToAll({ after: head, onEvent: (e) => void seen.push(e.type) });
    await beginSlowAppend('slow-3');
    await store.append('fast-3', [newEvent('Fast')], 'no_stream');
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toEqual([]);
    await slow.query('COMMIT');
    const deadline = Date.now() + 5000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await subscription.close();
    expect(seen).toEqual(['Slow', 'Fast']);
  });
});
