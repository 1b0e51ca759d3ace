import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { ChainVerification, EventMetadata, RecordedEvent } from './event-store.js';

/**
 * The canonical form that a link of the chain covers. Position is left out on purpose: it is
 * assigned by the store and differs between adapters, while the chain must verify on any of them.
 */
export function canonicalEventBody(event: { id: string; type: string; data: unknown; metadata: EventMetadata }): string {
  const text = canonicalize({ id: event.id, type: event.type, data: event.data, metadata: event.metadata });
  if (text === undefined) throw new TypeError(`event ${event.id} cannot be serialised to canonical JSON`);
  return text;
}

/** SHA-256 hex of `previousHash \n streamId \n revision \n canonicalBody`; the SQL adapter computes the same. */
export function chainHash(previousHash: string | null, streamId: string, revision: number, canonicalBody: string): string {
  return createHash('sha256')
    .update(`${previousHash ?? ''}\n${streamId}\n${revision}\n${canonicalBody}`, 'utf8')
    .digest('hex');
}

/** Walks a stream read in revision order and names the first link that does not hold. */
export function verifyChain(streamId: string, events: readonly RecordedEvent[]): ChainVerification {
  let previous: string | null = null;
  for (const [index, event] of events.entries()) {
    if (event.revision !== index) {
      return { ok: false, streamId, events: events.length, brokenAt: index, reason: 'revision_gap', expected: String(index), found: String(event.revision) };
    }
    if (event.previousHash !== previous) {
      return { ok: false, streamId, events: events.length, brokenAt: index, reason: 'previous_hash_mismatch', expected: previous ?? '', found: event.previousHash ?? '' };
    }
    const expected = chainHash(previous, streamId, event.revision, canonicalEventBody(event));
    if (expected !== event.hash) {
      return { ok: false, streamId, events: events.length, brokenAt: index, reason: 'hash_mismatch', expected, found: event.hash };
    }
    previous = event.hash;
  }
  return { ok: true, streamId, events: events.length, lastHash: previous };
}
