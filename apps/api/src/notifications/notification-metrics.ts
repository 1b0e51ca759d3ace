import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { RemindersRuntime } from '../../../worker/src/reminders/reminders-runtime.js';
import { Metrics } from '../metrics/metrics.js';

/**
 * Queue depth and failures, read at scrape time from Redis and the delivery ledger: they hold
 * for every worker process, wherever the jobs ran.
 */
@Injectable()
export class NotificationMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly runtime: RemindersRuntime,
  ) {}

  onModuleInit(): void {
    const registers = [this.metrics.registry];
    const finished = new Gauge({ name: 'jixiao_queue_jobs_finished', help: 'Jobs finished by queue and outcome, over the last week (BullMQ metrics)', labelNames: ['queue', 'outcome'] as const, registers });
    const deliveries = new Gauge({ name: 'jixiao_notification_deliveries', help: 'E-mail and webhook deliveries in the ledger by channel and status (dead = dead-lettered)', labelNames: ['channel', 'status'] as const, registers });
    const lag = new Gauge({ name: 'jixiao_deadline_manager_lag_events', help: 'Events between the head of the store and the deadline process manager checkpoint', registers });
    const unplannable = new Gauge({ name: 'jixiao_reminders_unplannable', help: 'Reminders that could not be planned in this process because the working-day calendar lacks a year', registers });
    const { reminders, deliveries: deliveryQueue, deadLetters } = this.runtime.queues;
    this.metrics.onCollect(async () => {
      for (const queue of [reminders, deliveryQueue, deadLetters]) {
        const counts = await queue.getJobCounts('wait', 'delayed', 'active', 'prioritized', 'failed');
        for (const [state, count] of Object.entries(counts)) this.metrics.queueDepth.set({ queue: queue.name, state }, count);
        for (const outcome of ['completed', 'failed'] as const) finished.set({ queue: queue.name, outcome }, (await queue.getMetrics(outcome, 0, 0)).meta.count);
      }
      deliveries.reset();
      for (const row of await this.runtime.ledger.counts()) deliveries.set({ channel: row.channel, status: row.status }, row.count);
      lag.set(Number((await this.runtime.processManager.status()).lag));
      unplannable.set(this.runtime.unplannable);
    });
  }
}
