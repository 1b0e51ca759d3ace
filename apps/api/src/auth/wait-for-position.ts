import { setTimeout as sleep } from 'node:timers/promises';
import type { SqlQueryable } from '#eventstore';

export interface WaitForPositionOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Waits until every named projection has applied the event store up to `position` (its
 * checkpoint in projection_checkpoints, which the runner writes in the same transaction as the
 * rows). Read-your-writes for a handler: append, then wait for the append's position.
 * Works across processes: the runner may live in the worker. Resolves false on timeout.
 */
export async function waitForPosition(sql: SqlQueryable, projections: readonly string[], position: bigint, options: WaitForPositionOptions = {}): Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await lowestCheckpoint(sql, projections)) >= position) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

/** The position every one of the projections has reached; 0n when one has none yet. */
export async function lowestCheckpoint(sql: SqlQueryable, projections: readonly string[]): Promise<bigint> {
  if (projections.length === 0) throw new RangeError('waitForPosition needs at least one projection name');
  try {
    const { rows } = await sql.query<{ position: string }>('SELECT position::text AS position FROM projection_checkpoints WHERE name = ANY($1::text[])', [projections]);
    if (rows.length < new Set(projections).size) return 0n;
    return rows.reduce((min, row) => (BigInt(row.position) < min ? BigInt(row.position) : min), BigInt(rows[0]!.position));
  } catch (error) {
    // 42P01: the runner has not created its tables yet.
    if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '42P01') return 0n;
    throw error;
  }
}
