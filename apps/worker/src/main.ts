import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '#config';
import { assertRedisReachable, createLogger, PinoNestLogger, runMain } from '#platform';
import { WorkerModule } from './worker.module.js';

runMain('jixiao worker', async () => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'jixiao-worker');
  await assertRedisReachable(config.REDIS_URL);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    abortOnError: false,
  });
  app.enableShutdownHooks();
  await app.init();
  logger.info('jixiao worker started');
  return { shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS };
});
