import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { EventStore, type SqlClient } from '#eventstore';
import { READ_STORE, REDIS } from '#platform';
import { Public } from '../auth/principal.js';
import { Metrics } from '../metrics/metrics.js';
import { ProjectionHealth } from '../read-models/read-models.module.js';

interface CheckResult {
  status: 'up' | 'down';
  ms: number;
  error?: string;
}

async function check(probe: () => Promise<unknown>, timeoutMs = 2000): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up', ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 'down', ms: Math.round(performance.now() - started), error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** Probes for orchestrators and load balancers: no token. */
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: SqlClient,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly projections: ProjectionHealth,
    metrics: Metrics,
  ) {
    metrics.onCollect(async () => {
      for (const projection of (await this.projections.status()).projections) metrics.projectionLag.set({ projection: projection.name }, projection.lag);
    });
  }

  /** The process is alive and serving HTTP. */
  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  /**
   * Every dependency answers: event store, read store, Redis; 503 otherwise. The projections'
   * lag is reported, not judged: catching up after a restart is not a reason to stop traffic.
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const [eventStore, readStore, redis] = await Promise.all([
      check(() => this.eventStore.ping()),
      check(() => this.readStore.query('SELECT 1')),
      check(() => this.redis.ping()),
    ]);
    const checks = { eventStore, readStore, redis };
    const ready = Object.values(checks).every((c) => c.status === 'up');
    const projections = await this.projections.status().catch((error: unknown) => ({ status: 'unknown', error: (error as Error).message }));
    reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'unavailable', checks, projections };
  }
}
