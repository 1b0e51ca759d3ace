import { createHash } from 'node:crypto';
import { scoreRecordName, type ScoreBasis } from '#domain';

/**
 * The event id of the record of one computation: a UUID (version 5 layout) derived from the report,
 * the revision and the profile version. Appending the same record twice is answered by the store
 * with the event already stored, so a replayed or retried job never records twice.
 */
export function scoreEventId(reportId: string, basis: ScoreBasis): string {
  const hex = createHash('sha256').update(scoreRecordName(reportId, basis)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
