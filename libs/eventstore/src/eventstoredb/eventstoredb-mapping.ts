/**
 * Pure translations between our EventStore port and @eventstore/db-client, kept apart from the
 * adapter so they can be tested without a server.
 */
import {
  NO_STREAM,
  START,
  jsonEvent,
  type AppendExpectedRevision,
  type CurrentRevision,
  type EventData,
  type JSONType,
  type Position,
  type ReadPosition,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import type { EventMetadata, ExpectedRevision, NewEvent, ReadStreamOptions, RecordedEvent } from '../event-store.js';

// ---------------------------------------------------------------------------------------------
// Expected revisions
// ---------------------------------------------------------------------------------------------

/** Throws a RangeError unless the expectation is one of the constants or a revision (safe integer ≥ 0). */
export function assertExpectedRevision(expected: ExpectedRevision): void {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected !== 'number' || !Number.isSafeInteger(expected) || expected < 0) {
    throw new RangeError(`invalid expected revision ${String(expected)}`);
  }
}

/** Whether a stream whose last revision is `current` (null: no stream) meets the caller's expectation. */
export function satisfiesExpectation(expected: ExpectedRevision, current: number | null): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === null;
    case 'stream_exists':
      return current !== null;
    default:
      return current === expected;
  }
}

/**
 * The expectation sent to EventStoreDB for an append that continues the chain from the revision
 * just read: the stream must still be exactly there (NO_STREAM when it did not exist yet).
 */
export function appendExpectationFor(current: number | null): AppendExpectedRevision {
  return current === null ? NO_STREAM : BigInt(current);
}

/** The revision the client reports in a WrongExpectedVersionError, as ours (null: no stream). */
export function fromCurrentRevision(current: CurrentRevision | undefined | null): number | null {
  if (current === undefined || current === null || current === NO_STREAM) return null;
  if (current < 0n) return null;
  return Number(current);
}

/**
 * Where the events of an earlier append with the same expectation must sit when this append is
 * its retry: right after the expected revision. Null when the expectation does not pin a place.
 */
export function retryStartRevision(expected: ExpectedRevision): number | null {
  if (expected === 'no_stream') return 0;
  if (typeof expected === 'number') return expected + 1;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------------------------

/** The metadata stored with each event in EventStoreDB: ours, the ESDB conventions and the chain link. */
export type EsdbEventMetadata = EventMetadata & {
  /** ESDB convention, used by the $by_correlation_id projection. */
  $correlationId: string;
  /** ESDB convention; absent when the event has no cause. */
  $causationId?: string;
  hash: string;
  previousHash: string | null;
};

export interface ChainLink {
  hash: string;
  previousHash: string | null;
}

export function toEsdbMetadata(metadata: EventMetadata, link: ChainLink): EsdbEventMetadata {
  return {
    ...metadata,
    $correlationId: metadata.correlationId,
    ...(metadata.causationId === null || metadata.causationId === undefined ? {} : { $causationId: metadata.causationId }),
    hash: link.hash,
    previousHash: link.previousHash,
  };
}

/** Thrown for an event this adapter cannot read back (not written by it, or damaged). */
export class UnreadableEventError extends Error {
  override readonly name = 'UnreadableEventError';
}

/** Splits stored metadata back into our EventMetadata (exactly as appended) and the chain link. */
export function fromEsdbMetadata(raw: unknown, where = 'event'): { metadata: EventMetadata } & ChainLink {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || raw instanceof Uint8Array) {
    throw new UnreadableEventError(`${where}: metadata is not a JSON object; the event was not written by this adapter`);
  }
  const { $correlationId: _correlation, $causationId: _causation, hash, previousHash, ...metadata } = raw as Record<string, unknown>;
  if (typeof hash !== 'string') throw new UnreadableEventError(`${where}: metadata has no chain hash; the event was not written by this adapter`);
  if (previousHash !== null && typeof previousHash !== 'string') {
    throw new UnreadableEventError(`${where}: metadata has an invalid previousHash`);
  }
  return { metadata: metadata as unknown as EventMetadata, hash, previousHash };
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/** The JSON event sent to EventStoreDB for one of ours, carrying its chain link in the metadata. */
export function toEventData(event: NewEvent, link: ChainLink): EventData {
  if (event.data === undefined) throw new TypeError(`event ${event.id}: data must be a JSON value`);
  return jsonEvent({
    id: event.id,
    type: event.type,
    // The client serialises data with JSON.stringify, so any JSON value (not only objects) is fine.
    data: event.data as JSONType,
    metadata: toEsdbMetadata(event.metadata, link),
  });
}

/** System events: `$`-prefixed types ($metadata, $>, $statsCollected…) or `$`-prefixed streams. */
export function isSystemEvent(event: { streamId: string; type: string }): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  const where = `event ${event.id} (${event.streamId}@${event.revision})`;
  const position = commitPositionOf(event.position);
  if (position === null) {
    throw new UnreadableEventError(`${where}: the server sent no $all position with it (EventStoreDB 22.6 or later is required)`);
  }
  const { metadata, hash, previousHash } = fromEsdbMetadata(event.metadata, where);
  return {
    id: event.id,
    streamId: event.streamId,
    revision: Number(event.revision),
    position,
    type: event.type,
    data: event.data,
    metadata,
    hash,
    previousHash,
  };
}

// ---------------------------------------------------------------------------------------------
// Positions
// ---------------------------------------------------------------------------------------------

/** What servers before 22.6 send as the position of an event read from a stream: none (u64 max). */
export const NO_POSITION = 18446744073709551615n;

/** Our position of an event: its $all commit position; null when the server did not send one. */
export function commitPositionOf(position: Position | undefined): bigint | null {
  if (position === undefined || position.commit === NO_POSITION || position.commit < 0n) return null;
  return position.commit;
}

/**
 * Where a forward read or a subscription resumes for a checkpoint `after` (exclusive): START for
 * 0n, else the event's own position. Events written through gRPC have commit = prepare = their
 * log position; a forward read from there includes the event at `after`, which callers skip.
 */
export function toReadPosition(after: bigint): ReadPosition {
  return after <= 0n ? START : { commit: after, prepare: after };
}

/** Orders two $all positions (commit first, then prepare). */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Stream reads
// ---------------------------------------------------------------------------------------------

/** Our from/to/max read options as the client's fromRevision and maxCount; null when nothing can match. */
export function streamReadWindow(options: ReadStreamOptions = {}): { fromRevision: bigint; maxCount: number } | null {
  const from = Math.max(0, Math.ceil(options.fromRevision ?? 0));
  let maxCount = Math.floor(options.maxCount ?? Number.MAX_SAFE_INTEGER);
  if (options.toRevision !== undefined) maxCount = Math.min(maxCount, Math.floor(options.toRevision) - from + 1);
  if (!(maxCount > 0)) return null;
  return { fromRevision: BigInt(from), maxCount };
}
