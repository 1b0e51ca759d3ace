import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { loadConfig } from '#config';
import { openEventStore, openSqlClient, type EventStore, type NewEvent, type RecordedEvent } from '#eventstore';
import { Clock, createLogger } from '#platform';
import { ProjectionRunner } from '#projections';
import { directoryProjections } from '../apps/api/src/auth/directory.projections.js';
import { reminderSettingsFrom } from '../apps/worker/src/reminders/reminder-settings.js';
import { RemindersRuntime } from '../apps/worker/src/reminders/reminders-runtime.js';
import { median, type Benchmark, type BenchResult } from './bench-result.js';
import { runWhenMain, scratchDatabase, stepper, withCleanup, type Cleanup } from './support/resources.js';

/**
 * Deadline reminders, end to end through the real process manager, BullMQ on a private
 * redis-server and PostgreSQL:
 * - reminders.schedule100k.seconds: from appending the campaigns (20,000 units, 5 reminders each)
 *   until all 100,000 wake-up jobs are delayed in Redis;
 * - reminders.redisBytesPerReminder: Redis used_memory grown by that, per reminder;
 * - reminders.lateness.p50Ms / p99Ms: 1,000 reminders due at the same instant (09:00 on a working
 *   day, a shifted clock that runs at real speed), from that instant to the ReminderSent decision.
 * `--quick`: 10,000 reminders and 200 reminders. Run alone: `node dist/bench/reminders.bench.js [--quick]`.
 */

const MAX_UNITS_PER_CAMPAIGN = 5000;

class FixedClock extends Clock {
  constructor(private readonly instant: string) {
    super();
  }
  now(): Date {
    return new Date(this.instant);
  }
}

/** "Now" is a chosen instant that then runs at real speed. */
class ShiftedClock extends Clock {
  private readonly offset: number;
  constructor(now: string) {
    super();
    this.offset = Date.parse(now) - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A private memory-only redis-server, so used_memory counts nothing but this benchmark. */
async function privateRedis(cleanup: Cleanup): Promise<{ url: string; usedMemory(): Promise<number> }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanup.defer('stopping the private redis-server', async () => {
    child.kill('SIGTERM');
    await exited;
  });
  const url = `redis://127.0.0.1:${port}`;
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  admin.on('error', () => undefined);
  cleanup.defer('disconnecting from the private redis-server', async () => admin.disconnect());
  for (let tries = 0; ; tries++) {
    try {
      await admin.connect().catch(() => undefined);
      if ((await admin.ping()) === 'PONG') break;
    } catch (error) {
      if (tries > 100) throw error;
      await sleep(50);
    }
  }
  return {
    url,
    usedMemory: async () => {
      await admin.call('MEMORY', 'PURGE').catch(() => undefined);
      return Number(/used_memory:(\d+)/.exec(await admin.info('memory'))![1]);
    },
  };
}

function event(type: string, data: Record<string, unknown>, at: string): NewEvent {
  const actor = { userId: 'bench', role: 'admin', organisationId: 'bench-bureau' };
  return { id: randomUUID(), type, data: { at, by: actor, ...data }, metadata: { actor, correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: at, schemaVersion: 1 } };
}

function campaignOpened(campaignId: string, unitIds: string[], deadline: string, at: string, offsets: Array<{ workingDays: number; escalate: boolean }> | null): NewEvent {
  return event(
    'CampaignOpened',
    { campaignId, financeBureauId: 'bench-bureau', year: 2026, name: '2026年度预算绩效自评', kind: null, unitIds, submissionDeadline: deadline, reminderOffsets: offsets, stageTimeLimits: null },
    at,
  );
}

async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/** A bureau, departments of 50 units, a filler and a leader per unit. */
async function seedDirectory(store: EventStore, units: number, at: string): Promise<string[]> {
  const appends: Array<[string, NewEvent]> = [[`organisation-bench-bureau`, event('OrganisationRegistered', { organisationId: 'bench-bureau', kind: 'finance_bureau', name: '基准财政局', parentId: null, regionId: 'bench-bureau' }, at)]];
  const unitIds: string[] = [];
  for (let u = 0; u < units; u++) {
    const dept = `bench-dept-${Math.floor(u / 50)}`;
    if (u % 50 === 0) appends.push([`organisation-${dept}`, event('OrganisationRegistered', { organisationId: dept, kind: 'department', name: dept, parentId: 'bench-bureau', regionId: 'bench-bureau' }, at)]);
    const unit = `bench-unit-${u}`;
    unitIds.push(unit);
    appends.push([`organisation-${unit}`, event('OrganisationRegistered', { organisationId: unit, kind: 'unit', name: `基准单位${u}`, parentId: dept, regionId: 'bench-bureau' }, at)]);
    for (const role of ['unit_filler', 'unit_leader']) {
      const userId = `${unit}-${role}`;
      appends.push([`user-${userId}`, event('UserRegistered', { userId, username: userId, displayName: userId, role, organisationId: unit, regionId: 'bench-bureau', passwordHash: 'bench-hash-not-a-real-one' }, at)]);
    }
  }
  // Parents before children: organisations first, in order; then the rest in parallel lanes.
  const organisations = appends.filter(([stream]) => stream.startsWith('organisation-'));
  for (const [stream, e] of organisations.filter(([s]) => !s.includes('unit'))) await store.append(stream, [e], 'no_stream');
  await inLanes([...organisations.filter(([s]) => s.includes('unit')), ...appends.filter(([s]) => s.startsWith('user-'))], 16, ([stream, e]) => store.append(stream, [e], 'no_stream'));
  return unitIds;
}

async function runtimeFor(url: string, redisUrl: string, clock: Clock, idleMs: number) {
  const store = await openEventStore(url);
  const sql = await openSqlClient(url);
  const config = loadConfig({ DATABASE_URL: url, REDIS_URL: redisUrl, QUEUE_PREFIX: 'bench', LOG_LEVEL: 'error', RECONCILE_INTERVAL_MS: '0' });
  const runtime = new RemindersRuntime({ eventStore: store, sql, clock, logger: createLogger('error', 'bench-reminders'), settings: reminderSettingsFrom(config) }, { idleMs });
  return {
    store,
    sql,
    runtime,
    close: async () => {
      await runtime.stop();
      await store.close();
      await sql.close();
    },
  };
}

async function benchSchedule(quick: boolean): Promise<BenchResult[]> {
  const units = quick ? 2_000 : 20_000;
  const reminders = units * 5;
  return withCleanup('reminders.schedule', async (cleanup) => {
    const step = stepper('reminders.schedule');
    const redis = await step('starting redis-server', () => privateRedis(cleanup));
    const url = await scratchDatabase(cleanup, 'jxbench_remsched', step);
    const { store, runtime, close } = await step('opening the store', () => runtimeFor(url, redis.url, new FixedClock('2026-03-02T01:00:00.000Z'), 20));
    cleanup.defer('closing the runtime', close);
    await runtime.start();
    await sleep(500);
    const before = await redis.usedMemory();
    const unitIds = Array.from({ length: units }, (_, u) => `sched-unit-${u}`);
    const started = performance.now();
    for (let c = 0; c * MAX_UNITS_PER_CAMPAIGN < units; c++) {
      await store.append(`campaign-bench${c}`, [campaignOpened(`bench${c}`, unitIds.slice(c * MAX_UNITS_PER_CAMPAIGN, (c + 1) * MAX_UNITS_PER_CAMPAIGN), '2026-05-29', '2026-03-02T01:00:00.000Z', null)], 'no_stream');
    }
    for (;;) {
      const delayed = await runtime.queues.reminders.getDelayedCount();
      if (delayed >= reminders) break;
      if (performance.now() - started > 30 * 60_000) throw new Error(`reminders.schedule: only ${delayed} of ${reminders} armed after 30 minutes`);
      await sleep(100);
    }
    const seconds = (performance.now() - started) / 1000;
    const bytes = (await redis.usedMemory()) - before;
    return [
      {
        // One name in both sizes (`--quick` schedules a tenth; its notes say how many).
        name: 'reminders.schedule100k.seconds',
        value: seconds,
        unit: 's',
        better: 'lower',
        notes: `${quick ? 'quick: ' : ''}${units} units in ${Math.ceil(units / MAX_UNITS_PER_CAMPAIGN)} campaigns × 5 reminders: CampaignOpened → ${units} deadline streams (DeadlineScheduled) → ${reminders} delayed jobs; ${(reminders / seconds).toFixed(0)} reminders/s`,
      },
      {
        name: 'reminders.redisBytesPerReminder',
        value: bytes / reminders,
        unit: 'bytes',
        better: 'lower',
        notes: `used_memory of a private redis-server grew ${(bytes / 2 ** 20).toFixed(1)} MiB for ${reminders} delayed jobs (job hash, delayed zset entry, event stream share)`,
      },
    ];
  });
}

async function benchLateness(quick: boolean): Promise<BenchResult[]> {
  const count = quick ? 200 : 1000;
  return withCleanup('reminders.lateness', async (cleanup) => {
    const step = stepper('reminders.lateness');
    const redis = await step('starting redis-server', () => privateRedis(cleanup));
    const url = await scratchDatabase(cleanup, 'jxbench_remlate', step);
    // 7 working days before Friday 2026-05-29 is Wednesday 05-20, 09:00 Shanghai = 01:00 UTC.
    const due = '2026-05-20T01:00:00.000Z';
    const leadSeconds = quick ? 15 : 30;
    const clock = new ShiftedClock(new Date(Date.parse(due) - leadSeconds * 1000).toISOString());
    const { store, sql, runtime, close } = await step('opening the store', () => runtimeFor(url, redis.url, clock, 20));
    cleanup.defer('closing the runtime', close);
    const unitIds = await step('seeding the directory', () => seedDirectory(store, count, '2026-01-05T00:00:00.000Z'));
    await step('projecting the directory', () => new ProjectionRunner(store, sql, directoryProjections).catchUp());
    await runtime.start();
    await store.append('campaign-late', [campaignOpened('late', unitIds, '2026-05-29', clock.now().toISOString(), [{ workingDays: -7, escalate: false }])], 'no_stream');
    const sent: RecordedEvent[] = [];
    let after = await store.headPosition();
    const deadline = performance.now() + (leadSeconds + 300) * 1000;
    while (sent.length < count) {
      if (performance.now() > deadline) throw new Error(`reminders.lateness: ${sent.length} of ${count} sent`);
      const page = await store.readAll({ after, maxCount: 1000 });
      if (page.length === 0) {
        await sleep(50);
        continue;
      }
      after = page[page.length - 1]!.position;
      sent.push(...page.filter((e) => e.type === 'ReminderSent'));
    }
    const lateness = sent.map((e) => Date.parse((e.data as { at: string }).at) - Date.parse((e.data as { plannedAt: string }).plannedAt)).sort((a, b) => a - b);
    const p99 = lateness[Math.min(lateness.length - 1, Math.ceil(lateness.length * 0.99) - 1)]!;
    const notes = `${count} reminders due at ${due}, to 2 users each (in-app); lateness = ReminderSent decision − planned instant; max ${lateness[lateness.length - 1]} ms, all sent within ${((lateness[lateness.length - 1]! ) / 1000).toFixed(1)} s`;
    return [
      { name: 'reminders.lateness.p50Ms', value: median(lateness), unit: 'ms', better: 'lower', notes },
      { name: 'reminders.lateness.p99Ms', value: p99, unit: 'ms', better: 'lower', notes },
    ];
  });
}

export const benchReminders: Benchmark = async ({ quick }) => [...(await benchSchedule(quick)), ...(await benchLateness(quick))];

runWhenMain(import.meta.url, benchReminders);
