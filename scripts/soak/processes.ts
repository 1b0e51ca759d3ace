import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { verifyWebhook } from '../../apps/worker/src/notifications/webhook-signature.js';

/** dist/scripts/soak/processes.js → the repository root. */
export const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const postgresServerUrl = process.env.SOAK_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createNetServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A private database on the shared server, dropped at the end. */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `jx_soak_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: postgresServerUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(postgresServerUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A memory-only redis-server of our own: the shared one is never flushed or restarted. */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  private admin: Redis | null = null;
  readonly url: string;

  private constructor(readonly port: number) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.launch();
    return redis;
  }

  private async launch(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    this.admin = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    this.admin.on('error', () => undefined);
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await this.admin.connect().catch(() => undefined);
        if ((await this.admin.ping()) === 'PONG') return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not start`);
        await sleep(50);
      }
    }
  }

  async flushAll(): Promise<void> {
    await this.admin!.flushall();
  }

  /** Kills the server (all data gone: it keeps nothing on disk) and starts it again on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async stop(): Promise<void> {
    this.admin?.disconnect();
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGKILL');
      await exited;
    }
  }
}

/** A product process started from dist/, restartable after a SIGKILL. */
export class ManagedProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private log = '';
  starts = 0;

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
    /** Every line the process writes, kept whole for the post-mortem. */
    readonly logFile: string,
  ) {}

  start(): void {
    const child = spawn(process.execPath, [resolve(repoRoot, this.entry)], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.starts++;
    appendFileSync(this.logFile, `── ${new Date().toISOString()} start ${this.starts} ──\n`);
    const keep = (chunk: Buffer) => {
      this.log = (this.log + chunk.toString('utf8')).slice(-20_000);
      appendFileSync(this.logFile, chunk);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((r) => child.once('exit', () => r()));
    this.child = child;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL', graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child!.kill(signal);
    const stopped = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!stopped) {
      this.child!.kill('SIGKILL');
      await this.exited;
    }
  }

  output(): string {
    return this.log;
  }
}

/** Runs a dist/ entry to completion. */
export function runToEnd(entry: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve(repoRoot, entry)], { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('exit', (code) => done({ code, output }));
  });
}

export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await sleep(100);
  }
}

export interface WebhookReceiver {
  url: string;
  secret: string;
  requests: number;
  badSignatures: number;
  /** What an idempotent receiver acted on: once per Idempotency-Key. */
  processed: Set<string>;
  close(): Promise<void>;
}

/** The receiving end of the webhook channel: checks the HMAC signature and acts once per key. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = { url: '', secret: `soak-${randomBytes(16).toString('hex')}`, requests: 0, badSignatures: 0, processed: new Set(), close: async () => undefined };
  const server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      receiver.requests++;
      const valid = verifyWebhook(
        receiver.secret,
        { timestamp: request.headers['x-jixiao-timestamp'] as string | undefined, signature: request.headers['x-jixiao-signature'] as string | undefined },
        raw,
        Math.floor(Date.now() / 1000),
      );
      if (!valid) {
        receiver.badSignatures++;
        response.writeHead(401).end();
        return;
      }
      receiver.processed.add(String(request.headers['idempotency-key'] ?? ''));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/jixiao`;
  receiver.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return receiver;
}
