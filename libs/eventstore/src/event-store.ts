/**
 * The EventStore port. Adapters: PostgreSQL (pg server or embedded PGlite) and EventStoreDB.
 * Revisions are 0-based per stream; positions are the global order (bigint, strictly increasing
 * in the order readers see them).
 */

export interface Actor {
  userId: string;
  role: string;
  organisationId: string;
}

export interface EventMetadata {
  actor: Actor;
  correlationId: string;
  causationId: string | null;
  idempotencyKey: string | null;
  /** ISO-8601 instant the event was recorded; supplied by the application clock. */
  recordedAt: string;
  /** Version of the payload schema of this event type. */
  schemaVersion: number;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface NewEvent<TData = unknown> {
  /** UUID. Retrying an append with the same ids is answered with the events already stored. */
  id: string;
  type: string;
  data: TData;
  metadata: EventMetadata;
}

export interface RecordedEvent<TData = unknown> {
  id: string;
  streamId: string;
  revision: number;
  position: bigint;
  type: string;
  data: TData;
  metadata: EventMetadata;
  /** SHA-256 (hex) over the previous event's hash and this event's canonical form. */
  hash: string;
  previousHash: string | null;
}

/** `no_stream`: the stream must not exist; `stream_exists`: it must; a number: its current revision. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  /** Revision of the last appended event. */
  nextExpectedRevision: number;
  /** Global position of the last appended event. */
  position: bigint;
  events: RecordedEvent[];
}

export interface ReadStreamOptions {
  fromRevision?: number;
  /** Inclusive. */
  toRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events after this position. 0n (the default) means from the start. */
  after?: bigint;
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Checkpoint: the position of the last event already handled (exclusive). */
  after: bigint;
  onEvent: (event: RecordedEvent) => Promise<void> | void;
  /** Called when the subscription stops on an error; the caller restarts it from its checkpoint. */
  onError?: (error: unknown) => void;
  batchSize?: number;
}

export interface Subscription {
  /** Position of the last event delivered (the live checkpoint). */
  readonly position: bigint;
  /** Resolves once caught up with the store at least once. */
  readonly caughtUp: Promise<void>;
  close(): Promise<void>;
}

export type ChainVerification =
  | { ok: true; streamId: string; events: number; lastHash: string | null }
  | {
      ok: false;
      streamId: string;
      events: number;
      brokenAt: number;
      reason: 'hash_mismatch' | 'previous_hash_mismatch' | 'revision_gap';
      expected: string;
      found: string;
    };

export abstract class EventStore {
  abstract readonly kind: 'postgres' | 'pglite' | 'eventstoredb';
  abstract append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  abstract readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  abstract readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  abstract subscribeToAll(options: SubscribeOptions): Subscription;
  /** The position of the newest event a reader can see, 0n when empty. */
  abstract headPosition(): Promise<bigint>;
  abstract streamRevision(streamId: string): Promise<number | null>;
  abstract verifyStream(streamId: string): Promise<ChainVerification>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
