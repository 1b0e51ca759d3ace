import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AppConfig } from '#config';
import { EventStore, openEventStore, openSqlClient, PostgresEventStore, type SqlClient } from '#eventstore';
import { Clock, SystemClock } from './clock.js';
import { connectRedis } from './redis.js';
import { APP_CONFIG, LOGGER, READ_STORE, REDIS } from './tokens.js';

/**
 * Opens the stores once per process. When events and read models share one database URL they
 * share one client: an embedded PGlite directory can be opened only once.
 */
export async function openStores(config: AppConfig): Promise<{ eventStore: EventStore; readStore: SqlClient }> {
  const readStore = await openSqlClient(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  const eventStore =
    config.EVENT_STORE_URL === config.DATABASE_URL
      ? await PostgresEventStore.create(readStore)
      : await openEventStore(config.EVENT_STORE_URL, { maxConnections: config.DATABASE_POOL_SIZE });
  return { eventStore, readStore };
}

@Injectable()
class PlatformLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EventStore) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: SqlClient,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
    const shared = this.eventStore instanceof PostgresEventStore && this.eventStore.sql === this.readStore;
    await this.eventStore.close();
    if (!shared) await this.readStore.close();
  }
}

@Global()
@Module({})
export class PlatformModule {
  static async forRoot(config: AppConfig, logger: Logger, options: { clock?: Clock } = {}): Promise<DynamicModule> {
    const { eventStore, readStore } = await openStores(config);
    const redis = connectRedis(config.REDIS_URL);
    return {
      module: PlatformModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: EventStore, useValue: eventStore },
        { provide: READ_STORE, useValue: readStore },
        { provide: REDIS, useValue: redis },
        { provide: Clock, useValue: options.clock ?? new SystemClock() },
        PlatformLifecycle,
      ],
      exports: [APP_CONFIG, LOGGER, EventStore, READ_STORE, REDIS, Clock],
    };
  }
}
