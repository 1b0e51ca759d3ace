import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { NO_STREAM, START, type RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import type { EventMetadata, ExpectedRevision, NewEvent } from '../event-store.js';
import { canonicalEventBody, chainHash, verifyChain } from '../hash-chain.js';
import {
  NO_POSITION,
  UnreadableEventError,
  appendExpectationFor,
  assertExpectedRevision,
  commitPositionOf,
  comparePositions,
  fromCurrentRevision,
  fromEsdbMetadata,
  isSystemEvent,
  retryStartRevision,
  satisfiesExpectation,
  streamReadWindow,
  toEsdbMetadata,
  toEventData,
  toReadPosition,
  toRecordedEvent,
} from './eventstoredb-mapping.js';

const metadata = (overrides: Partial<EventMetadata> = {}): EventMetadata => ({
  actor: { userId: 'user-1', role: 'unit_filler', organisationId: 'org-1' },
  correlationId: 'corr-1',
  causationId: null,
  idempotencyKey: null,
  recordedAt: '2026-03-01T08:00:00.000Z',
  schemaVersion: 1,
  ...overrides,
});

/** What the server hands back for an appended event: JSON through the wire, revision and position added. */
function storedAs(event: NewEvent, streamId: string, revision: number, position: bigint): EsdbRecordedEvent {
  const sent = toEventData(event, { hash: 'unused', previousHash: null });
  return {
    streamId,
    id: sent.id,
    isJson: true,
    revision: BigInt(revision),
    type: sent.type,
    created: new Date(),
    data: JSON.parse(JSON.stringify(sent.data)),
    metadata: JSON.parse(JSON.stringify(sent.metadata)),
    position: { commit: position, prepare: position },
  } as EsdbRecordedEvent;
}

describe('expected revision mapping', () => {
  it('accepts the three constants and revisions, and refuses anything else', () => {
    for (const ok of ['any', 'no_stream', 'stream_exists', 0, 7] as ExpectedRevision[]) expect(() => assertExpectedRevision(ok)).not.toThrow();
    for (const bad of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) expect(() => assertExpectedRevision(bad)).toThrow(RangeError);
  });

  it.each<[ExpectedRevision, number | null, boolean]>([
    ['any', null, true],
    ['any', 3, true],
    ['no_stream', null, true],
    ['no_stream', 0, false],
    ['stream_exists', null, false],
    ['stream_exists', 0, true],
    [2, 2, true],
    [2, 3, false],
    [0, null, false],
  ])('expectation %p against current revision %p holds: %p', (expected, current, holds) => {
    expect(satisfiesExpectation(expected, current)).toBe(holds);
  });

  it('appends with the exact revision read: NO_STREAM for a new stream, else the revision as a bigint', () => {
    expect(appendExpectationFor(null)).toBe(NO_STREAM);
    expect(appendExpectationFor(0)).toBe(0n);
    expect(appendExpectationFor(41)).toBe(41n);
  });

  it("reads the client's current revision back as ours", () => {
    expect(fromCurrentRevision('no_stream')).toBeNull();
    expect(fromCurrentRevision(undefined)).toBeNull();
    expect(fromCurrentRevision(-1n)).toBeNull();
    expect(fromCurrentRevision(0n)).toBe(0);
    expect(fromCurrentRevision(12n)).toBe(12);
  });

  it('places a retry right after the expected revision, nowhere for any / stream_exists', () => {
    expect(retryStartRevision('no_stream')).toBe(0);
    expect(retryStartRevision(4)).toBe(5);
    expect(retryStartRevision('any')).toBeNull();
    expect(retryStartRevision('stream_exists')).toBeNull();
  });
});

describe('metadata mapping', () => {
  it('adds the ESDB conventions and the chain link, and strips them back to the metadata as appended', () => {
    const ours = metadata({ causationId: 'cause-1', idempotencyKey: 'k-1' });
    const stored = toEsdbMetadata(ours, { hash: 'h1', previousHash: 'h0' });
    expect(stored).toMatchObject({ $correlationId: 'corr-1', $causationId: 'cause-1', hash: 'h1', previousHash: 'h0' });
    const back = fromEsdbMetadata(JSON.parse(JSON.stringify(stored)));
    expect(back).toEqual({ metadata: ours, hash: 'h1', previousHash: 'h0' });
    expect(Object.keys(back.metadata).sort()).toEqual(Object.keys(ours).sort());
  });

  it('leaves $causationId out when there is no cause, and keeps a null causationId and previousHash', () => {
    const ours = metadata();
    const stored = toEsdbMetadata(ours, { hash: 'h0', previousHash: null });
    expect(stored).not.toHaveProperty('$causationId');
    expect(fromEsdbMetadata(JSON.parse(JSON.stringify(stored)))).toEqual({ metadata: ours, hash: 'h0', previousHash: null });
  });

  it('refuses metadata this adapter did not write', () => {
    expect(() => fromEsdbMetadata(undefined)).toThrow(UnreadableEventError);
    expect(() => fromEsdbMetadata(new Uint8Array([1, 2]))).toThrow(UnreadableEventError);
    expect(() => fromEsdbMetadata({ ...metadata() })).toThrow(/no chain hash/);
    expect(() => fromEsdbMetadata({ ...metadata(), hash: 'h', previousHash: 5 })).toThrow(/previousHash/);
  });
});

describe('event mapping', () => {
  it('sends our event as a JSON event with its id, type, data and metadata', () => {
    const event: NewEvent = { id: randomUUID(), type: 'ReportCreated', data: { year: 2024, amount: '5016.00' }, metadata: metadata() };
    const sent = toEventData(event, { hash: 'h', previousHash: null });
    expect(sent).toMatchObject({ id: event.id, type: 'ReportCreated', contentType: 'application/json', data: event.data });
    expect(sent.metadata).toMatchObject({ hash: 'h', previousHash: null, $correlationId: 'corr-1' });
    expect(() => toEventData({ ...event, data: undefined }, { hash: 'h', previousHash: null })).toThrow(TypeError);
  });

  it('reads a stored event back as ours, with a chain that verifies', () => {
    const streamId = `report-${randomUUID()}`;
    const events: NewEvent[] = [
      { id: randomUUID(), type: 'ReportCreated', data: { year: 2024 }, metadata: metadata({ idempotencyKey: 'k-1' }) },
      { id: randomUUID(), type: 'IndicatorAdded', data: { name: '核酸检测费用' }, metadata: metadata({ causationId: 'c-1' }) },
    ];
    let previousHash: string | null = null;
    const recorded = events.map((event, revision) => {
      const hash = chainHash(previousHash, streamId, revision, canonicalEventBody(event));
      const sent = toEventData(event, { hash, previousHash });
      previousHash = hash;
      const raw = storedAs(event, streamId, revision, 1000n + BigInt(revision) * 200n);
      return toRecordedEvent({ ...raw, metadata: JSON.parse(JSON.stringify(sent.metadata)) } as EsdbRecordedEvent);
    });
    expect(recorded.map((e) => [e.revision, e.position, e.type])).toEqual([
      [0, 1000n, 'ReportCreated'],
      [1, 1200n, 'IndicatorAdded'],
    ]);
    expect(recorded[0]!.metadata).toEqual(events[0]!.metadata);
    expect(recorded[1]!.data).toEqual({ name: '核酸检测费用' });
    expect(recorded[0]!.previousHash).toBeNull();
    expect(recorded[1]!.previousHash).toBe(recorded[0]!.hash);
    expect(verifyChain(streamId, recorded)).toEqual({ ok: true, streamId, events: 2, lastHash: recorded[1]!.hash });
  });

  it('refuses an event read without a $all position (servers before 22.6)', () => {
    const raw = storedAs({ id: randomUUID(), type: 'A', data: {}, metadata: metadata() }, 's', 0, 0n);
    expect(() => toRecordedEvent({ ...raw, position: undefined } as EsdbRecordedEvent)).toThrow(/22\.6/);
    expect(() => toRecordedEvent({ ...raw, position: { commit: NO_POSITION, prepare: NO_POSITION } } as EsdbRecordedEvent)).toThrow(UnreadableEventError);
  });

  it('calls $-prefixed types and streams system events', () => {
    expect(isSystemEvent({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' })).toBe(true);
    expect(isSystemEvent({ streamId: '$$report-1', type: '$metadata' })).toBe(true);
    expect(isSystemEvent({ streamId: '$ce-report', type: 'ReportCreated' })).toBe(true);
    expect(isSystemEvent({ streamId: 'report-1', type: '$>' })).toBe(true);
    expect(isSystemEvent({ streamId: 'report-1', type: 'ReportCreated' })).toBe(false);
  });
});

describe('position conversion', () => {
  it('resumes from START for 0n and from the event itself for a checkpoint', () => {
    expect(toReadPosition(0n)).toBe(START);
    expect(toReadPosition(4213n)).toEqual({ commit: 4213n, prepare: 4213n });
  });

  it('takes the commit position as ours, and none for the no-position marker', () => {
    expect(commitPositionOf({ commit: 77n, prepare: 77n })).toBe(77n);
    expect(commitPositionOf(undefined)).toBeNull();
    expect(commitPositionOf({ commit: NO_POSITION, prepare: NO_POSITION })).toBeNull();
    expect(commitPositionOf({ commit: -1n, prepare: -1n })).toBeNull();
  });

  it('orders positions by commit, then prepare', () => {
    expect(comparePositions({ commit: 1n, prepare: 9n }, { commit: 2n, prepare: 0n })).toBe(-1);
    expect(comparePositions({ commit: 2n, prepare: 3n }, { commit: 2n, prepare: 1n })).toBe(1);
    expect(comparePositions({ commit: 5n, prepare: 5n }, { commit: 5n, prepare: 5n })).toBe(0);
  });
});

describe('stream read window', () => {
  it.each([
    [{}, { fromRevision: 0n, maxCount: Number.MAX_SAFE_INTEGER }],
    [{ fromRevision: 3, toRevision: 6 }, { fromRevision: 3n, maxCount: 4 }],
    [{ fromRevision: 8 }, { fromRevision: 8n, maxCount: Number.MAX_SAFE_INTEGER }],
    [{ toRevision: 1 }, { fromRevision: 0n, maxCount: 2 }],
    [{ fromRevision: 2, toRevision: 100, maxCount: 5 }, { fromRevision: 2n, maxCount: 5 }],
    [{ fromRevision: -4, maxCount: 3 }, { fromRevision: 0n, maxCount: 3 }],
  ])('reads %p as %p', (options, window) => {
    expect(streamReadWindow(options)).toEqual(window);
  });

  it('reads nothing for an empty range', () => {
    expect(streamReadWindow({ fromRevision: 5, toRevision: 4 })).toBeNull();
    expect(streamReadWindow({ maxCount: 0 })).toBeNull();
  });
});
