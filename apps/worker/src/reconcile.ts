#!/usr/bin/env node
// `npm run reminders:reconcile`: rebuilds every pending wake-up and delivery job from the event store, prints what it did.
import { loadConfig } from '#config';
import { assertRedisReachable, createLogger, openStores, runMain, SystemClock } from '#platform';
import { reminderSettingsFrom } from './reminders/reminder-settings.js';
import { RemindersRuntime } from './reminders/reminders-runtime.js';

runMain('jixiao reminders:reconcile', async () => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, 'jixiao-reconcile');
  await assertRedisReachable(config.REDIS_URL);
  const { eventStore, readStore } = await openStores(config);
  const runtime = new RemindersRuntime({ eventStore, sql: readStore, clock: new SystemClock(), logger, settings: reminderSettingsFrom(config) });
  try {
    await runtime.init();
    process.stdout.write(`${JSON.stringify(await runtime.reconcile(), null, 2)}\n`);
  } finally {
    await runtime.stop();
    await eventStore.close();
    if (config.EVENT_STORE_URL !== config.DATABASE_URL) await readStore.close();
  }
  return { shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS };
});
