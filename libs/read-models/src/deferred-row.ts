/**
 * A row whose document is computed when the runner writes it.
 *
 * The runner folds every event of a batch into the rows it touches, then writes each changed row
 * once, with JSON.stringify — which calls `toJSON`. A projection whose rows carry expensive
 * derived fields (scores and checks, human-readable audit texts) returns a DeferredRow from
 * `evolve`: folding stays cheap, and the derived fields are computed once per row per batch, from
 * the row's final state. Rendering must be a pure function of what the row holds.
 */
export abstract class DeferredRow {
  // Lets a DeferredRow stand where the runner expects a Row (a plain JSON object).
  [key: string]: unknown;

  /** The row's document, as it is written. */
  abstract toJSON(): object;
}

/**
 * Read-model documents are kilobytes of JSON; lz4 compresses them several times faster than the
 * default pglz. Servers built without lz4 (PGlite) keep the default.
 */
export function lz4Compression(table: string): string {
  return `DO $$ BEGIN
  IF (SELECT attcompression FROM pg_attribute WHERE attrelid = '${table}'::regclass AND attname = 'doc') IS DISTINCT FROM 'l' THEN
    ALTER TABLE ${table} ALTER COLUMN doc SET COMPRESSION lz4;
  END IF;
EXCEPTION WHEN OTHERS THEN NULL;
END $$;`;
}
