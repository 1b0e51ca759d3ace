import { setTimeout as sleep } from 'node:timers/promises';
import {
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  FORWARDS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type Position,
  type ReadAllOptions as EsdbReadAllOptions,
  type ReadPosition,
  type ReadStreamOptions as EsdbReadStreamOptions,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import {
  EventStore,
  type AppendResult,
  type ChainVerification,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.js';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../errors.js';
import { canonicalEventBody, chainHash, verifyChain } from '../hash-chain.js';
import {
  appendExpectationFor,
  assertExpectedRevision,
  comparePositions,
  fromCurrentRevision,
  fromEsdbMetadata,
  isSystemEvent,
  retryStartRevision,
  satisfiesExpectation,
  streamReadWindow,
  toEventData,
  toReadPosition,
  toRecordedEvent,
} from './eventstoredb-mapping.js';

/** Attempts of an 'any' / 'stream_exists' append that keeps losing the race to concurrent writers. */
const MAX_APPEND_ATTEMPTS = 20;
/** Events per page when scanning $all backwards for the newest non-system event. */
const HEAD_PAGE = 100;
/** At most this many of a stream's last events are read before an append (for its retry check). */
const MAX_TAIL = 64;

function errorType(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'type' in error ? (error as { type: unknown }).type : undefined;
}

function isStreamNotFound(error: unknown): boolean {
  return error instanceof StreamNotFoundError || errorType(error) === ErrorType.STREAM_NOT_FOUND;
}

function isWrongExpectedVersion(error: unknown): error is WrongExpectedVersionError {
  return error instanceof WrongExpectedVersionError || errorType(error) === ErrorType.WRONG_EXPECTED_VERSION;
}

function resultOf(events: RecordedEvent[]): AppendResult {
  const last = events[events.length - 1]!;
  return { nextExpectedRevision: last.revision, position: last.position, events };
}

/**
 * The EventStoreDB adapter (gRPC, @eventstore/db-client 6.x, server 22.6 or later).
 *
 * Revisions and the 0-based stream order are EventStoreDB's own; positions are $all commit
 * positions (for events appended through gRPC, commit = prepare = the event's log position, so
 * they are distinct and increase in $all order). Our metadata is stored as the event metadata,
 * next to the ESDB `$correlationId` / `$causationId` conventions and the chain link (`hash`,
 * `previousHash`). The chain is computed here: an append reads the stream's last event and then
 * appends with that exact revision as the expectation, so the link it computed is the one stored
 * or nothing is written.
 */
export class EventStoreDbEventStore extends EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly subscriptions = new Set<EsdbSubscription>();

  private constructor(readonly client: EventStoreDBClient) {
    super();
  }

  /** `esdb://host:2113?tls=false`, `esdb+discover://…`: any EventStoreDB connection string. */
  static async connect(url: string): Promise<EventStoreDbEventStore> {
    const client = EventStoreDBClient.connectionString(url);
    const store = new EventStoreDbEventStore(client);
    try {
      await store.ping();
    } catch (error) {
      await client.dispose().catch(() => undefined);
      throw error;
    }
    return store;
  }

  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('append needs at least one event');
    assertExpectedRevision(expectedRevision);
    const bodies = events.map((event) => canonicalEventBody(event));

    for (let attempt = 1; ; attempt++) {
      const tail = await this.readTail(streamId, Math.min(events.length, MAX_TAIL));
      const last = tail[tail.length - 1];
      const current = last === undefined ? null : Number(last.revision);

      const retried = await this.findRetry(streamId, events, expectedRevision, tail, current);
      if (retried !== null) return resultOf(retried);
      if (!satisfiesExpectation(expectedRevision, current)) {
        throw new WrongExpectedRevisionError(streamId, expectedRevision, current);
      }

      const first = current === null ? 0 : current + 1;
      let previousHash = last === undefined ? null : fromEsdbMetadata(last.metadata, `event ${last.id} (${streamId}@${last.revision})`).hash;
      const data = events.map((event, index) => {
        const hash = chainHash(previousHash, streamId, first + index, bodies[index]!);
        const eventData = toEventData(event, { hash, previousHash });
        previousHash = hash;
        return eventData;
      });

      try {
        await this.client.appendToStream(streamId, data, { expectedRevision: appendExpectationFor(current) });
      } catch (error) {
        if (!isWrongExpectedVersion(error)) throw error;
        // A concurrent writer moved the stream between our read and our append.
        if ((expectedRevision === 'any' || expectedRevision === 'stream_exists') && attempt < MAX_APPEND_ATTEMPTS) {
          await sleep(Math.floor(Math.random() * 5 * attempt));
          continue;
        }
        throw new WrongExpectedRevisionError(streamId, expectedRevision, fromCurrentRevision(error.actualVersion));
      }

      // Read the events back for their positions (the append result only has the last one's).
      const stored = await this.readStream(streamId, { fromRevision: first, maxCount: events.length });
      if (stored.length !== events.length || stored.some((event, index) => event.id !== events[index]!.id)) {
        throw new Error(`stream ${streamId}: the events read back after an append at revision ${first} are not the ones appended`);
      }
      return resultOf(stored);
    }
  }

  /**
   * An append whose event ids are already in the stream is a retry: answered with the stored
   * events. Looked for where the ids would be: among the stream's last events, or right after the
   * caller's expected revision when the stream is no longer there. Ids found anywhere else are
   * a DuplicateEventIdError. (EventStoreDB has no index by event id, so an id stored further back
   * in the stream, or in another stream, goes unnoticed.)
   */
  private async findRetry(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    tail: EsdbRecordedEvent[],
    current: number | null,
  ): Promise<RecordedEvent[] | null> {
    const indexOf = new Map(events.map((event, index) => [event.id, index]));
    let start: number | null = null;
    let duplicate: string | null = null;
    for (const stored of tail) {
      const index = indexOf.get(stored.id);
      if (index !== undefined) {
        start = Number(stored.revision) - index;
        duplicate = stored.id;
        break;
      }
    }
    if (start === null && !satisfiesExpectation(expected, current)) start = retryStartRevision(expected);
    if (start === null || start < 0 || current === null || start > current) {
      if (duplicate !== null) throw new DuplicateEventIdError(duplicate);
      return null;
    }
    const window = await this.readStream(streamId, { fromRevision: start, maxCount: events.length });
    if (window[0]?.id === events[0]!.id) return window.filter((event) => indexOf.has(event.id));
    const clash = duplicate ?? window.find((event) => indexOf.has(event.id))?.id;
    if (clash !== undefined) throw new DuplicateEventIdError(clash);
    return null;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const window = streamReadWindow(options);
    if (window === null) return [];
    const raw = await this.readStreamRaw(streamId, { direction: FORWARDS, fromRevision: window.fromRevision, maxCount: window.maxCount });
    return raw.map((event) => toRecordedEvent(event));
  }

  async streamRevision(streamId: string): Promise<number | null> {
    const [last] = await this.readTail(streamId, 1);
    return last === undefined ? null : Number(last.revision);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0n;
    const maxCount = options.maxCount ?? 1000;
    if (maxCount <= 0) return [];
    // $all also holds system events, filtered out here (the client's readAll has no server-side
    // filter), so a page can yield fewer events than it read: read on until maxCount or the end.
    const pageSize = Math.min(Math.max(maxCount + 1, 64), 4096);
    const events: RecordedEvent[] = [];
    let from: ReadPosition = toReadPosition(after);
    let seen: Position | null = null;
    for (;;) {
      const page = await this.readAllRaw({ direction: FORWARDS, fromPosition: from, maxCount: pageSize });
      for (const event of page) {
        // A forward read includes the event at its start position: skip what was already read.
        if (seen !== null && comparePositions(event.position, seen) <= 0) continue;
        if (event.position.commit <= after || isSystemEvent(event)) continue;
        events.push(toRecordedEvent(event));
        if (events.length >= maxCount) return events;
      }
      const last = page[page.length - 1];
      if (last === undefined || page.length < pageSize) return events;
      seen = last.position;
      from = last.position;
    }
  }

  async headPosition(): Promise<bigint> {
    let from: ReadPosition = END;
    let seen: Position | null = null;
    for (;;) {
      const page = await this.readAllRaw({ direction: BACKWARDS, fromPosition: from, maxCount: HEAD_PAGE });
      for (const event of page) {
        if (seen !== null && comparePositions(event.position, seen) >= 0) continue;
        if (!isSystemEvent(event)) return event.position.commit;
      }
      const last = page[page.length - 1];
      if (last === undefined || page.length < HEAD_PAGE) return 0n;
      seen = last.position;
      from = last.position;
    }
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    const subscription = new EsdbSubscription(this, options, () => this.subscriptions.delete(subscription));
    this.subscriptions.add(subscription);
    return subscription;
  }

  async verifyStream(streamId: string): Promise<ChainVerification> {
    return verifyChain(streamId, await this.readStream(streamId));
  }

  async ping(): Promise<void> {
    await this.readAllRaw({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  /** The last `count` events of a stream in revision order; empty when it does not exist. */
  private async readTail(streamId: string, count: number): Promise<EsdbRecordedEvent[]> {
    const raw = await this.readStreamRaw(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: count });
    return raw.reverse();
  }

  private async readStreamRaw(streamId: string, options: EsdbReadStreamOptions): Promise<EsdbRecordedEvent[]> {
    const events: EsdbRecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, options)) {
        if (resolved.event !== undefined) events.push(resolved.event);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
    return events;
  }

  private async readAllRaw(options: EsdbReadAllOptions): Promise<AllStreamRecordedEvent[]> {
    const events: AllStreamRecordedEvent[] = [];
    for await (const resolved of this.client.readAll(options)) {
      if (resolved.event !== undefined) events.push(resolved.event);
    }
    return events;
  }
}

/**
 * A catch-up subscription to $all, filtered server-side to non-system event types (and here to
 * non-system streams). Events are handed to onEvent one at a time; the next is only taken from
 * the client's buffer once the previous one's handler has settled, so a slow handler
 * back-pressures the gRPC stream.
 */
class EsdbSubscription implements Subscription {
  private closed = false;
  private checkpoint: bigint;
  /** Position of the last item taken from the subscription, delivered or filtered. */
  private lastSeen: bigint;
  private handling = false;
  /** The newest non-system event when the subscription started; caught up once it is handled. */
  private target: bigint | null = null;
  /** Items still to handle after the server said it caught up. */
  private remainingAfterServerCaughtUp: number | null = null;
  private isCaughtUp = false;
  private markCaughtUp!: () => void;
  readonly caughtUp: Promise<void>;
  private readonly subscription: AllStreamSubscription;
  private readonly loop: Promise<void>;

  constructor(
    store: EventStoreDbEventStore,
    private readonly options: SubscribeOptions,
    private readonly onClosed: () => void,
  ) {
    this.checkpoint = options.after;
    this.lastSeen = options.after;
    this.caughtUp = new Promise((resolve) => (this.markCaughtUp = resolve));
    this.subscription = store.client.subscribeToAll(
      { fromPosition: toReadPosition(options.after), filter: excludeSystemEvents() },
      { highWaterMark: Math.max(1, options.batchSize ?? 500) },
    );
    // Errors reach the loop through its iterator; this keeps one emitted after the loop has ended
    // (the client emits them by hand) from becoming an uncaught 'error' event.
    this.subscription.on('error', () => undefined);
    // Servers from 23.10 say when the subscription turns live. The events already buffered by
    // then are still ours to handle before we are caught up.
    this.subscription.on('caughtUp', () => {
      if (this.isCaughtUp) return;
      const remaining = this.subscription.readableLength + (this.handling ? 1 : 0);
      if (remaining === 0) this.resolveCaughtUp();
      else this.remainingAfterServerCaughtUp = Math.min(this.remainingAfterServerCaughtUp ?? remaining, remaining);
    });
    // Older servers say nothing: caught up once the newest event at the start has been handled.
    store.headPosition().then(
      (head) => {
        this.target = head;
        if (this.lastSeen >= head) this.resolveCaughtUp();
      },
      () => undefined, // a broken connection surfaces in the loop
    );
    this.loop = this.run();
  }

  get position(): bigint {
    return this.checkpoint;
  }

  private resolveCaughtUp(): void {
    this.isCaughtUp = true;
    this.markCaughtUp();
  }

  private async run(): Promise<void> {
    try {
      for await (const resolved of this.subscription as AsyncIterable<AllStreamResolvedEvent>) {
        if (this.closed) break;
        this.handling = true;
        const event = resolved.event;
        if (event !== undefined) {
          const position = event.position.commit;
          if (position > this.checkpoint && !isSystemEvent(event)) {
            await this.options.onEvent(toRecordedEvent(event));
            this.checkpoint = position;
          }
          if (position > this.lastSeen) this.lastSeen = position;
        }
        this.handling = false;
        if (!this.isCaughtUp) {
          if (this.target !== null && this.lastSeen >= this.target) this.resolveCaughtUp();
          if (this.remainingAfterServerCaughtUp !== null && --this.remainingAfterServerCaughtUp <= 0) this.resolveCaughtUp();
        }
      }
      if (!this.closed) throw new Error('EventStoreDB ended the subscription to $all');
    } catch (error) {
      if (!this.closed) {
        this.closed = true;
        this.resolveCaughtUp();
        this.options.onError?.(error);
      }
    } finally {
      this.handling = false;
      await this.subscription.unsubscribe().catch(() => undefined);
      this.subscription.destroy();
      this.onClosed();
    }
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      // Cancel the gRPC call, then end the iterator (it may be waiting for the next event).
      await this.subscription.unsubscribe().catch(() => undefined);
      this.subscription.destroy();
    }
    await this.loop;
  }
}
