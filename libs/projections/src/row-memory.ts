import { LRUCache } from 'lru-cache';
import type { Row } from './projection.js';

/**
 * The rows a runner wrote while it leads, least recently touched forgotten first, so that the
 * next batch folds on them without reading them back, and without waiting for the batch that
 * wrote them to commit.
 *
 * It is only sound while nobody else writes the table: the runner empties it whenever it (re)gains
 * the lead, and on any error. A row it forgets is read from the table again, once every batch
 * that wrote it has committed. `null` remembers a row that is known not to exist.
 */
export class RowMemory {
  private readonly rows: LRUCache<string, Row | typeof ABSENT>;

  constructor(capacity: number) {
    this.rows = new LRUCache({ max: capacity });
  }

  has(key: string): boolean {
    return this.rows.has(key);
  }

  get(key: string): Row | null {
    const row = this.rows.get(key);
    return row === undefined || row === ABSENT ? null : row;
  }

  remember(key: string, row: Row | null): void {
    this.rows.set(key, row ?? ABSENT);
  }

  clear(): void {
    this.rows.clear();
  }
}

// lru-cache takes no null values: a marker stands for a row known not to exist.
const ABSENT = Symbol('absent row');
