import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '#config';
import { assertRedisReachable, createLogger, PinoNestLogger, RedisUnreachableError } from '#platform';
import { WorkerModule } from './worker.module.js';

async function main(): Promise<void> {
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
  const forceExit = () => setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS).unref();
  process.once('SIGTERM', forceExit);
  process.once('SIGINT', forceExit);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof RedisUnreachableError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`jixiao worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
