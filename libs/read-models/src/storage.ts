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
