import { ConfigError, loadConfig } from '#config';
import { assertRedisReachable, createLogger, RedisUnreachableError } from '#platform';
import { createApiApp } from './bootstrap.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'jixiao-api');
  await assertRedisReachable(config.REDIS_URL);
  const app = await createApiApp(config, logger);
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ url: await app.getUrl(), eventStore: config.EVENT_STORE_URL.split('://')[0], readStore: config.DATABASE_URL.split('://')[0] }, 'jixiao api listening');

  // A second signal, or a shutdown that hangs, ends the process anyway.
  const forceExit = () => setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS).unref();
  process.once('SIGTERM', forceExit);
  process.once('SIGINT', forceExit);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof RedisUnreachableError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`jixiao api failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
