import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '#config';
import { PlatformModule } from '#platform';

/** The background process: queue processors and projection runners are registered here. */
@Module({})
export class WorkerModule {
  static async forRoot(config: AppConfig, logger: Logger): Promise<DynamicModule> {
    return { module: WorkerModule, imports: [await PlatformModule.forRoot(config, logger)] };
  }
}
