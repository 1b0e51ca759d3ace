import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EventStore } from './event-store.js';
import { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store.js';
import { PgliteSqlClient, PgSqlClient, type SqlClient } from './postgres/sql-client.js';

/**
 * `postgres://…` / `postgresql://…` → a server through pg; `pglite://./data/events` → an embedded
 * PGlite directory (relative to the working directory); `pglite://memory` → in memory.
 */
export async function openSqlClient(url: string, maxConnections?: number): Promise<SqlClient> {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return PgSqlClient.connect(url, maxConnections);
  if (url.startsWith('pglite://')) {
    const location = url.slice('pglite://'.length);
    if (location === 'memory' || location === '') return PgliteSqlClient.open(undefined);
    const dir = resolve(location);
    mkdirSync(dir, { recursive: true });
    return PgliteSqlClient.open(dir);
  }
  throw new Error(`unsupported database URL scheme: ${url.split(':')[0]} (use postgres://, pglite:// or esdb://)`);
}

export async function openEventStore(url: string, options: PostgresEventStoreOptions & { maxConnections?: number } = {}): Promise<EventStore> {
  if (url.startsWith('esdb://') || url.startsWith('esdb+discover://')) {
    const { EventStoreDbEventStore } = await import('./eventstoredb/eventstoredb-event-store.js');
    return EventStoreDbEventStore.connect(url);
  }
  return PostgresEventStore.create(await openSqlClient(url, options.maxConnections), options);
}
