#!/usr/bin/env node
// `npm run soak -- --minutes N`: the real processes (API, worker, projection runner from dist/,
// PostgreSQL, a private Redis) under a mixed load for N minutes while a worker and the projection
// runner are SIGKILLed and restarted and Redis is flushed and restarted; then it checks that
// nothing was lost or doubled. Exit code 1 on any violation.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore, openSqlClient } from '#eventstore';
import { SystemClock } from '#platform';
import { readModelProjections } from '#read-models';
import { seedDemoRegion } from '../apps/cli/src/seed-demo.js';
import { checkCommands, checkHashChains, checkNoServerErrors, checkReminders, compareChecksums, differingRows, readModelChecksums, snapshotReadModels, type CheckResult } from './soak/checks.js';
import { Ledger } from './soak/client.js';
import { injectFaults, type Fault } from './soak/faults.js';
import { appendBackdatedCampaign, assembleCast, openLoadCampaign, runLoad, type LoadStats } from './soak/load.js';
import { createScratchDatabase, freePort, ManagedProcess, PrivateRedis, runToEnd, sleep, startWebhookReceiver, waitForHttp } from './soak/processes.js';

function minutesFromArgs(argv: readonly string[]): number {
  const index = argv.findIndex((a) => a === '--minutes' || a.startsWith('--minutes='));
  if (index < 0) return 10;
  const value = Number(argv[index]!.includes('=') ? argv[index]!.split('=')[1] : argv[index + 1]);
  if (!(value > 0 && value <= 24 * 60)) throw new Error(`--minutes must be a positive number, got ${argv[index + 1]}`);
  return value;
}

const log = (line: string) => process.stdout.write(`soak: ${new Date().toISOString()} ${line}\n`);

async function main(): Promise<number> {
  const minutes = minutesFromArgs(process.argv.slice(2));
  const runMs = minutes * 60_000;
  const db = await createScratchDatabase();
  const redis = await PrivateRedis.start();
  const webhook = await startWebhookReceiver();
  const store = await openEventStore(db.url);
  const sql = await openSqlClient(db.url);
  const port = await freePort();
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    WEBHOOK_URL: webhook.url,
    WEBHOOK_SECRET: webhook.secret,
    RECONCILE_INTERVAL_MS: '5000',
    NOTIFY_LEASE_MS: '2000',
    QUEUE_LOCK_MS: '2000',
    NOTIFY_BACKOFF_MS: '200',
    LOG_LEVEL: 'warn',
  };
  const logDir = mkdtempSync(join(tmpdir(), 'jixiao-soak-'));
  const api = new ManagedProcess('api', 'dist/apps/api/src/main.js', { ...env, PORT: String(port), HOST: '127.0.0.1', WORKER_IN_PROCESS: 'false' }, join(logDir, 'api.log'));
  const worker = new ManagedProcess('worker', 'dist/apps/worker/src/main.js', env, join(logDir, 'worker.log'));
  const projections = new ManagedProcess('projections', 'dist/apps/cli/src/projections-run.js', env, join(logDir, 'projections.log'));
  const processes = [api, worker, projections];
  const ledger = new Ledger();
  const faults: Fault[] = [];
  const stats: LoadStats = { reportsCreated: 0, edits: 0, submits: 0, withdrawals: 0, approvals: 0, returns: 0, reportIds: new Set() };
  const checks: CheckResult[] = [];
  const base = `http://127.0.0.1:${port}`;
  try {
    log(`process logs in ${logDir}`);
    log(`database ${new URL(db.url).pathname.slice(1)}, private redis ${redis.url}, webhook receiver ${webhook.url}, ${minutes} min`);
    await seedDemoRegion(store, new SystemClock());
    // The worker's projection runner also carries the directory (logins read it) and takes every
    // lock or none: it must hold them before the separate projection runner starts, or the
    // directory is never projected (see the summary's note).
    // The API starts after the worker has created its tables: started together on a fresh
    // database, both run CREATE TABLE IF NOT EXISTS and one can fail (see the summary's note).
    worker.start();
    const directoryUntil = Date.now() + 60_000;
    for (;;) {
      const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM rm_directory_users').catch(() => ({ rows: [{ n: 0 }] }));
      if (rows[0]!.n >= 9) break;
      if (Date.now() > directoryUntil) throw new Error('the worker did not project the directory within 60 s');
      await sleep(200);
    }
    await sleep(1000);
    api.start();
    projections.start();
    await waitForHttp(`${base}/health/live`, 60_000);
    const cast = await assembleCast(base, ledger);
    const dueDate = new Date(Date.now() + 8 * 3600_000 + 14 * 86_400_000).toISOString().slice(0, 10);
    const campaignId = await openLoadCampaign(cast.performance, dueDate);
    log(`${cast.fillers.length} fillers, ${cast.reviewers.length} reviewers; campaign ${campaignId} due ${dueDate}`);

    const until = Date.now() + runMs;
    const bursts = [0, runMs / 3, (2 * runMs) / 3].map(async (atMs, index) => {
      await sleep(atMs);
      const burst = await appendBackdatedCampaign(store, index + 1);
      log(`reminders fall due: backdated campaign ${burst.campaignId} (deadline ${burst.dueDate}) appended`);
    });
    await Promise.all([runLoad(cast, until, stats), injectFaults(runMs, { worker, projections, redis }, faults), ...bursts]);
    log(`load stopped: ${JSON.stringify({ ...stats, reportIds: stats.reportIds.size })}`);

    // Settle: the product's own reconciliation (every 5 s and at start) re-queues what Redis lost;
    // the admin endpoint is called once as well, as an operator would after a Redis incident.
    for (const p of [worker, projections]) if (!p.running) p.start();
    const reconcile = await cast.admin.request('POST', '/admin/reminders/reconcile', { body: {} });
    log(`POST /admin/reminders/reconcile → ${reconcile.status} ${JSON.stringify(reconcile.body).slice(0, 200)}`);
    let stable = 0;
    let last = '';
    const settleUntil = Date.now() + 180_000;
    while (stable < 5 && Date.now() < settleUntil) {
      await sleep(1000);
      const head = (await store.headPosition()).toString();
      const { rows: cp } = await sql.query<{ min: string | null }>('SELECT min(position)::text AS min FROM projection_checkpoints WHERE name = ANY($1::text[])', [readModelProjections.map((p) => p.name)]).catch(() => ({ rows: [{ min: null }] }));
      const { rows: open } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification_deliveries WHERE status IN ('pending','claimed')`).catch(() => ({ rows: [{ n: -1 }] }));
      const state = `${head}/${cp[0]!.min}/${open[0]!.n}/${webhook.processed.size}`;
      stable = state === last && cp[0]!.min === head && open[0]!.n === 0 ? stable + 1 : 0;
      last = state;
    }
    const { rows: allCheckpoints } = await sql.query<{ name: string; position: string }>('SELECT name, position::text AS position FROM projection_checkpoints ORDER BY name');
    log(`checkpoints at head ${(await store.headPosition()).toString()}: ${allCheckpoints.map((c) => `${c.name}@${c.position}`).join(', ')}`);
    log(`settled: head/checkpoint/open deliveries/webhooks = ${last}${stable < 5 ? ' (NOT settled within 180 s)' : ''}`);

    checks.push(await checkCommands(sql, ledger));
    const reminders = await checkReminders(sql, webhook);
    checks.push(reminders.result);
    checks.push(await checkHashChains(store, sql, cast.auditor, stats.reportIds));
    checks.push(checkNoServerErrors(ledger));
    const live = await readModelChecksums(sql);
    await snapshotReadModels(sql);
    for (const p of processes) await p.kill('SIGTERM');
    const rebuild = await runToEnd('dist/apps/cli/src/projections-rebuild.js', { DATABASE_URL: db.url });
    if (rebuild.code !== 0) checks.push({ name: 'fresh rebuild', ok: false, detail: rebuild.output.slice(-500) });
    const rebuilt = compareChecksums(live, await readModelChecksums(sql));
    if (!rebuilt.ok) rebuilt.detail += ` — ${await differingRows(sql)}`;
    checks.push(rebuilt);

    const { rows: totals } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM es_events');
    const ok = checks.every((c) => c.ok);
    const lines = [
      '',
      `══ soak summary: ${minutes} min, ${ok ? 'PASSED' : 'FAILED'} ══`,
      `load: ${ledger.accepted.length} accepted commands (${stats.reportsCreated} reports created, ${stats.edits} edits, ${stats.submits} submits, ${stats.withdrawals} withdrawals, ${stats.approvals} approvals, ${stats.returns} returns), ${ledger.conflicts412} answered 412 and retried after a re-read, ${ledger.networkErrors} network errors retried under the same key`,
      `store: ${totals[0]!.n} events; reminders sent: ${reminders.reminders}, deliveries expected: ${reminders.deliveries}`,
      `faults (${faults.length}):`,
      ...faults.map((f) => `  ${f.at}  ${f.what}`),
      `process starts: ${processes.map((p) => `${p.name} ${p.starts}`).join(', ')}`,
      `refusals (expected under concurrency): ${[...ledger.firstRefusals].map(([kind, code]) => `${kind} ${code}`).join(', ')}`,
      'checks:',
      ...checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (!ok) for (const p of processes) process.stdout.write(`\n── last output of ${p.name} ──\n${p.output().slice(-3000)}\n`);
    return ok ? 0 : 1;
  } catch (error) {
    for (const p of processes) process.stdout.write(`\n── last output of ${p.name} (${p.running ? 'running' : 'exited'}) ──\n${p.output().slice(-3000)}\n`);
    throw error;
  } finally {
    for (const p of processes) await p.kill('SIGKILL', 1000).catch(() => undefined);
    await store.close().catch(() => undefined);
    await sql.close().catch(() => undefined);
    await webhook.close().catch(() => undefined);
    await redis.stop().catch(() => undefined);
    if (process.env.SOAK_KEEP_DATABASE !== 'true') await db.drop().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
