import type { RecordedEvent, SqlQueryable } from '#eventstore';
import { handlerOf, type Projection, type Row } from './projection.js';
import { emptyWrites, loadRows, writeRows, type RowWrites } from './projection-store.js';
import type { KnownRow, RowCache } from './row-cache.js';

const handlers = new WeakMap<Projection, (type: string) => boolean>();

function handles(projection: Projection, type: string): boolean {
  let handler = handlers.get(projection);
  if (handler === undefined) handlers.set(projection, (handler = handlerOf(projection)));
  return handler(type);
}

const NO_KEYS: readonly string[] = [];
const ABSENT: KnownRow = { row: null, exists: false, batch: 0 };

/** One projection's part in folding a batch. */
export interface BatchLane {
  projection: Projection;
  /** Only events after this position are folded into it (those before are in its rows already). */
  after: bigint;
  /** Reads rows that `memory` does not know. */
  read(ids: readonly string[]): Promise<Map<string, Row>>;
  /** Rows remembered between batches; it learns every row of this batch. */
  memory: RowCache | null;
}

interface Working {
  before: KnownRow;
  row: Row | null;
  /** Position of the last event that changed the row. */
  position: bigint;
}

interface LanePlan {
  lane: BatchLane;
  /** The keys of each event of the batch, null for an event the projection does not fold. */
  keysOf: Array<readonly string[] | null>;
  missing: Set<string>;
}

function plan(lane: BatchLane, events: readonly RecordedEvent[]): LanePlan {
  const { projection, memory, after } = lane;
  const keysOf: Array<readonly string[] | null> = new Array<readonly string[] | null>(events.length).fill(null);
  const missing = new Set<string>();
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (event.position <= after || !handles(projection, event.type)) continue;
    const keys = projection.keys(event);
    keysOf[i] = keys;
    // A key neither remembered nor known to be absent is read from the table.
    for (const key of keys) if (memory === null || !(memory.has(key) || memory.knowsAbsent(key))) missing.add(key);
  }
  return { lane, keysOf, missing };
}

export interface FoldOptions {
  /**
   * Give the event loop a turn after this much folding (milliseconds), between two events or two
   * rows: a runner in a process that also serves requests must not hold them up for a whole batch.
   */
  yieldAfterMs?: number;
}

function pauser(afterMs: number | undefined): { due(): boolean; wait(): Promise<void> } {
  if (afterMs === undefined) return { due: () => false, wait: () => Promise.resolve() };
  let since = performance.now();
  return {
    due: () => performance.now() - since >= afterMs,
    wait: () =>
      new Promise<void>((resolve) =>
        setImmediate(() => {
          since = performance.now();
          resolve();
        }),
      ),
  };
}

function document(projection: Projection, row: Row): unknown {
  return projection.finalize ? projection.finalize(row) : row;
}

/**
 * Folds a batch of events into the rows of several projections, and returns each projection's
 * writes, documents already serialised.
 *
 * Each touched row is read once (from memory when known, else through `read`). Events go through
 * every projection one after the other, in order (not projection by projection): projections
 * that derive the same thing from an event (a report's fold) can then share it through a cache
 * of one entry, and everything derived for an event becomes garbage before the next one, while it
 * is young and cheap to collect.
 */
export async function foldEvents(lanes: readonly BatchLane[], events: readonly RecordedEvent[], batch = 0, options: FoldOptions = {}): Promise<RowWrites[]> {
  const pause = pauser(options.yieldAfterMs);
  const plans = lanes.map((lane) => plan(lane, events));
  const loaded = await Promise.all(plans.map(({ lane, missing }) => (missing.size > 0 ? lane.read([...missing]) : Promise.resolve(new Map<string, Row>()))));
  const writes = lanes.map(() => emptyWrites());
  const working = lanes.map(() => new Map<string, Working>());

  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    for (let l = 0; l < plans.length; l++) {
      const keys = plans[l]!.keysOf[i];
      if (keys === null || keys === undefined) continue;
      const { projection, memory } = lanes[l]!;
      const rows = working[l]!;
      for (const key of keys) {
        let current = rows.get(key);
        if (current === undefined) {
          const stored = loaded[l]!.get(key);
          const before = memory?.get(key) ?? (stored === undefined ? ABSENT : { row: stored, exists: true, batch: 0 });
          current = { before, row: before.row, position: 0n };
          rows.set(key, current);
        }
        const next = projection.evolve(current.row, event, key);
        if (next !== current.row) {
          current.row = next;
          current.position = event.position;
        }
      }
      const created = projection.createdKeys?.(event) ?? NO_KEYS;
      for (const key of created) {
        const row = projection.evolve(null, event, key);
        if (row !== null) writes[l]!.creates.add(key, document(projection, row), event.position);
      }
    }
    if (pause.due()) await pause.wait();
  }

  for (let l = 0; l < lanes.length; l++) {
    const { projection, memory } = lanes[l]!;
    const out = writes[l]!;
    for (const [key, { before, row, position }] of working[l]!) {
      if (row === before.row) {
        memory?.set(key, before);
        continue;
      }
      memory?.set(key, { row, exists: row !== null, batch });
      if (row === null) {
        if (before.exists) out.deletes.push(key);
      } else {
        (before.exists ? out.upserts : out.inserts).add(key, document(projection, row), position);
      }
      if (pause.due()) await pause.wait();
    }
  }
  return writes;
}

/** Folds a batch of events into one projection's rows, reading each touched row once. */
export async function foldBatch(
  projection: Projection,
  events: readonly RecordedEvent[],
  read: (ids: readonly string[]) => Promise<Map<string, Row>>,
  memory: RowCache | null = null,
  batch = 0,
): Promise<RowWrites> {
  const [writes] = await foldEvents([{ projection, after: -1n, read, memory }], events, batch);
  return writes!;
}

/** Folds a batch of events into a projection's rows inside a transaction, reading each touched row once. */
export async function applyBatch(tx: SqlQueryable, projection: Projection, events: readonly RecordedEvent[]): Promise<void> {
  const writes = await foldBatch(projection, events, (ids) => loadRows(tx, projection, ids));
  await writeRows(tx, projection, writes);
}
