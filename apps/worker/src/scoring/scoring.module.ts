import { Module, type DynamicModule } from '@nestjs/common';
import { runtimeModule, type RunsIn } from '#platform';
import { ScoringRuntime } from './scoring-runtime.js';
import { scoringSettingsFrom } from './scoring-settings.js';

export interface ScoringModuleOptions {
  /**
   * Whether this process runs the tracker and the score queue worker. A process that does not run
   * them still reads the progress and can reconcile on demand.
   */
  run: RunsIn;
}

/** Score recomputation (see ScoringRuntime). Needs the global PlatformModule. */
@Module({})
export class ScoringModule {
  static forRoot(options: ScoringModuleOptions): DynamicModule {
    return runtimeModule({
      module: ScoringModule,
      runtime: ScoringRuntime,
      run: options.run,
      create: ({ logger, ...platform }, config) => new ScoringRuntime({ ...platform, logger: logger.child({ component: 'scoring' }), settings: scoringSettingsFrom(config) }),
    });
  }
}
