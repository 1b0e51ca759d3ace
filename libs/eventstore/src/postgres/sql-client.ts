import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';

/**
 * The little of a PostgreSQL connection that the store and the read models need, so the same SQL
 * runs on a server through `pg` and in-process on PGlite.
 */
export interface SqlQueryable {
  query<R = Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<{ rows: R[] }>;
}

export interface QueryOptions {
  /**
   * Keep the statement prepared on each server connection under this name, so that it is parsed
   * and planned once per connection instead of at every call. Only for a fixed statement text:
   * one name, one text. Ignored where it does not apply (PGlite).
   */
  prepareAs?: string;
}

export interface SqlClient extends SqlQueryable {
  readonly kind: 'postgres' | 'pglite';
  /** Several statements, no parameters (schema scripts). */
  exec(text: string): Promise<void>;
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /**
   * Runs work on one dedicated session (advisory locks are per session). On PGlite every call
   * shares the single session, which is fine: there is only one process.
   */
  withSession<T>(work: (session: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// int8 as string, never as float; callers convert to bigint or Decimal explicitly.
pg.types.setTypeParser(20, (value: string) => value);

export class PgSqlClient implements SqlClient {
  readonly kind = 'postgres' as const;
  constructor(readonly pool: pg.Pool) {}

  static connect(connectionString: string, maxConnections = 20): PgSqlClient {
    const pool = new pg.Pool({ connectionString, max: maxConnections });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    return new PgSqlClient(pool);
  }

  async query<R>(text: string, params?: unknown[], options?: QueryOptions): Promise<{ rows: R[] }> {
    const result =
      options?.prepareAs === undefined
        ? await this.pool.query(text, params as unknown[])
        : await this.pool.query({ name: options.prepareAs, text, values: params as unknown[] });
    return { rows: result.rows as R[] };
  }

  async exec(text: string): Promise<void> {
    await this.pool.query(text);
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const tx: SqlQueryable = {
        query: async <R>(text: string, params?: unknown[]) => ({ rows: (await client.query(text, params as unknown[])).rows as R[] }),
      };
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async withSession<T>(work: (session: SqlClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    const session: SqlClient = {
      kind: 'postgres',
      query: async <R>(text: string, params?: unknown[]) => ({ rows: (await client.query(text, params as unknown[])).rows as R[] }),
      exec: async (text: string) => {
        await client.query(text);
      },
      transaction: async <T2>(inner: (tx: SqlQueryable) => Promise<T2>) => {
        await client.query('BEGIN');
        try {
          const result = await inner(session);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
          throw error;
        }
      },
      withSession: (inner) => inner(session),
      close: async () => undefined,
    };
    try {
      return await work(session);
    } catch (error) {
      broken = true;
      throw error;
    } finally {
      // A session that failed may hold locks or an aborted transaction: drop it rather than reuse it.
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export class PgliteSqlClient implements SqlClient {
  readonly kind = 'pglite' as const;
  constructor(readonly db: PGlite) {}

  static async open(dataDir: string | undefined): Promise<PgliteSqlClient> {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
    await db.waitReady;
    return new PgliteSqlClient(db);
  }

  async query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }> {
    const result = await this.db.query<R>(text, params as unknown[]);
    return { rows: result.rows };
  }

  async exec(text: string): Promise<void> {
    await this.db.exec(text);
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      work({ query: async <R>(text: string, params?: unknown[]) => ({ rows: (await tx.query<R>(text, params as unknown[])).rows }) }),
    );
  }

  async withSession<T>(work: (session: SqlClient) => Promise<T>): Promise<T> {
    return work(this);
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
