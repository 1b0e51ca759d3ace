import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '#config';
import { EventStore, type SqlClient } from '#eventstore';
import { APP_CONFIG, Clock, LOGGER, READ_STORE } from '#platform';
import { ScoringRuntime } from './scoring-runtime.js';
import { scoringSettingsFrom } from './scoring-settings.js';

export const SCORING_OPTIONS = Symbol('SCORING_OPTIONS');

export interface ScoringModuleOptions {
  /**
   * Whether this process runs the tracker and the score queue worker: true (the worker), or as
   * WORKER_IN_PROCESS says (the API). A process that does not run them still reads the progress
   * and can reconcile on demand.
   */
  run: boolean | 'WORKER_IN_PROCESS';
}

@Injectable()
class ScoringLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly runtime: ScoringRuntime,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SCORING_OPTIONS) private readonly options: ScoringModuleOptions,
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

/** Score recomputation (see ScoringRuntime). Needs the global PlatformModule. */
@Module({})
export class ScoringModule {
  static forRoot(options: ScoringModuleOptions): DynamicModule {
    return {
      module: ScoringModule,
      providers: [
        { provide: SCORING_OPTIONS, useValue: options },
        {
          provide: ScoringRuntime,
          inject: [EventStore, READ_STORE, Clock, LOGGER, APP_CONFIG],
          useFactory: (eventStore: EventStore, sql: SqlClient, clock: Clock, logger: Logger, config: AppConfig) =>
            new ScoringRuntime({ eventStore, sql, clock, logger: logger.child({ component: 'scoring' }), settings: scoringSettingsFrom(config) }),
        },
        ScoringLifecycle,
      ],
      exports: [ScoringRuntime],
    };
  }
}
