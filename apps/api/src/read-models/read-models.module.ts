import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { runtimeLifecycle } from '#platform';
import { AuthModule } from '../auth/auth.module.js';
import { OrganisationTrailController } from './organisation-trail.controller.js';
import { ProjectionHealth, READ_MODELS_OPTIONS, ReadModelsRunner, type ReadModelsOptions } from './projection-health.js';
import { ReportListController } from './report-list.controller.js';

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
      providers: [
        { provide: READ_MODELS_OPTIONS, useValue: runnerOptions },
        ReadModelsRunner,
        ProjectionHealth,
        runtimeLifecycle(ReadModelsRunner, runnerOptions.run ?? 'WORKER_IN_PROCESS'),
      ],
      exports: [ProjectionHealth, ReadModelsRunner],
    };
  }
}

export { ProjectionHealth, ReadModelsRunner, type ProjectionHealthStatus, type ReadModelsOptions } from './projection-health.js';
