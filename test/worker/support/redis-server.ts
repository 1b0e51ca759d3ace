import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../../support/processes.js';

/** A private, memory-only redis-server on a free port: the one place a test may FLUSHALL. */
export async function startPrivateRedis(): Promise<{ url: string; flushAll(): Promise<void>; info(section: string): Promise<string>; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: (times) => (times > 50 ? null : 50) });
  admin.on('error', () => undefined);
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await admin.connect().catch(() => undefined);
      if ((await admin.ping()) === 'PONG') break;
    } catch {
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    flushAll: async () => {
      await admin.flushall();
    },
    info: (section) => admin.info(section),
    stop: async () => {
      admin.disconnect();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
