export * from './event-store.js';
export * from './errors.js';
export * from './hash-chain.js';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store.js';
export { PgSqlClient, PgliteSqlClient, type QueryOptions, type SqlClient, type SqlQueryable } from './postgres/sql-client.js';
export { openEventStore, openSqlClient } from './open-event-store.js';
