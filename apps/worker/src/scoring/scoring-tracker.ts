import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
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
import type { ScoreQueue } from './score-queue.js';
import type { ScoringTables, TrackerBatch } from './scoring-tables.js';

const NAME = 'scoring';
const REPORT_PREFIX = 'report-';

export interface TrackerOptions {
  batchSize?: number;
  idleMs?: number;
  retryMs?: number;
  /**
   * Queues every wake-up the table says is owed: run when this process becomes the leader (the
   * previous one may have died between a commit and its wake-ups) and after a failed wake-up.
   */
  reconcile?: () => Promise<unknown>;
}

export interface TrackerStatus {
  position: bigint;
  head: bigint;
  lag: bigint;
  active: boolean;
  lastError: { at: string; message: string } | null;
}

/**
 * Follows the event store from its checkpoint and keeps scoring_work: report revisions, rule
 * profile versions and score records in, wake-ups out. A batch's rows and checkpoint commit in one
 * transaction, and its wake-ups are queued once they have (a job must find the rows it is woken
 * for). Wake-ups lost in between — a crash, a Redis failure — are rebuilt from the table: on
 * becoming the leader, and before the next batch after a failed wake-up. One process leads
 * (advisory lock); a failure restarts from the checkpoint.
 */
export class ScoringTracker {
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly retryMs: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private active = false;
  private position = 0n;
  private lastError: TrackerStatus['lastError'] = null;
  /** Wake-ups of a committed batch may be missing from the queue. */
  private owesReconcile = true;

  constructor(
    private readonly eventStore: EventStore,
    private readonly sql: SqlClient,
    private readonly tables: ScoringTables,
    private readonly queue: ScoreQueue,
    private readonly logger: Logger,
    private readonly options: TrackerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.idleMs = options.idleMs ?? 50;
    this.retryMs = options.retryMs ?? 1000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.supervise();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  async status(): Promise<TrackerStatus> {
    const head = await this.eventStore.headPosition();
    const position = this.active ? this.position : await this.tables.checkpoint(NAME);
    return { position, head, lag: head > position ? head - position : 0n, active: this.active, lastError: this.lastError };
  }

  /** Runs until nothing is left (tests, benchmarks). */
  async catchUp(): Promise<void> {
    await this.sql.withSession(async (session) => {
      if (!(await this.tryLead(session))) throw new Error('another process runs the scoring tracker');
      try {
        this.position = await this.tables.checkpoint(NAME);
        this.owesReconcile = true;
        while ((await this.step()) > 0);
      } finally {
        this.active = false;
        await this.release(session);
      }
    });
  }

  private async supervise(): Promise<void> {
    while (this.running) {
      try {
        await this.sql.withSession(async (session) => {
          if (!(await this.tryLead(session))) return;
          try {
            this.position = await this.tables.checkpoint(NAME);
            this.owesReconcile = true;
            while (this.running) {
              if ((await this.step()) === 0) await sleep(this.idleMs);
            }
          } finally {
            this.active = false;
            await this.release(session);
          }
        });
        if (this.running && !this.active) await sleep(this.retryMs);
      } catch (error) {
        this.lastError = { at: new Date().toISOString(), message: error instanceof Error ? error.message : String(error) };
        this.logger.error({ err: error }, 'scoring tracker failed; restarting from its checkpoint');
        if (this.running) await sleep(this.retryMs);
      }
    }
  }

  private lockKey(): string {
    return createHash('sha256').update('jixiao-process-manager:scoring').digest().readBigInt64BE(0).toString();
  }

  private async tryLead(session: SqlClient): Promise<boolean> {
    if (session.kind === 'pglite') return (this.active = true);
    const { rows } = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [this.lockKey()]);
    return (this.active = rows[0]?.ok === true);
  }

  private async release(session: SqlClient): Promise<void> {
    if (session.kind === 'pglite') return;
    await session.query('SELECT pg_advisory_unlock($1::bigint)', [this.lockKey()]).catch(() => undefined);
  }

  /** One batch; returns how many events it read. */
  private async step(): Promise<number> {
    if (this.owesReconcile && this.options.reconcile) {
      await this.options.reconcile();
      this.owesReconcile = false;
    }
    const events = await this.eventStore.readAll({ after: this.position, maxCount: this.batchSize });
    if (events.length === 0) return 0;
    const batch = batchOf(events);
    const last = events[events.length - 1]!.position;
    const wakeUps = await this.sql.transaction(async (tx) => {
      const owed = await this.tables.applyBatch(tx, batch);
      await this.tables.saveCheckpoint(tx, NAME, last);
      return owed;
    });
    this.position = last;
    if (batch.profiles.length > 0) this.logger.info({ profiles: batch.profiles.map((p) => `${p.profileId}@${p.version}`) }, 'rule profile changed: re-scoring the reports naming it');
    try {
      // A profile change wakes its reports at once; edits wait out the debounce.
      await this.queue.wake(wakeUps, { debounce: batch.profiles.length === 0 });
    } catch (error) {
      this.owesReconcile = true;
      throw error;
    }
    return events.length;
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
