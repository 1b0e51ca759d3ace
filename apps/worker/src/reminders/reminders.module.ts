import { Module, type DynamicModule } from '@nestjs/common';
import { runtimeModule, type RunsIn } from '#platform';
import { reminderSettingsFrom } from './reminder-settings.js';
import { RemindersRuntime } from './reminders-runtime.js';

export interface RemindersModuleOptions {
  /**
   * Whether this process runs the process manager, the inbox projections and the queue workers.
   * A process that does not run them still reaches the queues (bull-board, metrics,
   * reconciliation on demand).
   */
  run: RunsIn;
}

/** Deadlines, reminders and notifications (see RemindersRuntime). Needs the global PlatformModule. */
@Module({})
export class RemindersModule {
  static forRoot(options: RemindersModuleOptions): DynamicModule {
    return runtimeModule({
      module: RemindersModule,
      runtime: RemindersRuntime,
      run: options.run,
      create: ({ logger, ...platform }, config) => new RemindersRuntime({ ...platform, logger: logger.child({ component: 'reminders' }), settings: reminderSettingsFrom(config) }),
    });
  }
}
