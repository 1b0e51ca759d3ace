import type { Row } from './projection.js';

/** A row as the runner knows it: its value, whether the table holds it, and which batch last wrote it. */
export interface KnownRow {
  row: Row | null;
  /** Whether the table holds the key (once the batch that wrote it commits). */
  exists: boolean;
  /** Sequence number of the batch that last changed it; 0 for a row read from the table. */
  batch: number;
}

/**
 * The rows a runner wrote or read most recently, least recently used first, so that a row a
 * batch changes is neither read back nor parsed again by the next batch. Only the runner holding
 * the projection's lock writes its table, so what it remembers stays true while it leads. A row
 * that a batch not yet committed wrote is never forgotten: a row missing here may then be read
 * from the table by any connection, without waiting for that batch to commit.
 *
 * After the table was emptied (a rebuild), it also knows which keys the table cannot hold: those
 * it never saw, so that a rebuild does not ask the table for every new key.
 */
export class RowCache {
  private readonly rows = new Map<string, KnownRow>();
  /** Keys forgotten since the table was known to be empty; null when that is not known. */
  private forgotten: Set<string> | null = null;

  constructor(private readonly capacity: number) {}

  get(key: string): KnownRow | undefined {
    const known = this.rows.get(key);
    if (known !== undefined) {
      this.rows.delete(key);
      this.rows.set(key, known);
    }
    return known;
  }

  /** Whether the row is known, without counting as a use. */
  has(key: string): boolean {
    return this.rows.has(key);
  }

  /** The table is empty now (this runner just emptied it): a key never seen since is not in it. */
  startEmpty(): void {
    this.rows.clear();
    this.forgotten = new Set();
  }

  /** Whether the table is known not to hold this key, which is not remembered here. */
  knowsAbsent(key: string): boolean {
    return this.forgotten !== null && !this.rows.has(key) && !this.forgotten.has(key);
  }

  set(key: string, known: KnownRow): void {
    this.rows.delete(key);
    this.rows.set(key, known);
  }

  /** Forgets the least recently used rows beyond capacity, except those of batches after `committed`. */
  trim(committed: number): void {
    if (this.rows.size <= this.capacity) return;
    for (const [key, known] of this.rows) {
      if (this.rows.size <= this.capacity) return;
      if (known.batch <= committed) {
        this.rows.delete(key);
        this.forgotten?.add(key);
      }
    }
  }

  clear(): void {
    this.rows.clear();
    this.forgotten = null;
  }

  get size(): number {
    return this.rows.size;
  }
}
