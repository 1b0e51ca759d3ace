import { createHash } from 'node:crypto';

/**
 * A UUID (version 5 layout) derived from a name: appending the same decision twice under the same
 * ids is answered by the store with the events already stored, so a replayed trigger or a retried
 * wake-up never appends twice.
 */
export function deterministicUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
