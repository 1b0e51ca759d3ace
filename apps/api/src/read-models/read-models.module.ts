import { Inject, Injectable, Module, type DynamicModule, type ModuleMetadata, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '#config';
import { APP_CONFIG } from '#platform';
import { AuthModule } from '../auth/auth.module.js';
import { OrganisationTrailController } from './organisation-trail.controller.js';
import { ProjectionHealth, READ_MODELS_OPTIONS, ReadModelsRunner, type ReadModelsOptions } from './projection-health.js';
import { ReportListController } from './report-list.controller.js';

@Injectable()
class ReadModelsLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly readModels: ReadModelsRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(READ_MODELS_OPTIONS) private readonly options: ReadModelsOptions,
  ) {}

  /** The tables exist before the first request, whichever process runs the projections. */
  async onModuleInit(): Promise<void> {
    await this.readModels.runner.ensureSchema();
  }

  onApplicationBootstrap(): void {
    if (this.options.run ?? this.config.WORKER_IN_PROCESS) this.readModels.start();
  }

  /** Before the platform closes the stores (onApplicationShutdown). */
  async onModuleDestroy(): Promise<void> {
    await this.readModels.stop();
  }
}

/**
 * The read models: their projection runner (run here when WORKER_IN_PROCESS, else by the
 * worker), GET /reports and the organisation audit trail export, and ProjectionHealth for
 * readiness. Needs the global PlatformModule; AuthModule for AccessPolicy unless `imports` says
 * otherwise. `http: false` leaves the routes out (the worker).
 */
@Module({})
export class ReadModelsModule {
  static forRoot(options: ReadModelsOptions & { imports?: ModuleMetadata['imports']; http?: boolean } = {}): DynamicModule {
    const { imports, http, ...runnerOptions } = options;
    return {
      module: ReadModelsModule,
      imports: imports ?? (http === false ? [] : [AuthModule]),
      controllers: http === false ? [] : [ReportListController, OrganisationTrailController],
      providers: [{ provide: READ_MODELS_OPTIONS, useValue: runnerOptions }, ReadModelsRunner, ProjectionHealth, ReadModelsLifecycle],
      exports: [ProjectionHealth, ReadModelsRunner],
    };
  }
}

export { ProjectionHealth, ReadModelsRunner, type ProjectionHealthStatus, type ReadModelsOptions } from './projection-health.js';
