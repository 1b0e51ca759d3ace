import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { loadConfig, type AppConfig } from '#config';
import { assertRedisReachable, createLogger, PinoNestLogger, PlatformModule, runMain } from '#platform';
import { ScoringModule } from './scoring.module.js';

/** Score recomputation alone, without the rest of the worker: scaling it out, and the crash tests. */
@Module({})
class ScoringOnlyModule {
  static async forRoot(config: AppConfig, logger: Logger): Promise<DynamicModule> {
    return { module: ScoringOnlyModule, imports: [await PlatformModule.forRoot(config, logger), ScoringModule.forRoot({ run: true })] };
  }
}

runMain('jixiao scoring worker', async () => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'jixiao-scoring');
  await assertRedisReachable(config.REDIS_URL);
  const app = await NestFactory.createApplicationContext(await ScoringOnlyModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    abortOnError: false,
  });
  app.enableShutdownHooks();
  await app.init();
  logger.info('jixiao scoring worker started');
  return { shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS };
});
