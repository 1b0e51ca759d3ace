import { Controller, Get, Injectable, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Public } from '../auth/principal.js';

/** One registry per application instance (tests start several in one process). */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'jixiao_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly appendedEvents = new Counter({
    name: 'jixiao_events_appended_total',
    help: 'Events appended by commands, by event type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly projectionLag = new Gauge({
    name: 'jixiao_projection_lag_events',
    help: 'Events between the head of the store and a projection checkpoint',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'jixiao_queue_depth',
    help: 'Jobs waiting or delayed, by queue',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  /** Gauges that are read on scrape, registered by the modules that own them. */
  private readonly collectors: Array<() => Promise<void>> = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'jixiao_' });
  }

  onCollect(collector: () => Promise<void>): void {
    this.collectors.push(collector);
  }

  async render(): Promise<string> {
    await Promise.all(this.collectors.map((collect) => collect().catch(() => undefined)));
    return this.registry.metrics();
  }
}

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  /** Prometheus text format; meant for the scraper on the internal network, so it needs no token. */
  @Public()
  @Get()
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.render();
  }
}
