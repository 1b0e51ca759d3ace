import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#config';
import { EventStore } from '#eventstore';
import { Clock, createLogger, SystemClock } from '#platform';
import { createApiApp } from '../../apps/api/src/bootstrap.js';
import { demoUsers, seedDemoRegion } from '../../apps/cli/src/seed-demo.js';

export interface Response<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ApiClient {
  request<T = any>(method: string, path: string, options?: { body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<Response<T>>;
}

export interface RunningApi {
  app: NestFastifyApplication;
  baseUrl: string;
  eventStore: EventStore;
  /** A client logged in as a demo user; `fresh` logs in again (after the test clock moved past the token's lifetime). */
  as(username: string, options?: { fresh?: boolean }): Promise<ApiClient>;
  anonymous: ApiClient;
  close(): Promise<void>;
}

function client(baseUrl: string, token: string | null): ApiClient {
  return {
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | undefined = options.raw;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      // Decoded by hand to keep a byte-order mark: CSV exports carry one for Excel.
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
      let parsed: unknown = text;
      if ((response.headers.get('content-type') ?? '').includes('json') && text.length > 0) parsed = JSON.parse(text);
      return { status: response.status, headers: response.headers, body: parsed as never };
    },
  };
}

/** The real API on a real store, listening on a free port, with the demo region seeded. */
export async function startApi(databaseUrl: string, env: Record<string, string> = {}, clock: Clock = new SystemClock()): Promise<RunningApi> {
  // A queue prefix of its own: test files running side by side never take each other's jobs.
  const config = loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', QUEUE_PREFIX: `jx-test-${randomUUID().slice(0, 8)}`, ...env });
  const app = await createApiApp(config, createLogger('silent', 'test'), { clock });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const eventStore = app.get(EventStore);
  await seedDemoRegion(eventStore, clock);
  const anonymous = client(baseUrl, null);
  const tokens = new Map<string, string>();
  return {
    app,
    baseUrl,
    eventStore,
    anonymous,
    async as(username: string, options: { fresh?: boolean } = {}) {
      let token = options.fresh ? undefined : tokens.get(username);
      if (!token) {
        const user = demoUsers.find((u) => u.username === username);
        if (!user) throw new Error(`no demo user ${username}`);
        const deadline = Date.now() + 15_000;
        for (;;) {
          const login = await anonymous.request<{ accessToken: string }>('POST', '/auth/login', { body: { username, password: user.password } });
          if (login.status === 200) {
            token = login.body.accessToken;
            break;
          }
          // The directory read model may still be catching up with the seeded events.
          if (Date.now() > deadline) throw new Error(`login of ${username} failed: ${login.status} ${JSON.stringify(login.body)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        tokens.set(username, token);
      }
      return client(baseUrl, token);
    },
    close: () => app.close(),
  };
}
