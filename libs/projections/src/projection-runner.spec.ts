import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openEventStore, openSqlClient, type EventStore, type RecordedEvent, type SqlClient } from '#eventstore';
import { createScratchDatabase } from '../../../test/support/databases.js';
import { newEvent } from '../../../test/support/events.js';
import type { Projection } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';
import { readCheckpoint, tableChecksum } from './projection-store.js';

interface Tally extends Record<string, unknown> {
  stream: string;
  count: number;
  last: string;
}

function tallyProjection(version = 1, failOn?: string, name = 'tally'): Projection<Tally> {
  return {
    name,
    version,
    handles: ['Counted', 'Reset'],
    keys: (event: RecordedEvent) => [event.streamId],
    evolve: (row, event) => {
      if (failOn !== undefined && (event.data as { label?: string }).label === failOn) throw new Error(`cannot project ${failOn}`);
      if (event.type === 'Reset') return null;
      return { stream: event.streamId, count: (row?.count ?? 0) + 1, last: String((event.data as { label: string }).label) };
    },
  };
}

/** A tally whose rows PostgreSQL refuses for one label: jsonb cannot hold a NUL character. */
function unstorableTally(name: string, unstorable: string): Projection<Tally> {
  const tally = tallyProjection(1, undefined, name);
  return {
    ...tally,
    evolve: (row, event, key) => {
      const next = tally.evolve(row, event, key);
      return next && next.last === unstorable ? { ...next, last: 'nul\u0000' } : next;
    },
  };
}

async function appendInterleaved(store: EventStore, prefix: string, streams: number, eventsEach: number): Promise<void> {
  for (let n = 0; n < eventsEach; n++) {
    for (let s = 0; s < streams; s++) {
      await store.append(`${prefix}${s}`, [newEvent('Counted', { label: `${prefix}${s}-${n}` })], n === 0 ? 'no_stream' : n - 1);
    }
  }
}

async function rows(sql: SqlClient): Promise<Record<string, Tally>> {
  const { rows: all } = await sql.query<{ id: string; doc: Tally }>('SELECT id, doc FROM rm_tally ORDER BY id');
  return Object.fromEntries(all.map((r) => [r.id, r.doc]));
}

describe.each(['pglite', 'postgres'] as const)('ProjectionRunner on %s', (kind) => {
  let store: EventStore;
  let sql: SqlClient;
  let drop = async () => {};

  beforeAll(async () => {
    let url = 'pglite://memory';
    if (kind === 'postgres') {
      const database = await createScratchDatabase('jx_projection');
      url = database.url;
      drop = database.drop;
    }
    sql = await openSqlClient(url);
    const { PostgresEventStore } = await import('#eventstore');
    store = kind === 'pglite' ? await PostgresEventStore.create(sql) : await openEventStore(url);
  });
  afterAll(async () => {
    await store.close();
    if (kind === 'postgres') await sql.close();
    await drop();
  });

  it('folds every handled event into rows and checkpoints at the head', async () => {
    await store.append('a', [newEvent('Counted', { label: 'a1' }), newEvent('Ignored'), newEvent('Counted', { label: 'a2' })], 'no_stream');
    await store.append('b', [newEvent('Counted', { label: 'b1' })], 'no_stream');
    await store.append('c', [newEvent('Counted', { label: 'c1' }), newEvent('Reset')], 'no_stream');
    const runner = new ProjectionRunner(store, sql, [tallyProjection()], { batchSize: 2 });
    await runner.catchUp();
    expect(await rows(sql)).toEqual({
      a: { stream: 'a', count: 2, last: 'a2' },
      b: { stream: 'b', count: 1, last: 'b1' },
    });
    const [status] = await runner.status();
    expect(status).toMatchObject({ name: 'tally', lag: 0n, position: await store.headPosition() });
  });

  it('writes nothing of a batch whose projection fails, and resumes from the last good checkpoint', async () => {
    const before = await tableChecksum(sql, tallyProjection());
    await store.append('a', [newEvent('Counted', { label: 'a3' }), newEvent('Counted', { label: 'poison' })], 1 + 1);
    const failing = new ProjectionRunner(store, sql, [tallyProjection(1, 'poison')], { batchSize: 10 });
    await expect(failing.catchUp()).rejects.toThrow('cannot project poison');
    expect(await tableChecksum(sql, tallyProjection())).toEqual(before);
    const fixed = new ProjectionRunner(store, sql, [tallyProjection()], { batchSize: 10 });
    await fixed.catchUp();
    expect((await rows(sql)).a).toEqual({ stream: 'a', count: 4, last: 'poison' });
  });

  it('rebuilds when the projection version changes, and equals a fresh rebuild', async () => {
    const live = await tableChecksum(sql, tallyProjection());
    const bumped = new ProjectionRunner(store, sql, [tallyProjection(2)], { batchSize: 3 });
    await bumped.catchUp();
    expect(await tableChecksum(sql, tallyProjection(2))).toEqual(live);
    await bumped.rebuild();
    expect(await tableChecksum(sql, tallyProjection(2))).toEqual(live);
  });

  it('follows new events live once started', async () => {
    const runner = new ProjectionRunner(store, sql, [tallyProjection(2)], { idleMs: 10 });
    runner.start();
    await store.append('d', [newEvent('Counted', { label: 'd1' })], 'no_stream');
    const deadline = Date.now() + 10_000;
    while (!(await rows(sql)).d && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await runner.stop();
    expect((await rows(sql)).d).toEqual({ stream: 'd', count: 1, last: 'd1' });
  });

  it('folds on the rows it remembers, and reads back the ones it forgot, to the same rows as one big batch', async () => {
    await appendInterleaved(store, 'm', 6, 5);
    const reference = new ProjectionRunner(store, sql, [tallyProjection(1, undefined, 'tally_reference')], { batchSize: 1000 });
    await reference.catchUp();
    // Batches of 3 over 6 interleaved streams, remembering one row: most rows are read back.
    const opening = { ...tallyProjection(1, undefined, 'tally_forgetful'), creates: (event: RecordedEvent) => event.revision === 0 };
    const forgetful = new ProjectionRunner(store, sql, [opening], { batchSize: 3, rememberedRows: 1 });
    await forgetful.catchUp();
    const expected = await tableChecksum(sql, tallyProjection(1, undefined, 'tally_reference'));
    expect(expected.rows).toBeGreaterThanOrEqual(6);
    expect(await tableChecksum(sql, opening)).toEqual(expected);
  });

  it('commits nothing of a batch the database refuses, keeps the batches before it, and resumes without applying anything twice', async () => {
    await appendInterleaved(store, 'n', 3, 6);
    const reference = new ProjectionRunner(store, sql, [tallyProjection(1, undefined, 'tally_expected')], { batchSize: 1000 });
    await reference.catchUp();
    const refused = (await store.readAll({ maxCount: 10_000 })).find((e) => (e.data as { label?: string }).label === 'n1-4')!;
    // Batches of 2 from the first event: several commit before the refused one, and the batch
    // after it is already folded when the refusal arrives.
    const failing = new ProjectionRunner(store, sql, [unstorableTally('tally_resumed', 'n1-4')], { batchSize: 2 });
    await expect(failing.catchUp()).rejects.toThrow();
    const checkpoint = (await readCheckpoint(sql, 'tally_resumed'))!;
    expect(checkpoint.position).toBeGreaterThan(0n);
    expect(checkpoint.position).toBeLessThan(refused.position);
    const resumed = new ProjectionRunner(store, sql, [tallyProjection(1, undefined, 'tally_resumed')], { batchSize: 2 });
    await resumed.catchUp();
    expect(await tableChecksum(sql, tallyProjection(1, undefined, 'tally_resumed'))).toEqual(await tableChecksum(sql, tallyProjection(1, undefined, 'tally_expected')));
  });

  if (kind === 'postgres') {
    it('lets only one of two runners be active for a projection', async () => {
      const first = new ProjectionRunner(store, sql, [tallyProjection(2)], { idleMs: 10, retryMs: 50 });
      const second = new ProjectionRunner(store, sql, [tallyProjection(2)], { idleMs: 10, retryMs: 50 });
      first.start();
      await new Promise((r) => setTimeout(r, 300));
      second.start();
      await new Promise((r) => setTimeout(r, 300));
      expect([(await first.status())[0]!.active, (await second.status())[0]!.active]).toEqual([true, false]);
      await first.stop();
      const deadline = Date.now() + 5000;
      while (!(await second.status())[0]!.active && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect((await second.status())[0]!.active).toBe(true);
      const before = await tableChecksum(sql, tallyProjection(2));
      await expect(new ProjectionRunner(store, sql, [tallyProjection(2)]).rebuild()).rejects.toThrow('another process is running these projections');
      // The refused rebuild emptied nothing under the live runner.
      expect(await tableChecksum(sql, tallyProjection(2))).toEqual(before);
      await second.stop();
    });
  }
});
