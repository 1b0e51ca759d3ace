import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WrongExpectedRevisionError, type EventStore, type RecordedEvent } from '#eventstore';
import { newEvent } from '../support/events.js';

export interface ContractSubject {
  store: EventStore;
  /** Rewrites one stored event's data behind the store's back; absent where events are immutable. */
  tamper?: (streamId: string, revision: number) => Promise<void>;
  /** Deletes one stored event behind the store's back. */
  remove?: (streamId: string, revision: number) => Promise<void>;
  /** Closes the store and opens it again on the same data; absent for in-memory stores. */
  reopen?: () => Promise<EventStore>;
  dispose: () => Promise<void>;
}

const stream = (label: string) => `${label}-${randomUUID()}`;

/**
 * The behaviour every EventStore adapter must have. Each adapter's spec calls this once; the
 * number of cases that ran is printed per adapter.
 */
export function eventStoreContract(adapter: string, open: () => Promise<ContractSubject>): void {
  describe(`EventStore contract on ${adapter}`, () => {
    let subject: ContractSubject;
    let store: EventStore;
    let cases = 0;
    const ran = () => void cases++;

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.dispose();
      process.stdout.write(`\n  contract cases ran on ${adapter}: ${cases}\n`);
    });

    it('appends to a new stream and reads it back with revisions, positions and metadata', async () => {
      const id = stream('report');
      const first = newEvent('ReportCreated', { year: 2024, amount: '5016.00' }, { idempotencyKey: 'k-1', causationId: 'c-0' });
      const result = await store.append(id, [first, newEvent('IndicatorAdded', { name: '核酸检测费用' })], 'no_stream');
      expect(result.nextExpectedRevision).toBe(1);
      const events = await store.readStream(id);
      expect(events.map((e) => [e.revision, e.type])).toEqual([
        [0, 'ReportCreated'],
        [1, 'IndicatorAdded'],
      ]);
      expect(events[0]!.id).toBe(first.id);
      expect(events[0]!.data).toEqual({ year: 2024, amount: '5016.00' });
      expect(events[0]!.metadata).toEqual(first.metadata);
      expect(events[1]!.data).toEqual({ name: '核酸检测费用' });
      expect(events[1]!.position).toBeGreaterThan(events[0]!.position);
      expect(result.position).toBe(events[1]!.position);
      expect(await store.streamRevision(id)).toBe(1);
      ran();
    });

    it('refuses a wrong expected revision with a typed conflict and writes nothing', async () => {
      const id = stream('report');
      await store.append(id, [newEvent('A')], 'no_stream');
      await expect(store.append(id, [newEvent('B')], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      const conflict = await store.append(id, [newEvent('B')], 5).catch((e: unknown) => e);
      expect(conflict).toBeInstanceOf(WrongExpectedRevisionError);
      expect((conflict as WrongExpectedRevisionError).actual).toBe(0);
      await expect(store.append(stream('missing'), [newEvent('B')], 'stream_exists')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect((await store.readStream(id)).map((e) => e.type)).toEqual(['A']);
      ran();
    });

    it('appends with exact, any and stream_exists expectations', async () => {
      const id = stream('report');
      await store.append(id, [newEvent('A')], 'any');
      await store.append(id, [newEvent('B')], 0);
      await store.append(id, [newEvent('C')], 'stream_exists');
      await store.append(id, [newEvent('D')], 'any');
      expect((await store.readStream(id)).map((e) => `${e.revision}${e.type}`)).toEqual(['0A', '1B', '2C', '3D']);
      ran();
    });

    it('reads a stream from a revision up to a revision', async () => {
      const id = stream('report');
      await store.append(id, Array.from({ length: 10 }, (_, i) => newEvent(`E${i}`)), 'no_stream');
      expect((await store.readStream(id, { fromRevision: 3, toRevision: 6 })).map((e) => e.revision)).toEqual([3, 4, 5, 6]);
      expect((await store.readStream(id, { fromRevision: 8 })).map((e) => e.revision)).toEqual([8, 9]);
      expect((await store.readStream(id, { toRevision: 1 })).map((e) => e.revision)).toEqual([0, 1]);
      expect(await store.readStream(stream('none'))).toEqual([]);
      expect(await store.streamRevision(stream('none'))).toBeNull();
      ran();
    });

    it('reads all events in global order from a position', async () => {
      const start = await store.headPosition();
      const a = stream('a');
      const b = stream('b');
      await store.append(a, [newEvent('A0')], 'no_stream');
      await store.append(b, [newEvent('B0')], 'no_stream');
      await store.append(a, [newEvent('A1')], 0);
      const all = await store.readAll({ after: start, maxCount: 100 });
      const ours = all.filter((e) => e.streamId === a || e.streamId === b);
      expect(ours.map((e) => e.type)).toEqual(['A0', 'B0', 'A1']);
      const positions = all.map((e) => e.position);
      expect([...positions].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(positions);
      const afterFirst = await store.readAll({ after: ours[0]!.position, maxCount: 100 });
      expect(afterFirst.filter((e) => e.streamId === a || e.streamId === b).map((e) => e.type)).toEqual(['B0', 'A1']);
      expect(await store.headPosition()).toBe(ours[2]!.position);
      ran();
    });

    it('answers a retried append (same event ids) with the stored events, appending nothing twice', async () => {
      const id = stream('report');
      const events = [newEvent('A'), newEvent('B')];
      const first = await store.append(id, events, 'no_stream');
      const retry = await store.append(id, events, 'no_stream');
      expect(retry.events.map((e) => e.position)).toEqual(first.events.map((e) => e.position));
      expect(await store.readStream(id)).toHaveLength(2);
      ran();
    });

    it('lets exactly one of many concurrent appenders win each revision of one stream', async () => {
      const id = stream('contended');
      await store.append(id, [newEvent('Created')], 'no_stream');
      const writers = 8;
      const rounds = 5;
      let wins = 0;
      let conflicts = 0;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let r = 0; r < rounds; r++) {
            const revision = (await store.streamRevision(id))!;
            try {
              await store.append(id, [newEvent('Edited', { writer: w, round: r })], revision);
              wins++;
            } catch (error) {
              if (!(error instanceof WrongExpectedRevisionError)) throw error;
              conflicts++;
            }
          }
        }),
      );
      const events = await store.readStream(id);
      expect(events).toHaveLength(1 + wins);
      expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
      expect(wins + conflicts).toBe(writers * rounds);
      expect(wins).toBeGreaterThan(0);
      expect((await store.verifyStream(id)).ok).toBe(true);
      ran();
    });

    it('delivers every event of concurrent appenders on many streams to a subscriber once, in order', async () => {
      const start = await store.headPosition();
      const seen: RecordedEvent[] = [];
      const prefix = `many-${randomUUID()}`;
      const subscription = store.subscribeToAll({
        after: start,
        batchSize: 50,
        onEvent: (event) => {
          if (event.streamId.startsWith(prefix)) seen.push(event);
        },
      });
      const writers = 16;
      const appendsPerWriter = 25;
      const appended = new Set<string>();
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          const id = `${prefix}-${w}`;
          for (let i = 0; i < appendsPerWriter; i++) {
            const batch = [newEvent('Tick', { w, i }), ...(i % 5 === 0 ? [newEvent('Tock', { w, i })] : [])];
            await store.append(id, batch, i === 0 ? 'no_stream' : 'any');
            for (const e of batch) appended.add(e.id);
          }
        }),
      );
      const deadline = Date.now() + 30_000;
      while (seen.length < appended.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await subscription.close();
      const ids = seen.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(ids)).toEqual(appended);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.position > seen[i - 1]!.position).toBe(true);
      expect(subscription.position >= seen[seen.length - 1]!.position).toBe(true);
      ran();
    });

    it('resumes a subscription from a checkpoint without repeating or skipping', async () => {
      const id = stream('resume');
      const start = await store.headPosition();
      await store.append(id, [newEvent('A'), newEvent('B'), newEvent('C')], 'no_stream');
      const firstRun: RecordedEvent[] = [];
      let checkpoint = start;
      const first = store.subscribeToAll({
        after: start,
        onEvent: (e) => {
          if (e.streamId !== id) return;
          firstRun.push(e);
          checkpoint = e.position;
        },
      });
      await first.caughtUp;
      await first.close();
      expect(firstRun.map((e) => e.type)).toEqual(['A', 'B', 'C']);
      await store.append(id, [newEvent('D')], 2);
      const secondRun: string[] = [];
      const second = store.subscribeToAll({ after: checkpoint, onEvent: (e) => void (e.streamId === id && secondRun.push(e.type)) });
      await second.caughtUp;
      await second.close();
      expect(secondRun).toEqual(['D']);
      ran();
    });

    it('reports a clean hash chain, each link covering the one before', async () => {
      const id = stream('chain');
      await store.append(id, [newEvent('A', { n: 1 })], 'no_stream');
      await store.append(id, [newEvent('B', { n: 2 }), newEvent('C', { n: 3 })], 0);
      const events = await store.readStream(id);
      expect(events[0]!.previousHash).toBeNull();
      expect(events[1]!.previousHash).toBe(events[0]!.hash);
      expect(events[2]!.previousHash).toBe(events[1]!.hash);
      expect(events[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(await store.verifyStream(id)).toMatchObject({ ok: true, events: 3, lastHash: events[2]!.hash });
      ran();
    });

    it('detects an edited event, naming the first broken link', async () => {
      if (!subject.tamper) {
        process.stdout.write(`  (${adapter}: events cannot be edited in place, so there is nothing to detect)\n`);
        return;
      }
      const id = stream('tampered');
      await store.append(id, [newEvent('A', { amount: '1.00' }), newEvent('B', { amount: '2.00' }), newEvent('C')], 'no_stream');
      await subject.tamper(id, 1);
      expect(await store.verifyStream(id)).toMatchObject({ ok: false, brokenAt: 1, reason: 'hash_mismatch' });
      ran();
    });

    it('detects a deleted event', async () => {
      if (!subject.remove) return;
      const id = stream('deleted');
      await store.append(id, [newEvent('A'), newEvent('B'), newEvent('C')], 'no_stream');
      await subject.remove(id, 1);
      expect(await store.verifyStream(id)).toMatchObject({ ok: false, brokenAt: 1 });
      ran();
    });

    it('keeps everything across close and reopen', async () => {
      if (!subject.reopen) return;
      const id = stream('durable');
      await store.append(id, [newEvent('A'), newEvent('B')], 'no_stream');
      const head = await store.headPosition();
      store = await subject.reopen();
      subject.store = store;
      expect((await store.readStream(id)).map((e) => e.type)).toEqual(['A', 'B']);
      expect(await store.headPosition()).toBe(head);
      await store.append(id, [newEvent('C')], 1);
      expect((await store.verifyStream(id)).ok).toBe(true);
      ran();
    });
  });
}
