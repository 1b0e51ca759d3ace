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

export async function writeCheckpoint(sql: SqlQueryable, name: string, version: number, position: bigint): Promise<void> {
  await sql.query(
    `INSERT INTO projection_checkpoints (name, version, position, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position, updated_at = now()`,
    [name, version, position.toString()],
  );
}

export async function loadRows(sql: SqlQueryable, projection: Projection, ids: readonly string[]): Promise<Map<string, Row>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql.query<{ id: string; doc: Row }>(`SELECT id, doc FROM ${tableOf(projection)} WHERE id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.id, r.doc]));
}

/** Writes the rows a batch changed: upserts for documents, deletes for nulls. */
export async function saveRows(sql: SqlQueryable, projection: Projection, changed: Map<string, { doc: Row | null; position: bigint }>): Promise<void> {
  const table = tableOf(projection);
  const upserts = [...changed].filter(([, v]) => v.doc !== null);
  const deletes = [...changed].filter(([, v]) => v.doc === null).map(([id]) => id);
  if (upserts.length > 0) {
    // One JSON parameter rather than three arrays: pg's array encoding of large documents costs
    // several times the CPU of one JSON.stringify (measured on rebuilds).
    await sql.query(
      `INSERT INTO ${table} (id, doc, position)
       SELECT r.id, r.doc, r.position FROM jsonb_to_recordset($1::jsonb) AS r(id text, doc jsonb, position bigint)
       ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, position = excluded.position`,
      [JSON.stringify(upserts.map(([id, v]) => ({ id, doc: v.doc, position: v.position.toString() })))],
    );
  }
  if (deletes.length > 0) await sql.query(`DELETE FROM ${table} WHERE id = ANY($1::text[])`, [deletes]);
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
    `SELECT count(*)::int AS rows, md5(coalesce(string_agg(id || ':' || doc::text, E'\\n' ORDER BY id), '')) AS md5 FROM ${tableOf(projection)}`,
  );
  return { rows: rows[0]!.rows, md5: rows[0]!.md5 ?? '' };
}
