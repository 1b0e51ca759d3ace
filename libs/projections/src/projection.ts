import type { RecordedEvent } from '#eventstore';

/** A read-model row: a JSON document under a key, in the projection's own table. */
export type Row = Record<string, unknown>;

/**
 * A projection is an evolve function over rows plus the events it handles. The runner keeps one
 * table per projection, `rm_<name>(id text primary key, doc jsonb, position bigint)`; a projection
 * may add generated columns and indexes over `doc` for the queries its readers make.
 *
 * `evolve` receives either what it returned for the key before (the runner keeps recent rows in
 * memory) or the document stored in the table, and returns the row's next value: returning the
 * row it was given means "unchanged" (nothing is written), null deletes the row.
 */
export interface Projection<TRow extends Row = Row> {
  /** Stable name; the table is rm_<name>. Letters, digits and underscores. */
  name: string;
  /** Bump when evolve changes meaning: the runner then rebuilds the table from the first event. */
  version: number;
  /** The event types it folds, or '*' for every event whatever its type. */
  handles: readonly string[] | '*';
  /** The rows an event reads and changes (usually one). */
  keys(event: RecordedEvent): readonly string[];
  /**
   * Rows that only this event ever writes (e.g. one entry per event), folded after keys(event):
   * the runner does not read them first — evolve gets null — and inserts them, leaving a row that
   * is already there (a batch applied a second time) as it is.
   */
  createdKeys?(event: RecordedEvent): readonly string[];
  evolve(row: TRow | null, event: RecordedEvent, key: string): TRow | null;
  /**
   * The document stored for a row evolve returned; by default the row itself. The runner calls it
   * once per changed row per batch, when it writes: a row may carry what it needs in memory and
   * compute expensive derived fields (scores, texts) from its final state in the batch only.
   */
  finalize?(row: TRow): Row;
  /** Extra DDL run after the table exists, e.g. generated columns and indexes. Idempotent. */
  extraSchema?: string;
}

export function tableOf(projection: Pick<Projection, 'name'>): string {
  if (!/^[a-z][a-z0-9_]*$/.test(projection.name)) throw new Error(`invalid projection name ${projection.name}`);
  return `rm_${projection.name}`;
}

/** Whether the projection folds events of this type. */
export function handlerOf(projection: Pick<Projection, 'handles'>): (type: string) => boolean {
  if (projection.handles === '*') return () => true;
  const types = new Set(projection.handles);
  return (type) => types.has(type);
}
