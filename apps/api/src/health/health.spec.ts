import { afterEach, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#config';
import { createLogger } from '#platform';
import { createApiApp } from '../bootstrap.js';

describe('health endpoints', () => {
  let app: NestFastifyApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(env: Record<string, string>) {
    app = await createApiApp(loadConfig({ DATABASE_URL: 'pglite://memory', ...env }), createLogger('silent', 'test'));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = await app.getUrl();
    return {
      get: async (path: string) => {
        const response = await fetch(`${base}${path}`);
        return { statusCode: response.status, body: (await response.json()) as unknown };
      },
    };
  }

  it('is live and ready with the embedded store and the local Redis', async () => {
    const api = await start({});
    const live = await api.get('/health/live');
    expect(live.statusCode).toBe(200);
    const ready = await api.get('/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      checks: { eventStore: { status: 'up' }, readStore: { status: 'up' }, redis: { status: 'up' } },
      projections: { lag: expect.any(Number), projections: expect.arrayContaining([expect.objectContaining({ name: 'audit_entries' })]) },
    });
  });

  it('answers 503 naming Redis when Redis stops answering, while staying live', async () => {
    // Port 1 refuses connections; the long-lived client keeps retrying, the probe times out.
    const api = await start({ REDIS_URL: 'redis://127.0.0.1:1' });
    const ready = await api.get('/health/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.body).toMatchObject({ status: 'unavailable', checks: { redis: { status: 'down' }, eventStore: { status: 'up' } } });
    expect((await api.get('/health/live')).statusCode).toBe(200);
  });
});
