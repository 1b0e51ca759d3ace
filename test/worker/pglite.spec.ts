import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '#config';
import { openSqlClient, PostgresEventStore, type SqlClient } from '#eventstore';
import { deadlineStreamId, submissionDeadlineId } from '#domain';
import { createLogger } from '#platform';
import { ProjectionRunner } from '#projections';
import { directoryProjections } from '../../apps/api/src/auth/directory.projections.js';
import { reminderSettingsFrom } from '../../apps/worker/src/reminders/reminder-settings.js';
import { RemindersRuntime } from '../../apps/worker/src/reminders/reminders-runtime.js';
import { appendDirectory, campaignOpened, region } from './support/fixtures.js';
import { deleteKeys, sharedRedisUrl, waitFor } from './support/harness.js';
import { ManualClock } from './support/manual-clock.js';

const org = region('pg', 1, 1);
const unit = org.units[0]!;

describe('reminders on embedded PGlite (the quick start: everything in the API process)', () => {
  const clock = new ManualClock('2026-05-06T02:00:00.000Z');
  const prefix = `jxtest-pglite-${randomBytes(4).toString('hex')}`;
  let sql: SqlClient;
  let store: PostgresEventStore;
  let runtime: RemindersRuntime;

  beforeAll(async () => {
    sql = await openSqlClient('pglite://memory');
    store = await PostgresEventStore.create(sql);
    const config = loadConfig({ DATABASE_URL: 'pglite://memory', REDIS_URL: sharedRedisUrl, QUEUE_PREFIX: prefix, RECONCILE_INTERVAL_MS: '0' });
    runtime = new RemindersRuntime({ eventStore: store, sql, clock, logger: createLogger('silent', 'test-pglite'), settings: reminderSettingsFrom(config) }, { idleMs: 20 });
    await appendDirectory(store, org.regionId, org.organisations, org.users);
    await new ProjectionRunner(store, sql, directoryProjections).catchUp();
    await runtime.start();
  });

  afterAll(async () => {
    await runtime?.stop();
    await deleteKeys(sharedRedisUrl, prefix);
    await store?.close();
  });

  it('schedules, fires at the instant and fills the inbox', async () => {
    await store.append('campaign-lite', [campaignOpened({ campaignId: 'lite', regionId: org.regionId, year: 2026, unitIds: [unit], deadline: '2026-05-29', at: clock.now().toISOString() })], 'no_stream');
    await waitFor('five wake-ups', async () => (await runtime.queues.reminders.getDelayedCount()) === 5 && (await runtime.processManager.status()).lag === 0n);
    clock.set('2026-05-20T01:00:00.000Z');
    await runtime.reconcile();
    const deadlineId = submissionDeadlineId('lite', unit);
    const sent = await waitFor('the reminder', async () => (await store.readStream(deadlineStreamId(deadlineId))).find((e) => e.type === 'ReminderSent'));
    expect(sent.data).toMatchObject({ offsetId: 'before-7', plannedAt: '2026-05-20T01:00:00.000Z' });
    await waitFor('two inbox rows', async () => (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM rm_notification_inbox')).rows[0]!.n === 2);
  });
});
