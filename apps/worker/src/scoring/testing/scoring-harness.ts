import { randomUUID } from 'node:crypto';
import {
  builtInProfiles,
  currentRuleProfile,
  decideRuleProfile,
  evolveRuleProfile,
  initialRuleProfileState,
  parseStoredReportScored,
  parseStoredRuleProfileEvent,
  REPORT_SCORED,
  reportIdOfScoreStream,
  ruleProfileEventSchemas,
  ruleProfileStreamId,
  scoreStreamId,
  type ReportScoredData,
  type RuleProfileJson,
} from '#domain';
import { openEventStore, openSqlClient, type EventStore, type SqlClient } from '#eventstore';
import { createLogger, SystemClock } from '#platform';
import { ProjectionRunner } from '#projections';
import { reportScoresProjection } from '#read-models';
import { deleteQueueKeys } from '../../testing/queue-keys.js';
import { waitFor } from '../../testing/wait-for.js';
import { ScoringRuntime } from '../scoring-runtime.js';
import type { ScoringSettings } from '../scoring-settings.js';

export { deleteQueueKeys } from '../../testing/queue-keys.js';
export { waitFor } from '../../testing/wait-for.js';

/** Store, read store, a scoring runtime on its own queue prefix (not started) and the score read model. */
export interface ScoringHarness {
  store: EventStore;
  sql: SqlClient;
  runtime: ScoringRuntime;
  readModels: ProjectionRunner;
  /** The ReportScored records of one report, in stream order. */
  records(reportId: string): Promise<ReportScoredData[]>;
  /** Every report's records, read from the whole store. */
  allRecords(): Promise<Map<string, ReportScoredData[]>>;
  /** Waits until the tracker has read the whole store, nothing is owed and the queue is empty. */
  settled(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function openScoringHarness(options: { databaseUrl: string; redisUrl: string; prefix: string; settings?: Partial<ScoringSettings>; logLevel?: string }): Promise<ScoringHarness> {
  const store = await openEventStore(options.databaseUrl);
  const sql = await openSqlClient(options.databaseUrl);
  const logger = createLogger(options.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'silent', 'scoring-test');
  const settings: ScoringSettings = {
    redisUrl: options.redisUrl,
    queuePrefix: options.prefix,
    lockMs: 5_000,
    leaseMs: 5_000,
    debounceMs: 100,
    concurrency: 8,
    reconcileIntervalMs: 0,
    idleMs: 20,
    batchSize: 1000,
    ...options.settings,
  };
  const runtime = new ScoringRuntime({ eventStore: store, sql, clock: new SystemClock(), logger, settings });
  await runtime.init();
  const readModels = new ProjectionRunner(store, sql, [reportScoresProjection], { idleMs: 20 });
  await readModels.ensureSchema();
  const parse = (events: Awaited<ReturnType<EventStore['readStream']>>) =>
    events.filter((e) => e.type === REPORT_SCORED).map((e) => parseStoredReportScored({ type: e.type, schemaVersion: e.metadata.schemaVersion, data: e.data }));
  return {
    store,
    sql,
    runtime,
    readModels,
    records: async (reportId) => parse(await store.readStream(scoreStreamId(reportId))),
    async allRecords() {
      const byReport = new Map<string, ReportScoredData[]>();
      for (let after = 0n; ; ) {
        const page = await store.readAll({ after, maxCount: 5000 });
        if (page.length === 0) return byReport;
        for (const event of page) {
          const reportId = reportIdOfScoreStream(event.streamId);
          if (reportId === null || event.type !== REPORT_SCORED) continue;
          byReport.set(reportId, [...(byReport.get(reportId) ?? []), ...parse([event])]);
        }
        after = page[page.length - 1]!.position;
      }
    },
    async settled(timeoutMs = 60_000) {
      await waitFor(
        'scoring to settle',
        async () => {
          const status = await runtime.tracker.status();
          if (status.lag > 0n) return false;
          if ((await runtime.tables.pendingCount()) > 0) return false;
          const depth = await runtime.queue.depth();
          return depth.waiting + depth.delayed + depth.active === 0;
        },
        timeoutMs,
      );
    },
    async close() {
      await runtime.stop().catch(() => undefined);
      await readModels.stop().catch(() => undefined);
      await deleteQueueKeys(options.redisUrl, options.prefix).catch(() => undefined);
      await store.close();
      await sql.close();
    },
  };
}

const admin = { userId: 'u-admin', role: 'admin' as const, organisationId: 'org-bureau' };

/** Defines the next version of a rule profile as an administrator would, through the domain decider. */
export async function defineProfile(store: EventStore, profileId: string, change: (json: RuleProfileJson) => RuleProfileJson, at = new Date().toISOString()): Promise<number> {
  const stored = await store.readStream(ruleProfileStreamId(profileId));
  let state = initialRuleProfileState();
  for (const event of stored) state = evolveRuleProfile(state, parseStoredRuleProfileEvent({ type: event.type, schemaVersion: event.metadata.schemaVersion, data: event.data }));
  const builtIn = builtInProfiles(profileId);
  const current = currentRuleProfile(state, builtIn);
  if (!current) throw new Error(`no profile ${profileId}`);
  const { id: _id, version: _version, ...rules } = change(structuredClone(current.json) as RuleProfileJson);
  const events = decideRuleProfile({ type: 'DefineRuleProfile', data: { profileId, profile: rules }, metadata: { at, actor: admin } }, state, builtIn);
  if (events.length === 0) return current.version;
  await store.append(
    ruleProfileStreamId(profileId),
    events.map((event) => ({
      id: randomUUID(),
      type: event.type,
      data: event.data,
      metadata: { actor: admin, correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: at, schemaVersion: ruleProfileEventSchemas.RuleProfileDefined.version },
    })),
    stored.at(-1)?.revision ?? 'no_stream',
  );
  return events[0]!.data.version;
}
