/** A column generated (stored) from a read model's document: name, SQL type, expression. */
export type GeneratedColumn = readonly [name: string, type: string, expression: string];

export function addGeneratedColumns(table: string, columns: readonly GeneratedColumn[]): string[] {
  return columns.map(([name, type, expression]) => `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${name} ${type} GENERATED ALWAYS AS (${expression}) STORED;`);
}

/**
 * DDL run by every runner at start, but executed only when `relation` (a table or view) lacks
 * `column`, its newest column. ALTER TABLE and CREATE VIEW take exclusive locks even when there is
 * nothing to change, and every list query reading the relation would wait behind them at each
 * start. So: add the newest column last, and name it here.
 */
export function unlessColumnExists(relation: string, column: string, ddl: readonly string[]): string {
  return `DO $$ BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = '${relation}' AND column_name = '${column}'
  ) THEN
${ddl.join('\n')}
  END IF;
END $$;`;
}
