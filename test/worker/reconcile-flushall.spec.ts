import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '#eventstore';
import { appendDirectory, campaignOpened, region } from './support/fixtures.js';
import { startHarness, waitFor, type Harness } from './support/harness.js';
import { ManualClock } from './support/manual-clock.js';
import { startPrivateRedis } from './support/redis-server.js';

const org = region('fl', 4, 50);
const REMINDERS = org.units.length * 5;

async function remindersSent(h: Harness): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (let after = 0n; ; ) {
    const page = await h.store.readAll({ after, maxCount: 2000 });
    if (page.length === 0) return all.filter((e) => e.type === 'ReminderSent');
    all.push(...page);
    after = page[page.length - 1]!.position;
  }
}

describe(`FLUSHALL with ${REMINDERS} pending reminders (a private redis-server)`, () => {
  const clock = new ManualClock('2026-05-06T02:00:00.000Z');
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let h: Harness;

  const delayedCount = () => h.runtime.queues.reminders.getDelayedCount();

  beforeAll(async () => {
    redis = await startPrivateRedis();
    h = await startHarness('flushall', clock, { REDIS_URL: redis.url });
    await appendDirectory(h.store, org.regionId, org.organisations, org.users);
    await h.directory.catchUp();
    await h.runtime.start();
    await h.store.append('campaign-flush', [campaignOpened({ campaignId: 'flush', regionId: org.regionId, year: 2026, unitIds: org.units, deadline: '2026-05-29', at: clock.now().toISOString() })], 'no_stream');
    await h.settled();
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  it(`arms ${REMINDERS} wake-ups, loses them all to FLUSHALL, and gets every one back from the store once`, async () => {
    await waitFor(`${REMINDERS} delayed jobs`, async () => (await delayedCount()) === REMINDERS);
    await redis.flushAll();
    expect(await delayedCount()).toBe(0);

    const first = await h.runtime.reconcile();
    expect(first.reminders).toEqual({ pending: REMINDERS, added: REMINDERS, retimed: 0, unplannable: 0 });
    expect(await delayedCount()).toBe(REMINDERS);

    const second = await h.runtime.reconcile();
    expect(second.reminders).toEqual({ pending: REMINDERS, added: 0, retimed: 0, unplannable: 0 });
    expect(await delayedCount()).toBe(REMINDERS);
  });

  it(`fires all ${REMINDERS} once when they come due, and a second flush and reconciliation add none`, async () => {
    clock.set('2026-06-02T00:00:00.000Z');
    const retimed = await h.runtime.reconcile();
    expect(retimed.reminders.retimed).toBe(REMINDERS);
    await waitFor(`${REMINDERS} ReminderSent`, async () => (await remindersSent(h)).length >= REMINDERS, 120_000);
    await h.settled();

    await redis.flushAll();
    const after = await h.runtime.reconcile();
    expect(after.reminders).toEqual({ pending: 0, added: 0, retimed: 0, unplannable: 0 });

    const sent = await remindersSent(h);
    const perReminder = new Map<string, number>();
    for (const event of sent) {
      const d = event.data as { deadlineId: string; offsetId: string; dueVersion: number };
      const key = `${d.deadlineId}/${d.offsetId}/${d.dueVersion}`;
      perReminder.set(key, (perReminder.get(key) ?? 0) + 1);
    }
    expect(perReminder.size).toBe(REMINDERS);
    expect([...perReminder.values()].every((n) => n === 1)).toBe(true);
    // The in-app copy: filler and leader of each unit per reminder, plus the department reviewer on escalation.
    await waitFor('the inbox', async () => {
      const { rows } = await h.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM rm_notification_inbox');
      return rows[0]!.n === REMINDERS * 2 + org.units.length;
    });
  }, 180_000);
});
