import { randomBytes } from 'node:crypto';
import { loadConfig } from '#config';
import { openEventStore, openSqlClient, type EventStore, type RecordedEvent, type SqlClient } from '#eventstore';
import { createLogger, type Clock } from '#platform';
import { ProjectionRunner } from '#projections';
import { directoryProjections } from '../../../apps/api/src/auth/directory.projections.js';
import { RemindersRuntime } from '../../../apps/worker/src/reminders/reminders-runtime.js';
import { reminderSettingsFrom, type ReminderSettings } from '../../../apps/worker/src/reminders/reminder-settings.js';
import { deleteQueueKeys, sharedRedisUrl } from '../../../apps/worker/src/testing/queue-keys.js';
import { waitFor as waitUntil } from '../../../apps/worker/src/testing/wait-for.js';
import { createScratchDatabase } from '../../support/databases.js';

export { deleteQueueKeys as deleteKeys, sharedRedisUrl } from '../../../apps/worker/src/testing/queue-keys.js';

/** The shared waitFor with the reminder tests' shorter default wait. */
export function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  return waitUntil(what, probe, timeoutMs);
}

export interface Harness {
  url: string;
  store: EventStore;
  sql: SqlClient;
  prefix: string;
  runtime: RemindersRuntime;
  directory: ProjectionRunner;
  events(streamId: string): Promise<RecordedEvent[]>;
  /** Waits until the deadline process manager has handled every event in the store. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** A scratch database, a store, and the reminders runtime on its own queue prefix (not started). */
export async function startHarness(name: string, clock: Clock, env: Record<string, string> = {}, overrides: Partial<ReminderSettings> = {}): Promise<Harness> {
  const { url, drop } = await createScratchDatabase(`jx_${name}`);
  const store = await openEventStore(url);
  const sql = await openSqlClient(url);
  const prefix = `jxtest-${name}-${randomBytes(4).toString('hex')}`;
  const config = loadConfig({ DATABASE_URL: url, REDIS_URL: sharedRedisUrl, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent', RECONCILE_INTERVAL_MS: '0', ...env });
  const settings = reminderSettingsFrom(config, overrides);
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', `test-${name}`);
  const runtime = new RemindersRuntime({ eventStore: store, sql, clock, logger, settings }, { idleMs: 20 });
  const directory = new ProjectionRunner(store, sql, directoryProjections, { idleMs: 20 });
  return {
    url,
    store,
    sql,
    prefix,
    runtime,
    directory,
    events: (streamId) => store.readStream(streamId),
    async settled() {
      await waitFor('the deadline process manager to catch up', async () => {
        const status = await runtime.processManager.status();
        return status.active && status.lag === 0n;
      });
    },
    async close() {
      await runtime.stop().catch(() => undefined);
      await directory.stop().catch(() => undefined);
      await deleteQueueKeys(settings.redisUrl, prefix);
      await store.close();
      await sql.close();
      await drop();
    },
  };
}
