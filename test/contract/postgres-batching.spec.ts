import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  DuplicateEventIdError,
  openEventStore,
  WrongExpectedRevisionError,
  type AppendResult,
  type NewEvent,
  type PostgresEventStore,
  type PostgresEventStoreOptions,
  type RecordedEvent,
} from '#eventstore';
import { createScratchDatabase } from '../support/databases.js';
import { newEvent } from '../support/events.js';

/**
 * Group commit in the PostgreSQL adapter: appends that arrive while others are in flight leave
 * together as one es_append_batch statement. Every caller must still get exactly its own outcome.
 */

const stream = (label: string) => `${label}-${randomUUID()}`;

type Outcome = PromiseSettledResult<AppendResult>;

/**
 * Runs the appends as one batch: on a store with one statement in flight, a blocker append takes
 * the slot and the appends, issued meanwhile, queue up behind it and leave together.
 */
async function inOneBatch(store: PostgresEventStore, appends: Array<() => Promise<AppendResult>>): Promise<Outcome[]> {
  // A batch that just finished frees its slot one turn of the event loop after its callers hear back.
  await new Promise((resolve) => setImmediate(resolve));
  const before = store.appendStats;
  const blocker = store.append(stream('blocker'), [newEvent('Blocker')], 'no_stream');
  const outcomes = Promise.allSettled(appends.map((append) => append()));
  await blocker;
  const settled = await outcomes;
  const after = store.appendStats;
  expect(after.batches - before.batches).toBe(1);
  expect(after.batchedAppends - before.batchedAppends).toBe(appends.length);
  return settled;
}

function fulfilled(outcome: Outcome | undefined): AppendResult {
  if (outcome?.status !== 'fulfilled') throw new Error(`expected a result, got ${outcome ? String(outcome.reason) : 'nothing'}`);
  return outcome.value;
}

function conflict(outcome: Outcome | undefined): WrongExpectedRevisionError {
  if (outcome?.status !== 'rejected') throw new Error('expected a WrongExpectedRevisionError, got a result');
  expect(outcome.reason).toBeInstanceOf(WrongExpectedRevisionError);
  return outcome.reason as WrongExpectedRevisionError;
}

const positionOrder = (a: RecordedEvent, b: RecordedEvent) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0);

/** The batch semantics, on a server and on PGlite. */
function batchSemantics(adapter: string, open: (options: PostgresEventStoreOptions) => Promise<{ store: PostgresEventStore; dispose: () => Promise<void> }>) {
  describe(`append batches on ${adapter}`, () => {
    let store: PostgresEventStore;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      ({ store, dispose } = await open({ maxAppendStatementsInFlight: 1 }));
    });
    afterAll(async () => {
      await dispose?.();
    });

    it('lets exactly one append win each revision of a stream within one batch; the others get the actual revision', async () => {
      const id = stream('contended');
      await store.append(id, [newEvent('Created')], 'no_stream');
      const expectations = [0, 0, 0, 1, 1, 2];
      const outcomes = await inOneBatch(
        store,
        expectations.map((expected, i) => () => store.append(id, [newEvent('Edited', { i })], expected)),
      );
      expect(fulfilled(outcomes[0]).nextExpectedRevision).toBe(1);
      expect(conflict(outcomes[1])).toMatchObject({ streamId: id, expected: 0, actual: 1 });
      expect(conflict(outcomes[2])).toMatchObject({ expected: 0, actual: 1 });
      expect(fulfilled(outcomes[3]).nextExpectedRevision).toBe(2);
      expect(conflict(outcomes[4])).toMatchObject({ expected: 1, actual: 2 });
      expect(fulfilled(outcomes[5]).nextExpectedRevision).toBe(3);
      const events = await store.readStream(id);
      expect(events.map((e) => e.data)).toEqual([{}, { i: 0 }, { i: 3 }, { i: 5 }]);
      expect(await store.verifyStream(id)).toMatchObject({ ok: true, events: 4 });
    });

    it('checks no_stream and stream_exists against the appends before it in the batch', async () => {
      const fresh = stream('fresh');
      const missing = stream('missing');
      const outcomes = await inOneBatch(store, [
        () => store.append(fresh, [newEvent('A')], 'no_stream'),
        () => store.append(fresh, [newEvent('B')], 'no_stream'),
        () => store.append(fresh, [newEvent('C')], 'stream_exists'),
        () => store.append(missing, [newEvent('X')], 'stream_exists'),
        () => store.append(fresh, [newEvent('D')], 'any'),
      ]);
      expect(fulfilled(outcomes[0]).nextExpectedRevision).toBe(0);
      expect(conflict(outcomes[1])).toMatchObject({ expected: 'no_stream', actual: 0 });
      expect(fulfilled(outcomes[2]).nextExpectedRevision).toBe(1);
      expect(conflict(outcomes[3])).toMatchObject({ streamId: missing, expected: 'stream_exists', actual: null });
      expect(fulfilled(outcomes[4]).nextExpectedRevision).toBe(2);
      expect((await store.readStream(fresh)).map((e) => e.type)).toEqual(['A', 'C', 'D']);
      expect(await store.readStream(missing)).toEqual([]);
    });

    it('does not fail the other appends of a batch when one conflicts', async () => {
      const a = stream('a');
      const b = stream('b');
      const c = stream('c');
      await store.append(b, [newEvent('B0')], 'no_stream');
      const outcomes = await inOneBatch(store, [
        () => store.append(a, [newEvent('A0'), newEvent('A1')], 'no_stream'),
        () => store.append(b, [newEvent('B-late')], 7),
        () => store.append(c, [newEvent('C0'), newEvent('C1'), newEvent('C2')], 'no_stream'),
        () => store.append(a, [newEvent('A2')], 1),
      ]);
      const first = fulfilled(outcomes[0]);
      expect(first.events.map((e) => [e.revision, e.type])).toEqual([
        [0, 'A0'],
        [1, 'A1'],
      ]);
      expect(conflict(outcomes[1])).toMatchObject({ streamId: b, expected: 7, actual: 0 });
      expect(fulfilled(outcomes[2]).nextExpectedRevision).toBe(2);
      const last = fulfilled(outcomes[3]);
      expect(last.events[0]!.previousHash).toBe(first.events[1]!.hash);
      // Positions follow the order of the appends in the batch.
      const positions = outcomes.filter((o) => o.status === 'fulfilled').flatMap((o) => fulfilled(o).events.map((e) => e.position));
      expect([...positions].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(positions);
      expect((await store.readStream(a)).map((e) => e.type)).toEqual(['A0', 'A1', 'A2']);
      expect((await store.readStream(b)).map((e) => e.type)).toEqual(['B0']);
      for (const id of [a, b, c]) expect((await store.verifyStream(id)).ok).toBe(true);
      // What each caller got is what is stored.
      expect((await store.readStream(c)).map((e) => e.hash)).toEqual(fulfilled(outcomes[2]).events.map((e) => e.hash));
    });

    it('answers a retry inside a batch with the stored events, whether the original is in the same batch or committed before', async () => {
      const same = stream('same-batch');
      const sameAny = stream('same-batch-any');
      const earlier = stream('earlier');
      const events: NewEvent[] = [newEvent('A'), newEvent('B')];
      const anyEvents: NewEvent[] = [newEvent('C')];
      const earlierEvents: NewEvent[] = [newEvent('D'), newEvent('E')];
      const stored = await store.append(earlier, earlierEvents, 'no_stream');
      const outcomes = await inOneBatch(store, [
        () => store.append(same, events, 'no_stream'),
        () => store.append(same, events, 'no_stream'),
        () => store.append(sameAny, anyEvents, 'any'),
        () => store.append(sameAny, anyEvents, 'any'),
        () => store.append(earlier, earlierEvents, 'no_stream'),
        () => store.append(earlier, earlierEvents, 'any'),
      ]);
      const original = fulfilled(outcomes[0]);
      expect(fulfilled(outcomes[1]).events.map((e) => e.position)).toEqual(original.events.map((e) => e.position));
      expect(fulfilled(outcomes[3]).events.map((e) => e.position)).toEqual(fulfilled(outcomes[2]).events.map((e) => e.position));
      expect(fulfilled(outcomes[4]).events.map((e) => e.position)).toEqual(stored.events.map((e) => e.position));
      expect(fulfilled(outcomes[5]).events.map((e) => e.position)).toEqual(stored.events.map((e) => e.position));
      expect(await store.readStream(same)).toHaveLength(2);
      expect(await store.readStream(sameAny)).toHaveLength(1);
      expect(await store.readStream(earlier)).toHaveLength(2);
    });

    it('refuses an event id reused on another stream with DuplicateEventIdError, and only that append', async () => {
      const owner = stream('owner');
      const taken = newEvent('Taken');
      await store.append(owner, [taken], 'no_stream');
      const ok = stream('ok');
      const thief = stream('thief');
      const partial = stream('partial');
      const outcomes = await inOneBatch(store, [
        () => store.append(ok, [newEvent('A')], 'no_stream'),
        () => store.append(thief, [taken], 'any'),
        () => store.append(ok, [newEvent('B')], 0),
      ]);
      expect(fulfilled(outcomes[0]).nextExpectedRevision).toBe(0);
      expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: expect.any(DuplicateEventIdError) });
      expect(fulfilled(outcomes[2]).nextExpectedRevision).toBe(1);

      // The reused id second in its append, or in an append with an exact expectation (which no
      // retry passes): the batch statement fails on the unique key, and is re-run one append at a
      // time so that only the callers of those appends see the error.
      const fallbacks = store.appendStats.fallbacks;
      const exact = stream('exact-thief');
      const again = await inOneBatch(store, [
        () => store.append(ok, [newEvent('C')], 1),
        () => store.append(partial, [newEvent('Fresh'), taken], 'no_stream'),
        () => store.append(exact, [taken], 'no_stream'),
        () => store.append(ok, [newEvent('D')], 2),
      ]);
      expect(store.appendStats.fallbacks).toBe(fallbacks + 1);
      expect(fulfilled(again[0]).nextExpectedRevision).toBe(2);
      expect(again[1]).toMatchObject({ status: 'rejected', reason: expect.any(DuplicateEventIdError) });
      expect(again[2]).toMatchObject({ status: 'rejected', reason: expect.any(DuplicateEventIdError) });
      expect(fulfilled(again[3]).nextExpectedRevision).toBe(3);
      expect((await store.readStream(ok)).map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
      expect(await store.readStream(thief)).toEqual([]);
      expect(await store.readStream(partial)).toEqual([]);
      expect(await store.readStream(exact)).toEqual([]);
      expect((await store.readStream(owner)).map((e) => e.id)).toEqual([taken.id]);
    });

    it('gives each caller of a batch its own error when one append cannot be stored at all', async () => {
      const good = stream('good');
      const bad = stream('bad');
      const broken: NewEvent = { ...newEvent('Broken'), id: 'not-a-uuid' };
      const outcomes = await inOneBatch(store, [
        () => store.append(good, [newEvent('A')], 'no_stream'),
        () => store.append(bad, [broken], 'no_stream'),
        () => store.append(good, [newEvent('B')], 0),
      ]);
      expect(fulfilled(outcomes[0]).nextExpectedRevision).toBe(0);
      expect(outcomes[1]!.status).toBe('rejected');
      expect(fulfilled(outcomes[2]).nextExpectedRevision).toBe(1);
      expect(await store.readStream(bad)).toEqual([]);
    });
  });
}

batchSemantics('postgres', async (options) => {
  const database = await createScratchDatabase('jx_batch');
  const store = (await openEventStore(database.url, options)) as PostgresEventStore;
  return {
    store,
    dispose: async () => {
      await store.close();
      await database.drop();
    },
  };
});

batchSemantics('pglite', async (options) => {
  const store = (await openEventStore('pglite://memory', options)) as PostgresEventStore;
  return { store, dispose: () => store.close() };
});

describe('append batches on PostgreSQL under concurrency', () => {
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let store: PostgresEventStore;
  let other: PostgresEventStore;

  beforeAll(async () => {
    database = await createScratchDatabase('jx_batchc');
    store = (await openEventStore(database.url, { maxConnections: 20 })) as PostgresEventStore;
    // A second process on the same database: its batches race with the first one's.
    other = (await openEventStore(database.url, { maxConnections: 20, maxAppendStatementsInFlight: 3 })) as PostgresEventStore;
  });
  afterAll(async () => {
    await other?.close();
    await store?.close();
    await database?.drop();
  });

  it('lands many concurrent appends on different streams once each, in order per stream, with valid chains', async () => {
    const before = store.appendStats;
    const prefix = stream('many');
    const writers = 32;
    const appendsPerWriter = 20;
    const appended = new Map<string, string[]>();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const streams = [`${prefix}-${w}-a`, `${prefix}-${w}-b`];
        for (let i = 0; i < appendsPerWriter; i++) {
          const id = streams[i % 2]!;
          const events = [newEvent('Tick', { w, i }), ...(i % 3 === 0 ? [newEvent('Tock', { w, i })] : [])];
          const ids = appended.get(id) ?? [];
          const result = await store.append(id, events, ids.length === 0 ? 'no_stream' : ids.length - 1);
          expect(result.nextExpectedRevision).toBe(ids.length + events.length - 1);
          appended.set(id, [...ids, ...events.map((e) => e.id)]);
        }
      }),
    );
    const after = store.appendStats;
    expect(after.batches).toBeGreaterThan(before.batches);
    expect(after.batchedAppends - before.batchedAppends).toBeGreaterThan(writers * appendsPerWriter * 0.5);
    expect(after.fallbacks).toBe(before.fallbacks);
    for (const [id, ids] of appended) {
      const events = await store.readStream(id);
      expect(events.map((e) => e.id)).toEqual(ids);
      expect([...events].sort(positionOrder)).toEqual(events);
      expect(await store.verifyStream(id)).toMatchObject({ ok: true, events: ids.length });
    }
  });

  it('lets concurrent batches of two stores race on the same streams without failing a batch as a whole', async () => {
    const streams = Array.from({ length: 4 }, () => stream('shared'));
    const fallbacks = store.appendStats.fallbacks + other.appendStats.fallbacks;
    let appended = 0;
    let wins = 0;
    let conflicts = 0;
    await Promise.all(
      [store, other].flatMap((s) =>
        Array.from({ length: 8 }, async (_, w) => {
          for (let i = 0; i < 15; i++) {
            const id = streams[(w + i) % streams.length]!;
            await s.append(id, [newEvent('Any', { w, i })], 'any');
            appended++;
            // And exact revisions, read just before: some lose, none may corrupt the stream.
            const revision = await s.streamRevision(id);
            try {
              await s.append(id, [newEvent('Exact', { w, i })], revision ?? 'no_stream');
              wins++;
            } catch (error) {
              if (!(error instanceof WrongExpectedRevisionError)) throw error;
              conflicts++;
            }
          }
        }),
      ),
    );
    expect(appended).toBe(2 * 8 * 15);
    expect(wins + conflicts).toBe(2 * 8 * 15);
    expect(wins).toBeGreaterThan(0);
    expect(store.appendStats.fallbacks + other.appendStats.fallbacks).toBe(fallbacks);
    let total = 0;
    for (const id of streams) {
      const verification = await store.verifyStream(id);
      expect(verification.ok).toBe(true);
      total += verification.events;
    }
    expect(total).toBe(appended + wins);
  });

  it('shows readers every event once, in position order, while batches commit concurrently', async () => {
    const start = await store.headPosition();
    const prefix = stream('readers');
    const mine = (e: RecordedEvent) => e.streamId.startsWith(prefix);
    const subscribed: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({ after: start, batchSize: 40, onEvent: (e) => void (mine(e) && subscribed.push(e)) });
    const polled: RecordedEvent[] = [];
    let polling = true;
    const poller = (async () => {
      let checkpoint = start;
      while (polling) {
        const page = await other.readAll({ after: checkpoint, maxCount: 25 });
        for (const e of page) {
          if (mine(e)) polled.push(e);
          checkpoint = e.position;
        }
        if (page.length === 0) await new Promise((r) => setTimeout(r, 5));
      }
      for (;;) {
        const page = await other.readAll({ after: checkpoint, maxCount: 500 });
        if (page.length === 0) return;
        for (const e of page) if (mine(e)) polled.push(e);
        checkpoint = page[page.length - 1]!.position;
      }
    })();
    const ids = new Set<string>();
    await Promise.all(
      [store, other].flatMap((s, k) =>
        Array.from({ length: 12 }, async (_, w) => {
          const id = `${prefix}-${k}-${w}`;
          for (let i = 0; i < 25; i++) {
            const events = [newEvent('Tick', { i }), ...(i % 4 === 0 ? [newEvent('Tock', { i })] : [])];
            await s.append(id, events, i === 0 ? 'no_stream' : 'stream_exists');
            for (const e of events) ids.add(e.id);
          }
        }),
      ),
    );
    polling = false;
    await poller;
    const deadline = Date.now() + 30_000;
    while (subscribed.length < ids.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await subscription.close();
    for (const seen of [subscribed, polled]) {
      expect(seen.map((e) => e.id).sort()).toEqual([...ids].sort());
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.position > seen[i - 1]!.position).toBe(true);
    }
  });

  it('fails every caller of a batch whose statement fails as a whole, and stores none of it', async () => {
    // A batch that cannot finish: a transaction of another session holds the lock of one of its
    // streams, and the batch's session gives up after a statement timeout (SQLSTATE 57014, which
    // is not about the data of any one append).
    const url = new URL(database.url);
    url.searchParams.set('options', '-c statement_timeout=400');
    const timed = (await openEventStore(url.toString(), { maxAppendStatementsInFlight: 1 })) as PostgresEventStore;
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      const locked = stream('locked');
      const free = stream('free');
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(746513, hashtext($1))', [locked]);
      const outcomes = await inOneBatch(timed, [
        () => timed.append(free, [newEvent('A')], 'no_stream'),
        () => timed.append(locked, [newEvent('B')], 'any'),
        () => timed.append(free, [newEvent('C')], 0),
      ]);
      for (const outcome of outcomes) expect(outcome).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ code: '57014' }) });
      await holder.query('ROLLBACK');
      expect(await timed.readStream(free)).toEqual([]);
      expect(await timed.readStream(locked)).toEqual([]);
      // And the store carries on.
      await timed.append(free, [newEvent('A')], 'no_stream');
      expect((await timed.readStream(free)).map((e) => e.type)).toEqual(['A']);
    } finally {
      await holder.end();
      await timed.close();
    }
  });
});
