import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import type { AppConfig } from '#config';
import { PinoNestLogger } from '#platform';
import { AppModule } from './app.module.js';

/** Builds the API application without listening, so tests drive exactly what production runs. */
export async function createApiApp(config: AppConfig, logger: Logger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    // Fastify logs each request at info; those lines only show when LOG_LEVEL asks for debug.
    loggerInstance: logger.child({ component: 'http' }, { level: config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? config.LOG_LEVEL : 'warn' }),
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), adapter, {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    bufferLogs: false,
    abortOnError: false,
  });
  app.enableShutdownHooks();
  return app;
}
