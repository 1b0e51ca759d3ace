import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '#config';
import { PlatformModule } from '#platform';
import { HealthController } from './health/health.controller.js';

@Module({})
export class AppModule {
  static async forRoot(config: AppConfig, logger: Logger): Promise<DynamicModule> {
    return {
      module: AppModule,
      imports: [await PlatformModule.forRoot(config, logger)],
      controllers: [HealthController],
    };
  }
}
