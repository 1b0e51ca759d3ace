import type { Logger } from 'pino';
import {
  isReportEventType,
  parseStoredScoreBasis,
  parseStoredRuleProfileEvent,
  profileIdOfStream,
  REPORT_SCORED,
  reportIdOfScoreStream,
  RULE_PROFILE_DEFINED,
  supersedes,
} from '#domain';
import type { EventStore, RecordedEvent, SqlClient } from '#eventstore';
import { CheckpointedConsumer, type CheckpointedConsumerOptions, type CommitBatch } from '#projections';
import type { ScoreQueue } from './score-queue.js';
import type { ScoringTables, TrackerBatch } from './scoring-tables.js';

const REPORT_PREFIX = 'report-';

export interface TrackerOptions extends CheckpointedConsumerOptions {
  /**
   * Queues every wake-up the table says is owed: run when this process becomes the leader (the
   * previous one may have died between a commit and its wake-ups) and after a failed wake-up.
   */
  reconcile?: () => Promise<unknown>;
}

/**
 * Follows the event store from its checkpoint and keeps scoring_work: report revisions, rule
 * profile versions and score records in, wake-ups out. A batch's rows and checkpoint commit in one
 * transaction, and its wake-ups are queued once they have (a job must find the rows it is woken
 * for). Wake-ups lost in between — a crash, a Redis failure — are rebuilt from the table: on
 * becoming the leader, and before the next batch after a failed wake-up. One process leads
 * (advisory lock); a failure restarts from the checkpoint.
 */
export class ScoringTracker extends CheckpointedConsumer {
  /** Wake-ups of a committed batch may be missing from the queue. */
  private owesReconcile = true;

  constructor(
    eventStore: EventStore,
    sql: SqlClient,
    private readonly tables: ScoringTables,
    private readonly queue: ScoreQueue,
    logger: Logger,
    private readonly options: TrackerOptions = {},
  ) {
    super({ name: 'scoring', title: 'scoring tracker' }, eventStore, sql, tables, logger, options);
  }

  protected override onLead(): void {
    this.owesReconcile = true;
  }

  protected override async beforeRead(): Promise<void> {
    if (this.owesReconcile && this.options.reconcile) {
      await this.options.reconcile();
      this.owesReconcile = false;
    }
  }

  protected async apply(events: readonly RecordedEvent[], commit: CommitBatch): Promise<void> {
    const batch = batchOf(events);
    const wakeUps = await commit((tx) => this.tables.applyBatch(tx, batch));
    if (batch.profiles.length > 0) this.logger.info({ profiles: batch.profiles.map((p) => `${p.profileId}@${p.version}`) }, 'rule profile changed: re-scoring the reports naming it');
    try {
      // A profile change wakes its reports at once; edits wait out the debounce.
      await this.queue.wake(wakeUps, { debounce: batch.profiles.length === 0 });
    } catch (error) {
      this.owesReconcile = true;
      throw error;
    }
  }
}

/** What a batch of events means for scoring_work. */
export function batchOf(events: readonly RecordedEvent[]): TrackerBatch {
  const profiles: TrackerBatch['profiles'] = [];
  const created = new Map<string, TrackerBatch['created'][number]>();
  const revised = new Map<string, number>();
  const scored = new Map<string, TrackerBatch['scored'][number]>();
  for (const event of events) {
    if (event.streamId.startsWith(REPORT_PREFIX) && isReportEventType(event.type)) {
      const reportId = event.streamId.slice(REPORT_PREFIX.length);
      const known = created.get(reportId);
      if (event.type === 'ReportCreated') {
        const data = event.data as { organisationId: string; profileId: string };
        created.set(reportId, { reportId, organisationId: data.organisationId, profileId: data.profileId, revision: event.revision });
      } else if (known) known.revision = Math.max(known.revision, event.revision);
      else revised.set(reportId, Math.max(event.revision, revised.get(reportId) ?? -1));
    } else if (event.type === REPORT_SCORED) {
      const reportId = reportIdOfScoreStream(event.streamId);
      if (reportId === null) continue;
      const basis = parseStoredScoreBasis({ type: event.type, schemaVersion: event.metadata.schemaVersion, data: event.data });
      const before = scored.get(reportId);
      const streamRevision = Math.max(event.revision, before?.streamRevision ?? -1);
      scored.set(reportId, before && !supersedes(basis, before) ? { ...before, streamRevision } : { reportId, ...basis, streamRevision });
    } else if (event.type === RULE_PROFILE_DEFINED && profileIdOfStream(event.streamId) !== null) {
      const { data } = parseStoredRuleProfileEvent({ type: event.type, schemaVersion: event.metadata.schemaVersion, data: event.data });
      profiles.push({ profileId: data.profileId, version: data.version, doc: data.profile, definedAt: data.at });
    }
  }
  return { profiles, created: [...created.values()], revised: [...revised].map(([reportId, revision]) => ({ reportId, revision })), scored: [...scored.values()] };
}
