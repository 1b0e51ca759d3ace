import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { ScoringModule } from '../../../worker/src/scoring/scoring.module.js';
import { ScoringRuntime } from '../../../worker/src/scoring/scoring-runtime.js';
import { SCORING_QUEUE } from '../../../worker/src/scoring/score-queue.js';
import { IdempotencyStore } from '../http/idempotency.js';
import { Metrics } from '../metrics/metrics.js';
import { RuleProfileRepository } from './rule-profile-repository.js';
import { RuleProfilesController } from './rule-profiles.controller.js';
import { ScoreRecordController } from './score-record.controller.js';

/** Re-score progress and the score queue's depth, read on every scrape. */
@Injectable()
class ScoringMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly scoring: ScoringRuntime,
  ) {}

  onModuleInit(): void {
    const rescore = new Gauge({
      name: 'jixiao_rescore_reports',
      help: 'Reports naming a rule profile (state="total"), scored under its version in force ("done"), owed a computation ("pending")',
      labelNames: ['profile', 'state'] as const,
      registers: [this.metrics.registry],
    });
    this.metrics.onCollect(async () => {
      for (const p of await this.scoring.progress()) {
        rescore.set({ profile: p.profileId, state: 'total' }, p.total);
        rescore.set({ profile: p.profileId, state: 'done' }, p.done);
        rescore.set({ profile: p.profileId, state: 'pending' }, p.pending);
      }
    });
    const lag = new Gauge({
      name: 'jixiao_scoring_tracker_lag_events',
      help: 'Events between the head of the store and the scoring tracker checkpoint',
      registers: [this.metrics.registry],
    });
    this.metrics.onCollect(async () => {
      lag.set(Number((await this.scoring.tracker.status()).lag));
    });
    this.metrics.onCollect(async () => {
      const depth = await this.scoring.queue.depth();
      for (const [state, count] of Object.entries(depth)) this.metrics.queueDepth.set({ queue: SCORING_QUEUE, state }, count);
    });
  }
}

/**
 * Rule profiles as admin-managed data (GET/PUT /rule-profiles/{id}, re-score progress), the score
 * records (GET /reports/{id}/score-record), and score recomputation itself, run in this process
 * when WORKER_IN_PROCESS. Needs the global PlatformModule, AuthModule and MetricsModule.
 */
@Module({
  imports: [ScoringModule.forRoot({ run: 'WORKER_IN_PROCESS' })],
  controllers: [RuleProfilesController, ScoreRecordController],
  providers: [RuleProfileRepository, IdempotencyStore, ScoringMetrics],
})
export class RuleProfilesModule {}
