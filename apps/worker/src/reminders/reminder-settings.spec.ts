import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '#config';
import { reminderSettingsFrom } from './reminder-settings.js';

const configError = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.variable;
    throw error;
  }
  return null;
};

describe('reminder settings', () => {
  it('has no e-mail or webhook channel unless configured, and gives each store its own queue prefix', () => {
    const settings = reminderSettingsFrom(loadConfig({ DATABASE_URL: 'postgres://u@h/a' }));
    expect(settings).toMatchObject({ email: null, webhook: null, maxAttempts: 8, backoffMs: 30_000, leaseMs: 60_000, lockMs: 30_000 });
    expect(settings.queuePrefix).toMatch(/^jixiao-[0-9a-f]{8}$/);
    expect(reminderSettingsFrom(loadConfig({ DATABASE_URL: 'postgres://u@h/b' })).queuePrefix).not.toBe(settings.queuePrefix);
    expect(loadConfig({ QUEUE_PREFIX: 'mine' }).QUEUE_PREFIX).toBe('mine');
    expect(settings.calendar.coveredYears()).toEqual([2025, 2026]);
  });

  it('reads the channels', () => {
    const settings = reminderSettingsFrom(
      loadConfig({ SMTP_URL: 'smtp://mail.example.org:25', WEBHOOK_URL: 'https://oa.example.org/hooks', WEBHOOK_SECRET: 'a-secret-of-sixteen+', NOTIFY_MAX_ATTEMPTS: '3' }),
    );
    expect(settings.email).toEqual({ url: 'smtp://mail.example.org:25', from: '绩效管理系统 <noreply@jixiao.invalid>' });
    expect(settings.webhook).toEqual({ url: 'https://oa.example.org/hooks', secret: 'a-secret-of-sixteen+' });
    expect(settings.maxAttempts).toBe(3);
  });

  it.each([
    [{ WEBHOOK_URL: 'https://oa.example.org/hooks' }, 'WEBHOOK_SECRET'],
    [{ WEBHOOK_URL: 'ftp://oa.example.org', WEBHOOK_SECRET: 'a-secret-of-sixteen+' }, 'WEBHOOK_URL'],
    [{ WEBHOOK_URL: 'https://oa.example.org', WEBHOOK_SECRET: 'short' }, 'WEBHOOK_SECRET'],
    [{ SMTP_URL: 'mail.example.org' }, 'SMTP_URL'],
    [{ QUEUE_PREFIX: 'has:colon' }, 'QUEUE_PREFIX'],
    [{ NOTIFY_MAX_ATTEMPTS: '0' }, 'NOTIFY_MAX_ATTEMPTS'],
  ])('names the variable of a bad setting (%j)', (env, variable) => {
    expect(configError(() => loadConfig(env))).toBe(variable);
  });

  it('adds calendar years from CALENDAR_FILE, and names it when it is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jx-calendar-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify([{ year: 2027, source: '国办发明电〔2026〕?号', holidays: [{ name: '元旦', from: '2027-01-01', to: '2027-01-01' }], workdays: [] }]));
    const calendar = reminderSettingsFrom(loadConfig({ CALENDAR_FILE: good })).calendar;
    expect(calendar.coveredYears()).toEqual([2025, 2026, 2027]);
    expect(calendar.isWorkingDay('2027-01-01')).toBe(false);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ year: 2027, source: 'x', holidays: [], workdays: ['2027-01-04'] }]));
    expect(configError(() => reminderSettingsFrom(loadConfig({ CALENDAR_FILE: bad })))).toBe('CALENDAR_FILE');
    expect(configError(() => reminderSettingsFrom(loadConfig({ CALENDAR_FILE: join(dir, 'missing.json') })))).toBe('CALENDAR_FILE');
  });
});
