import type { EventMetadata, RecordedEvent } from '../event-store.js';

export interface EventRow {
  position: string;
  stream_id: string;
  revision: string | number;
  event_id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  hash: string;
  previous_hash: string | null;
}

export const EVENT_COLUMNS = `position::text AS position, stream_id, revision::int AS revision, event_id::text AS event_id, type, data, metadata, hash, previous_hash`;

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: BigInt(row.position),
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    hash: row.hash,
    previousHash: row.previous_hash,
  };
}

export function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

export function sqlDetail(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'detail' in error ? String((error as { detail: unknown }).detail) : undefined;
}
