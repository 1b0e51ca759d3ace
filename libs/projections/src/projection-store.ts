import type { SqlClient, SqlQueryable } from '#eventstore';
import { tableOf, type Projection, type Row } from './projection.js';

export const checkpointSchema = /* sql */ `
CREATE TABLE IF NOT EXISTS projection_checkpoints (
  name text PRIMARY KEY,
  version int NOT NULL,
  position bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);`;

export function tableSchema(projection: Projection): string {
  const table = tableOf(projection);
  return `CREATE TABLE IF NOT EXISTS ${table} (id text PRIMARY KEY, doc jsonb NOT NULL, position bigint NOT NULL);
${projection.extraSchema ?? ''}`;
}

export interface Checkpoint {
  version: number;
  position: bigint;
}

export async function readCheckpoint(sql: SqlQueryable, name: string): Promise<Checkpoint | null> {
  const { rows } = await sql.query<{ version: number; position: string }>(
    'SELECT version, position::text AS position FROM projection_checkpoints WHERE name = $1',
    [name],
  );
  const row = rows[0];
  return row ? { version: row.version, position: BigInt(row.position) } : null;
}

export async function loadRows(sql: SqlQueryable, projection: Projection, ids: readonly string[]): Promise<Map<string, Row>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql.query<{ id: string; doc: Row }>(`SELECT id, doc FROM ${tableOf(projection)} WHERE id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.id, r.doc]));
}

/** The rows of a batch, as the statements that write them take them. */
export interface EncodedRows {
  table: string;
  /** `[{id, doc, position}]` as one JSON text, or null when nothing is upserted. */
  upserts: string | null;
  deletes: string[];
}

/**
 * Serialises the rows a batch changed (documents to upsert, nulls to delete). Rows that render
 * themselves (toJSON) are rendered here, so this runs when the batch has been folded and before
 * the next one is: a row's rendering may read what its evolve left beside it.
 */
export function encodeRows(projection: Projection, changed: ReadonlyMap<string, { doc: Row | null; position: bigint }>): EncodedRows {
  const upserts: Array<{ id: string; doc: Row; position: string }> = [];
  const deletes: string[] = [];
  for (const [id, { doc, position }] of changed) {
    if (doc === null) deletes.push(id);
    else upserts.push({ id, doc, position: position.toString() });
  }
  // One JSON parameter rather than three arrays: pg's array encoding of large documents costs
  // several times the CPU of one JSON.stringify (measured on rebuilds).
  return { table: tableOf(projection), upserts: upserts.length > 0 ? JSON.stringify(upserts) : null, deletes };
}

type Bind = (value: unknown) => string;

/** The statements that write one projection's rows: upserts for documents, deletes for nulls. */
function rowWrites(rows: EncodedRows, bind: Bind): string[] {
  const writes: string[] = [];
  if (rows.upserts !== null) {
    writes.push(`INSERT INTO ${rows.table} (id, doc, position)
      SELECT r.id, r.doc, r.position FROM jsonb_to_recordset(${bind(rows.upserts)}::jsonb) AS r(id text, doc jsonb, position bigint)
      ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, position = excluded.position`);
  }
  if (rows.deletes.length > 0) writes.push(`DELETE FROM ${rows.table} WHERE id = ANY(${bind(rows.deletes)}::text[])`);
  return writes;
}

/** Runs writing statements as one statement (data-modifying CTEs), ending with `select`. */
async function runWrites(sql: SqlQueryable, build: (bind: Bind) => string[], select: string): Promise<void> {
  const params: unknown[] = [];
  const writes = build((value) => `$${params.push(value)}`);
  if (writes.length === 0) return;
  await sql.query(`WITH ${writes.map((write, i) => `w${i} AS (${write})`).join(',\n')}\n${select}`, params);
}

/**
 * Writes a batch — every projection's rows and every checkpoint — as one statement, which is its
 * own transaction: one round trip where a transaction of separate statements takes one for each,
 * and each of those waits for the event loop, busy folding the next batch.
 *
 * Commits are asynchronous (synchronous_commit off): a read model is rebuilt from the events if a
 * server crash loses its last commits, and the checkpoint is lost with its rows.
 */
export async function writeBatch(sql: SqlQueryable, batch: readonly EncodedRows[], projections: readonly Pick<Projection, 'name' | 'version'>[], position: bigint): Promise<void> {
  await runWrites(
    sql,
    (bind) => [
      ...batch.flatMap((rows) => rowWrites(rows, bind)),
      `INSERT INTO projection_checkpoints (name, version, position, updated_at)
        SELECT name, version, ${bind(position.toString())}::bigint, now() FROM unnest(${bind(projections.map((p) => p.name))}::text[], ${bind(projections.map((p) => p.version))}::int[]) AS c(name, version)
        ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position, updated_at = now()`,
    ],
    "SELECT set_config('synchronous_commit', 'off', true)",
  );
}

/** Writes the rows a batch changed, without a checkpoint (inside the caller's transaction). */
export async function saveRows(sql: SqlQueryable, projection: Projection, changed: Map<string, { doc: Row | null; position: bigint }>): Promise<void> {
  await runWrites(sql, (bind) => rowWrites(encodeRows(projection, changed), bind), 'SELECT 1');
}

export async function ensureProjectionSchema(sql: SqlClient, projections: readonly Projection[]): Promise<void> {
  await sql.withSession(async (session) => {
    await session.query('SELECT pg_advisory_lock(746512)');
    try {
      await session.exec(checkpointSchema);
      for (const projection of projections) await session.exec(tableSchema(projection));
    } finally {
      await session.query('SELECT pg_advisory_unlock(746512)');
    }
  });
}

/** Empties a projection's table and checkpoint in one transaction. */
export async function resetProjection(sql: SqlClient, projection: Projection): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(`TRUNCATE ${tableOf(projection)}`);
    await tx.query('DELETE FROM projection_checkpoints WHERE name = $1', [projection.name]);
  });
}

/** A digest of the whole table, to compare a live read model with a fresh rebuild. */
export async function tableChecksum(sql: SqlQueryable, projection: Projection): Promise<{ rows: number; md5: string }> {
  const { rows } = await sql.query<{ rows: number; md5: string | null }>(
    // A digest of the rows' digests: a million rows of documents would not fit one string.
    `SELECT count(*)::int AS rows, md5(coalesce(string_agg(md5(id || ':' || doc::text), '' ORDER BY id), '')) AS md5 FROM ${tableOf(projection)}`,
  );
  return { rows: rows[0]!.rows, md5: rows[0]!.md5 ?? '' };
}
