import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '#config';
import { EventStore, type SqlClient } from '#eventstore';
import { APP_CONFIG, Clock, LOGGER, READ_STORE } from '#platform';
import { reminderSettingsFrom } from './reminder-settings.js';
import { RemindersRuntime } from './reminders-runtime.js';

export const REMINDERS_OPTIONS = Symbol('REMINDERS_OPTIONS');

export interface RemindersModuleOptions {
  /**
   * Whether this process runs the process manager, the inbox projections and the queue workers:
   * true (the worker), or as WORKER_IN_PROCESS says (the API). A process that does not run them
   * still reaches the queues (bull-board, metrics, reconciliation on demand).
   */
  run: boolean | 'WORKER_IN_PROCESS';
}

@Injectable()
class RemindersLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly runtime: RemindersRuntime,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REMINDERS_OPTIONS) private readonly options: RemindersModuleOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.runtime.init();
  }

  async onApplicationBootstrap(): Promise<void> {
    const run = this.options.run === 'WORKER_IN_PROCESS' ? this.config.WORKER_IN_PROCESS : this.options.run;
    if (run) await this.runtime.start();
  }

  /** Before the platform closes the stores: in-flight jobs finish first. */
  async onModuleDestroy(): Promise<void> {
    await this.runtime.stop();
  }
}

/** Deadlines, reminders and notifications (see RemindersRuntime). Needs the global PlatformModule. */
@Module({})
export class RemindersModule {
  static forRoot(options: RemindersModuleOptions): DynamicModule {
    return {
      module: RemindersModule,
      providers: [
        { provide: REMINDERS_OPTIONS, useValue: options },
        {
          provide: RemindersRuntime,
          inject: [EventStore, READ_STORE, Clock, LOGGER, APP_CONFIG],
          useFactory: (eventStore: EventStore, sql: SqlClient, clock: Clock, logger: Logger, config: AppConfig) =>
            new RemindersRuntime({ eventStore, sql, clock, logger: logger.child({ component: 'reminders' }), settings: reminderSettingsFrom(config) }),
        },
        RemindersLifecycle,
      ],
      exports: [RemindersRuntime],
    };
  }
}
