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
  await writeCheckpoints(sql, [{ name, version }], position);
}

/** Moves every one of the projections to `position`, in one statement. */
export async function writeCheckpoints(sql: SqlQueryable, projections: ReadonlyArray<Pick<Projection, 'name' | 'version'>>, position: bigint): Promise<void> {
  if (projections.length === 0) return;
  await sql.query(
    `INSERT INTO projection_checkpoints (name, version, position, updated_at)
     SELECT c.name, c.version, $3::bigint, now() FROM unnest($1::text[], $2::int[]) AS c(name, version)
     ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position, updated_at = now()`,
    [projections.map((p) => p.name), projections.map((p) => p.version), position.toString()],
  );
}

export async function loadRows(sql: SqlQueryable, projection: Projection, ids: readonly string[]): Promise<Map<string, Row>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql.query<{ id: string; doc: Row }>(`SELECT id, doc FROM ${tableOf(projection)} WHERE id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.id, r.doc]));
}

const SEPARATOR = 0x1f;

/**
 * Rows of one kind of write, their documents serialised as they come into one UTF-8 buffer
 * outside the JavaScript heap, separated by U+001F (which JSON.stringify never writes
 * unescaped, and which no byte of a multi-byte UTF-8 character equals).
 *
 * A batch's documents are megabytes of JSON: held as strings, they would be copied by every
 * young-generation collection until written; joined into one parameter, copied again. Here each
 * string is dropped as soon as it is encoded, and the buffer goes to the server as it is.
 */
export class SerialisedRows {
  readonly ids: string[] = [];
  private readonly positions: string[] = [];
  private buffer: Buffer = Buffer.allocUnsafe(0);
  private used = 0;

  add(id: string, document: unknown, position: bigint): void {
    const json = JSON.stringify(document);
    // At most three bytes per UTF-16 unit, plus the separator.
    const needed = this.used + json.length * 3 + 1;
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2, 64 * 1024));
      this.buffer.copy(grown, 0, 0, this.used);
      this.buffer = grown;
    }
    if (this.ids.length > 0) this.buffer[this.used++] = SEPARATOR;
    this.used += this.buffer.write(json, this.used, 'utf8');
    this.ids.push(id);
    this.positions.push(position.toString());
  }

  get length(): number {
    return this.ids.length;
  }

  /** The documents, separated by U+001F. */
  documents(): Buffer {
    return this.buffer.subarray(0, this.used);
  }

  /** The positions, separated by commas. */
  positionList(): string {
    return this.positions.join(',');
  }
}

/** What one batch writes to one projection's table. */
export interface RowWrites {
  /** Rows known not to be in the table. */
  inserts: SerialisedRows;
  /** Rows an event creates (createdKeys): inserted, unless a row is already there. */
  creates: SerialisedRows;
  /** Rows that may be in the table: written over. */
  upserts: SerialisedRows;
  deletes: string[];
}

export function emptyWrites(): RowWrites {
  return { inserts: new SerialisedRows(), creates: new SerialisedRows(), upserts: new SerialisedRows(), deletes: [] };
}

export interface WriteOptions {
  /**
   * Send the documents as bytes (a binary-format text parameter) rather than as a string: the
   * server connection (pg) sends a Buffer as it is; PGlite wants strings.
   */
  binaryDocuments?: boolean;
  /**
   * The writer knows no created row can be in the table yet (the runner: its checkpoint commits
   * with its rows), so they are inserted plainly, without the cost of checking for a conflict.
   */
  createdRowsAreNew?: boolean;
}

// One statement per kind of write: ids, documents and positions each travel as one parameter,
// which PostgreSQL splits and zips (unnest). Measured on rebuilds, this costs both sides a
// fraction of what pg's array encoding of large documents does (per-element escaping), or of
// jsonb_to_recordset over one JSON document holding them all (every document parsed twice).
const IDS_SEPARATED = `string_to_array($1::text, E'\\x1f')`;
// Ids containing the separator (no projection makes such keys, but a stream id might) go as JSON.
const IDS_JSON = `ARRAY(SELECT t.id FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS t(id, n) ORDER BY t.n)`;

async function insertRows(sql: SqlQueryable, table: string, rows: SerialisedRows, onConflict: string, options: WriteOptions): Promise<void> {
  if (rows.length === 0) return;
  const separable = rows.ids.every((id) => !id.includes('\u001f'));
  const documents = rows.documents();
  await sql.query(
    `INSERT INTO ${table} (id, doc, position)
     SELECT r.id, r.doc::jsonb, r.position::bigint
       FROM unnest(${separable ? IDS_SEPARATED : IDS_JSON}, string_to_array($2::text, E'\\x1f'), string_to_array($3::text, ',')) AS r(id, doc, position)
     ${onConflict}`,
    [separable ? rows.ids.join('\u001f') : JSON.stringify(rows.ids), options.binaryDocuments ? documents : documents.toString('utf8'), rows.positionList()],
  );
}

/** Writes what a batch changed in one projection's table. */
export async function writeRows(sql: SqlQueryable, projection: Projection, writes: RowWrites, options: WriteOptions = {}): Promise<void> {
  const table = tableOf(projection);
  if (writes.deletes.length > 0) await sql.query(`DELETE FROM ${table} WHERE id = ANY($1::text[])`, [writes.deletes]);
  await insertRows(sql, table, writes.inserts, '', options);
  await insertRows(sql, table, writes.creates, options.createdRowsAreNew ? '' : 'ON CONFLICT (id) DO NOTHING', options);
  await insertRows(sql, table, writes.upserts, 'ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, position = excluded.position', options);
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
