import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import type { AppConfig } from '#config';
import { PinoNestLogger, type Clock } from '#platform';
import { AppModule } from './app.module.js';
import { setupOpenApi } from './docs/openapi.js';
import { registerSpreadsheetBodyParser } from './excel/spreadsheet-body.js';
import { Metrics } from './metrics/metrics.js';

/** Builds the API application without listening, so tests drive exactly what production runs. */
export async function createApiApp(config: AppConfig, logger: Logger, options: { clock?: Clock } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    // Fastify logs each request at info; those lines only show when LOG_LEVEL asks for debug.
    loggerInstance: logger.child({ component: 'http' }, { level: config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? config.LOG_LEVEL : 'warn' }),
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger, options), adapter, {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    bufferLogs: false,
    abortOnError: false,
  });
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  // Commands take JSON only; anything else is 415 rather than a string the schemas then refuse.
  fastify.removeContentTypeParser('text/plain');
  registerSpreadsheetBodyParser(fastify);
  const metrics = app.get(Metrics);
  fastify.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
  setupOpenApi(app);
  return app;
}
