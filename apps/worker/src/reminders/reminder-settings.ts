import { readFileSync } from 'node:fs';
import type { AppConfig } from '#config';
import { chinaWorkingDayCalendar, type CalendarYearInput, type WorkingDayCalendar } from '#domain';
import { ConfigError } from '#config';

/** What the reminder and notification workers need from the configuration, read once at start. */
export interface ReminderSettings {
  redisUrl: string;
  queuePrefix: string;
  lockMs: number;
  reconcileIntervalMs: number;
  calendar: WorkingDayCalendar;
  email: { url: string; from: string } | null;
  webhook: { url: string; secret: string } | null;
  maxAttempts: number;
  backoffMs: number;
  leaseMs: number;
  sendTimeoutMs: number;
  concurrency: { reminders: number; deliveries: number };
}

export function loadCalendar(file: string | undefined): WorkingDayCalendar {
  const builtIn = chinaWorkingDayCalendar();
  if (file === undefined) return builtIn;
  let years: CalendarYearInput[];
  try {
    years = JSON.parse(readFileSync(file, 'utf8')) as CalendarYearInput[];
    if (!Array.isArray(years)) throw new Error('expected a JSON array of years');
    return builtIn.withYears(years);
  } catch (error) {
    throw new ConfigError('CALENDAR_FILE', error instanceof Error ? error.message : String(error), file);
  }
}

export function reminderSettingsFrom(config: AppConfig, overrides: Partial<ReminderSettings> = {}): ReminderSettings {
  return {
    redisUrl: config.REDIS_URL,
    queuePrefix: config.QUEUE_PREFIX,
    lockMs: config.QUEUE_LOCK_MS,
    reconcileIntervalMs: config.RECONCILE_INTERVAL_MS,
    calendar: loadCalendar(config.CALENDAR_FILE),
    email: config.SMTP_URL ? { url: config.SMTP_URL, from: config.NOTIFY_EMAIL_FROM } : null,
    webhook: config.WEBHOOK_URL && config.WEBHOOK_SECRET ? { url: config.WEBHOOK_URL, secret: config.WEBHOOK_SECRET } : null,
    maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
    backoffMs: config.NOTIFY_BACKOFF_MS,
    leaseMs: config.NOTIFY_LEASE_MS,
    sendTimeoutMs: config.NOTIFY_SEND_TIMEOUT_MS,
    concurrency: { reminders: 16, deliveries: 8 },
    ...overrides,
  };
}
