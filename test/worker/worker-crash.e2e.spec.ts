import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openEventStore, openSqlClient, type EventStore, type RecordedEvent, type SqlClient } from '#eventstore';
import { SystemClock } from '#platform';
import { demoUsers, seedDemoRegion } from '../../apps/cli/src/seed-demo.js';
import { createScratchDatabase } from '../support/databases.js';
import { freePort, repoRoot, startNode, waitForHttp, type RunningProcess } from '../support/processes.js';
import { appendDirectory, campaignOpened, region } from './support/fixtures.js';
import { deleteKeys, sharedRedisUrl, waitFor } from './support/harness.js';
import { startSmtpReceiver, startWebhookReceiver, type ReceivedMail, type WebhookReceiver } from './support/receivers.js';

const workerEntry = 'dist/apps/worker/src/main.js';
const apiEntry = 'dist/apps/api/src/main.js';
const org = region('kx', 2, 10);
const REMINDERS = org.units.length * 5;
// Filler and leader for every reminder, plus the department reviewer on each escalation; e-mail and webhook each.
const DELIVERIES_PER_CHANNEL = REMINDERS * 2 + org.units.length;
const CONCURRENCY = 8;

async function ledgerCounts(sql: SqlClient): Promise<Record<string, number>> {
  try {
    const { rows } = await sql.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM notification_deliveries GROUP BY status');
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  } catch {
    return {};
  }
}

async function allEvents(store: EventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (let after = 0n; ; ) {
    const page = await store.readAll({ after, maxCount: 5000 });
    if (page.length === 0) return all;
    all.push(...page);
    after = page[page.length - 1]!.position;
  }
}

describe('a worker killed with SIGKILL in the middle of sending (built worker processes, real Redis, SMTP and webhook receivers)', () => {
  const prefix = `jxtest-crash-${randomBytes(4).toString('hex')}`;
  let url: string;
  let drop: () => Promise<void>;
  let store: EventStore;
  let sql: SqlClient;
  let smtp: { url: string; mails: ReceivedMail[]; close(): Promise<void> };
  let webhook: WebhookReceiver;
  let env: Record<string, string>;
  const processes: RunningProcess[] = [];

  const startWorker = () => {
    const worker = startNode(workerEntry, env);
    processes.push(worker);
    return worker;
  };
  const received = () => smtp.mails.length + webhook.requests.length;

  beforeAll(async () => {
    for (const entry of [workerEntry, apiEntry]) if (!existsSync(resolve(repoRoot, entry))) throw new Error(`${entry} is missing: run \`npm run build\` first`);
    ({ url, drop } = await createScratchDatabase('jx_crash_worker'));
    store = await openEventStore(url);
    sql = await openSqlClient(url);
    smtp = await startSmtpReceiver();
    webhook = await startWebhookReceiver('crash-test-secret-0123456789');
    // Slow enough that the kill lands while sends are in flight.
    webhook.delayMs = 40;
    env = {
      DATABASE_URL: url,
      REDIS_URL: sharedRedisUrl,
      QUEUE_PREFIX: prefix,
      SMTP_URL: smtp.url,
      WEBHOOK_URL: webhook.url,
      WEBHOOK_SECRET: webhook.secret,
      NOTIFY_LEASE_MS: '1500',
      QUEUE_LOCK_MS: '1500',
      NOTIFY_BACKOFF_MS: '100',
      RECONCILE_INTERVAL_MS: '0',
      LOG_LEVEL: 'error',
    };
    await appendDirectory(store, org.regionId, org.organisations, org.users);
  }, 60_000);

  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    await store?.close();
    await sql?.close();
    await smtp?.close();
    await webhook?.close();
    await deleteKeys(sharedRedisUrl, prefix);
    await drop?.();
  }, 120_000);

  it(`still delivers each of ${DELIVERIES_PER_CHANNEL * 2} notifications exactly once, and shuts down gracefully`, async () => {
    const first = startWorker();
    await waitFor('the worker to project the directory', async () => {
      const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM rm_directory_users').catch(() => ({ rows: [{ n: 0 }] }));
      return rows[0]!.n === org.users.length;
    }, 60_000);
    // Opened in June for 06-30: every reminder's moment has passed, so all of them fire now.
    await store.append('campaign-crash', [campaignOpened({ campaignId: 'crash', regionId: org.regionId, year: 2026, unitIds: org.units, deadline: '2026-06-30', at: '2026-06-01T00:00:00.000Z' })], 'no_stream');

    await waitFor('a third of the deliveries', async () => received() >= (DELIVERIES_PER_CHANNEL * 2) / 3, 60_000);
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL');
    const atKill = { received: received(), ledger: await ledgerCounts(sql) };
    expect(atKill.received).toBeLessThan(DELIVERIES_PER_CHANNEL * 2);

    const second = startWorker();
    await waitFor('every delivery sent', async () => (await ledgerCounts(sql)).sent === DELIVERIES_PER_CHANNEL * 2, 90_000);

    const events = await allEvents(store);
    const sent = events.filter((e) => e.type === 'ReminderSent').map((e) => e.data as { deadlineId: string; offsetId: string });
    expect(new Set(sent.map((s) => `${s.deadlineId}/${s.offsetId}`)).size).toBe(REMINDERS);
    expect(sent).toHaveLength(REMINDERS);

    // Receivers act once per idempotency key; a send cut off between the receiver's answer and
    // the ledger's mark comes again under the same key, at most once per job that was in flight.
    const mailKeys = new Set(smtp.mails.map((m) => m.idempotencyKey));
    expect(mailKeys.size).toBe(DELIVERIES_PER_CHANNEL);
    expect(webhook.processed.size).toBe(DELIVERIES_PER_CHANNEL);
    expect(webhook.requests.every((r) => r.signatureValid)).toBe(true);
    const duplicates = smtp.mails.length - mailKeys.size + (webhook.requests.length - webhook.processed.size);
    expect(duplicates).toBeLessThanOrEqual(CONCURRENCY);
    const { rows: inbox } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM rm_notification_inbox');
    expect(inbox[0]!.n).toBe(DELIVERIES_PER_CHANNEL);
    process.stdout.write(`  killed after ${atKill.received} receipts (ledger ${JSON.stringify(atKill.ledger)}); resent under the same key after the crash: ${duplicates}\n`);

    second.child.kill('SIGTERM');
    const stopped = await Promise.race([second.exited, new Promise<null>((r) => setTimeout(() => r(null), 15_000).unref())]);
    expect(stopped).not.toBeNull();
    expect(stopped!.code === 0 || stopped!.signal === 'SIGTERM').toBe(true);
    expect((await ledgerCounts(sql)).claimed).toBeUndefined();
  }, 180_000);

  it('serves bull-board from the API to administrators only', async () => {
    const worker = startWorker();
    await seedDemoRegion(store, new SystemClock());
    const port = await freePort();
    const api = startNode(apiEntry, { ...env, PORT: String(port), HOST: '127.0.0.1', WORKER_IN_PROCESS: 'false' });
    processes.push(api);
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/health/live`, 30_000);
    const login = async (username: string) => {
      const password = demoUsers.find((u) => u.username === username)!.password;
      return waitFor(`login of ${username}`, async () => {
        const response = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
        return response.status === 200 ? ((await response.json()) as { accessToken: string }).accessToken : null;
      }, 30_000);
    };
    const admin = await login('demo.admin');
    const filler = await login('demo.filler');
    expect((await fetch(`${base}/admin/queues`)).status).toBe(401);
    expect((await fetch(`${base}/admin/queues`, { headers: { authorization: `Bearer ${filler}` } })).status).toBe(403);
    const page = await fetch(`${base}/admin/queues`, { headers: { authorization: `Bearer ${admin}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const queues = await fetch(`${base}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${admin}` } });
    expect(((await queues.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name).sort()).toEqual(['jixiao-deliveries', 'jixiao-deliveries-dead', 'jixiao-reminders']);
    // The browser route: the token once in the address becomes a cookie scoped to the board.
    const viaQuery = await fetch(`${base}/admin/queues?token=${admin}`, { redirect: 'manual' });
    expect(viaQuery.status).toBe(303);
    const cookie = viaQuery.headers.get('set-cookie')!;
    expect(cookie).toContain('HttpOnly');
    expect((await fetch(`${base}/admin/queues`, { headers: { cookie: cookie.split(';')[0]! } })).status).toBe(200);
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    await Promise.all([api.exited, worker.exited]);
  }, 120_000);
});
