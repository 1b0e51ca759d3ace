import type { DynamicModule, FactoryProvider, InjectionToken, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit, Type } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '#config';
import { EventStore, type SqlClient } from '#eventstore';
import { Clock } from './clock.js';
import { APP_CONFIG, LOGGER, READ_STORE } from './tokens.js';

/** Background work a Nest module owns: tables made at init, loops run from bootstrap until destroy. */
export interface ManagedRuntime {
  init(): Promise<void>;
  start(): void | Promise<void>;
  stop(): Promise<void>;
}

/**
 * Whether this process runs a runtime's loops: always (the worker), never, or as
 * WORKER_IN_PROCESS says (the API). A process that does not run them still uses the runtime.
 */
export type RunsIn = boolean | 'WORKER_IN_PROCESS';

/** What the global PlatformModule gives every runtime. */
export interface PlatformDeps {
  eventStore: EventStore;
  sql: SqlClient;
  clock: Clock;
  logger: Logger;
}

class RuntimeLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly runtime: ManagedRuntime,
    private readonly config: AppConfig,
    private readonly run: RunsIn,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.runtime.init();
  }

  async onApplicationBootstrap(): Promise<void> {
    const run = this.run === 'WORKER_IN_PROCESS' ? this.config.WORKER_IN_PROCESS : this.run;
    if (run) await this.runtime.start();
  }

  /** Before the platform closes the stores: in-flight work finishes first. */
  async onModuleDestroy(): Promise<void> {
    await this.runtime.stop();
  }
}

/** Drives the runtime provided as `runtime` through the module's lifecycle. */
export function runtimeLifecycle(runtime: InjectionToken<ManagedRuntime>, run: RunsIn): FactoryProvider {
  return {
    provide: Symbol(`${String(typeof runtime === 'function' ? runtime.name : runtime)} lifecycle`),
    inject: [runtime, APP_CONFIG],
    useFactory: (instance: ManagedRuntime, config: AppConfig) => new RuntimeLifecycle(instance, config, run),
  };
}

/**
 * A module that builds one runtime from the platform and the config, exports it, and drives it
 * through the lifecycle. Needs the global PlatformModule.
 */
export function runtimeModule<R extends ManagedRuntime>(spec: {
  module: Type<unknown>;
  runtime: Type<R>;
  create: (platform: PlatformDeps, config: AppConfig) => R;
  run: RunsIn;
}): DynamicModule {
  return {
    module: spec.module,
    providers: [
      {
        provide: spec.runtime,
        inject: [EventStore, READ_STORE, Clock, LOGGER, APP_CONFIG],
        useFactory: (eventStore: EventStore, sql: SqlClient, clock: Clock, logger: Logger, config: AppConfig) => spec.create({ eventStore, sql, clock, logger }, config),
      },
      runtimeLifecycle(spec.runtime, spec.run),
    ],
    exports: [spec.runtime],
  };
}
