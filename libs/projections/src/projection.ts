import type { RecordedEvent } from '#eventstore';

/** A read-model row: a JSON document under a key, in the projection's own table. */
export type Row = Record<string, unknown>;

/**
 * A projection is an evolve function over rows plus the events it handles. The runner keeps one
 * table per projection, `rm_<name>(id text primary key, doc jsonb, position bigint)`; a projection
 * may add generated columns and indexes over `doc` for the queries its readers make.
 */
export interface Projection<TRow extends Row = Row> {
  /** Stable name; the table is rm_<name>. Letters, digits and underscores. */
  name: string;
  /** Bump when evolve changes meaning: the runner then rebuilds the table from the first event. */
  version: number;
  handles: readonly string[];
  /** The rows an event touches (usually one). */
  keys(event: RecordedEvent): readonly string[];
  evolve(row: TRow | null, event: RecordedEvent, key: string): TRow | null;
  /**
   * True when no row `key` can exist before `event` (the event opens it, e.g. the first event of
   * a stream): the runner then does not look for it. A hint only; without it the row is read.
   */
  creates?(event: RecordedEvent, key: string): boolean;
  /**
   * True when no later event touches row `key` again (one row per event): the runner writes it
   * and does not keep it in memory for later batches.
   */
  writtenOnce?(key: string): boolean;
  /** Extra DDL run after the table exists, e.g. generated columns and indexes. Idempotent. */
  extraSchema?: string;
}

export function tableOf(projection: Pick<Projection, 'name'>): string {
  if (!/^[a-z][a-z0-9_]*$/.test(projection.name)) throw new Error(`invalid projection name ${projection.name}`);
  return `rm_${projection.name}`;
}
