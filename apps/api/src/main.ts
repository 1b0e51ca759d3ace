import { loadConfig } from '#config';
import { assertRedisReachable, createLogger, runMain } from '#platform';
import { createApiApp } from './bootstrap.js';

runMain('jixiao api', async () => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'jixiao-api');
  await assertRedisReachable(config.REDIS_URL);
  const app = await createApiApp(config, logger);
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ url: await app.getUrl(), eventStore: config.EVENT_STORE_URL.split('://')[0], readStore: config.DATABASE_URL.split('://')[0] }, 'jixiao api listening');
  return { shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS };
});
