import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import {
  parseStoredScoreBasis,
  REPORT_SCORED,
  REPORT_SCORED_VERSION,
  reportScoredData,
  scoreReport,
  scoreStreamId,
  scoringActor,
  supersedes,
  type ScoreBasis,
} from '#domain';
import { WrongExpectedRevisionError, type EventStore } from '#eventstore';
import type { Clock } from '#platform';
import type { ProfileVersions } from './profile-versions.js';
import type { ReportFolds } from './report-folds.js';
import { scoreEventId } from './score-event-id.js';
import type { ScoreJob, ScoreQueue } from './score-queue.js';
import type { ClaimedReport, ScoringTables } from './scoring-tables.js';

export type ScoreOutcome =
  /** Computed and recorded. */
  | 'recorded'
  /** The score stream already holds this revision and profile version, or a later one. */
  | 'already-recorded'
  /** Nothing owed (a stale or repeated wake-up). */
  | 'up-to-date'
  /** Another computation recorded first; the report is woken again if still owed. */
  | 'raced'
  | 'unknown-report'
  /** The profile the report names is not known (no built-in, no definition). */
  | 'unscorable';

type Recorded = ScoreBasis & { streamRevision: number };

const RETRYABLE = new Set<ScoreOutcome>(['recorded', 'already-recorded', 'up-to-date', 'raced']);
const MIN_WAIT_MS = 25;
const MAX_WAIT_MS = 1_000;

/**
 * One job: claim the report, score its latest revision under the profile version it is owed,
 * record the result in `score-<reportId>` (unless already recorded), release, and wake the report
 * again if it changed meanwhile. Every step is idempotent: at-least-once delivery is the contract.
 */
export class ScoreProcessor {
  /** Scores computed by this process (a repeated or stale wake-up computes nothing). */
  computations = 0;

  constructor(
    private readonly eventStore: EventStore,
    private readonly tables: ScoringTables,
    private readonly folds: ReportFolds,
    private readonly profiles: ProfileVersions,
    private readonly queue: ScoreQueue,
    private readonly clock: Clock,
    private readonly leaseMs: number,
    private readonly logger: Logger,
  ) {}

  process = async (job: Job<ScoreJob>, token?: string): Promise<ScoreOutcome> => {
    const { reportId } = job.data;
    // The job id, so that the same job retried after a crash takes its own lease over at once.
    const lease = job.id ?? `${reportId}|${job.timestamp}`;
    const claim = await this.tables.claim(reportId, lease, this.leaseMs);
    if (claim.kind === 'missing') return 'unknown-report';
    if (claim.kind === 'leased') {
      // Another job is computing this report: wait for it, without counting a failed attempt.
      await job.moveToDelayed(Date.now() + Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, claim.waitMs)), token);
      throw new DelayedError();
    }
    let result: { outcome: ScoreOutcome; recorded: Recorded | null };
    try {
      result = await this.score(reportId, claim.report);
    } catch (error) {
      await this.tables.release(reportId, lease, null).catch(() => undefined);
      throw error;
    }
    const after = await this.tables.release(reportId, lease, result.recorded);
    // Changed while this job ran (or another job recorded first): a later computation must follow.
    if (after?.pending && RETRYABLE.has(result.outcome)) await this.queue.wake([{ reportId, generation: after.generation }]);
    return result.outcome;
  };

  private async score(reportId: string, report: ClaimedReport): Promise<{ outcome: ScoreOutcome; recorded: Recorded | null }> {
    if (!report.pending) return { outcome: 'up-to-date', recorded: null };
    if (report.wantedProfileVersion === null) return { outcome: 'unscorable', recorded: null };
    const profile = await this.profiles.get(report.profileId, report.wantedProfileVersion);
    if (!profile) {
      this.logger.error({ reportId, profileId: report.profileId, version: report.wantedProfileVersion }, 'report names a rule profile version that is not known');
      return { outcome: 'unscorable', recorded: null };
    }
    const folded = await this.folds.load(reportId);
    if (!folded) return { outcome: 'unknown-report', recorded: null };

    const basis: ScoreBasis = { reportRevision: folded.revision, profileId: profile.id, profileVersion: profile.version };
    // The table's note of the last record, not a read of the score stream: should it lag (a job
    // died between its append and its release), the append below states that stale revision and
    // is either recognised as the very record already stored (same deterministic id) or refused.
    const last = report.scored;
    if (last && !supersedes(basis, last)) return { outcome: 'already-recorded', recorded: last };

    const streamId = scoreStreamId(reportId);
    const score = scoreReport(folded.state.content, profile);
    this.computations++;
    const at = this.clock.now().toISOString();
    const organisationId = folded.state.organisationId;
    try {
      const appended = await this.eventStore.append(
        streamId,
        [
          {
            id: scoreEventId(reportId, basis),
            type: REPORT_SCORED,
            data: reportScoredData({ reportId, organisationId, reportRevision: folded.revision, at, score }),
            metadata: {
              actor: scoringActor(organisationId),
              correlationId: folded.correlationId,
              causationId: folded.lastEventId,
              idempotencyKey: null,
              recordedAt: at,
              schemaVersion: REPORT_SCORED_VERSION,
            },
          },
        ],
        last ? last.streamRevision : 'no_stream',
      );
      return { outcome: 'recorded', recorded: { ...basis, streamRevision: appended.nextExpectedRevision } };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      // Another record came first (or the table lagged): note the stream's last one, so the next
      // job starts from the truth.
      return { outcome: 'raced', recorded: await this.lastRecord(streamId, last?.streamRevision ?? 0) };
    }
  }

  private async lastRecord(streamId: string, fromRevision: number): Promise<Recorded | null> {
    const event = (await this.eventStore.readStream(streamId, { fromRevision })).at(-1);
    if (!event) return null;
    return { ...parseStoredScoreBasis({ type: event.type, schemaVersion: event.metadata.schemaVersion, data: event.data }), streamRevision: event.revision };
  }
}
