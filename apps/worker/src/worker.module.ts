import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '#config';
import { PlatformModule } from '#platform';
import { directoryProjections } from '../../api/src/auth/directory.projections.js';
import { ReadModelsModule } from '../../api/src/read-models/read-models.module.js';
import { RemindersModule } from './reminders/reminders.module.js';
import { ScoringModule } from './scoring/scoring.module.js';

/**
 * The background process: the projection runner (when the API does not run it in-process), and
 * deadlines, reminders and notifications (process manager, inbox projections, queue workers).
 * Several workers may run: advisory locks keep one process manager and one projection runner
 * active, and BullMQ hands each job to one worker at a time.
 */
@Module({})
export class WorkerModule {
  static async forRoot(config: AppConfig, logger: Logger): Promise<DynamicModule> {
    return {
      module: WorkerModule,
      imports: [
        await PlatformModule.forRoot(config, logger),
        ReadModelsModule.forRoot({ http: false, run: true, extraProjections: directoryProjections }),
        RemindersModule.forRoot({ run: true }),
        ScoringModule.forRoot({ run: true }),
      ],
    };
  }
}
