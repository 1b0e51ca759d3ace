import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '#config';
import { EventStore } from '#eventstore';
import { createLogger, SystemClock } from '#platform';
import { createApiApp } from '../apps/api/src/bootstrap.js';
import { demoUsers, seedDemoRegion } from '../apps/cli/src/seed-demo.js';
import { median, type Benchmark, type BenchResult } from './bench-result.js';
import { runAutocannon, type EditTarget, type LoadResult } from './support/autocannon-process.js';
import { runSteadyEdits } from './support/steady-load-process.js';
import { withCleanup, runWhenMain, Cleanup, scratchDatabase, stepper } from './support/resources.js';

const step = stepper('api bench');

/**
 * Latency and throughput of the HTTP API (NestJS on Fastify) on a PostgreSQL store, measured from
 * a load process of its own (autocannon, or steady-load-process.ts) against the real application
 * started in this process (as test/support/api-server.ts does) on a scratch database created here
 * and dropped at the end.
 *
 * Two deployments, one after the other in the same run:
 * - as deployed (docker-compose.yml): the API (WORKER_IN_PROCESS=false) here, and the worker —
 *   read-model projections, score recomputation, reminders — as a process of its own;
 * - the quick start (`npm start`): everything in the API process (`api.single.*`).
 *
 * - `api.get.*`: GET /reports/{id} of one report (budget, three indicators, a goal), first at a
 *   fixed rate of 200 req/s (p50/p99), then unthrottled with 10 connections (req/s).
 * - `api.edit.*`: PUT /reports/{id}/narrative/goal arriving at a steady 200 req/s over 20 reports,
 *   each edit with the `If-Match` of the ETag its report's previous edit returned, so no edit
 *   conflicts; `api.edit.autocannon.*`: the same edits at autocannon's `overallRate` of 200 req/s
 *   over 20 connections, which sends them in bursts of 20 at the start of every second.
 *
 * Run on its own: `node dist/bench/api.bench.js [--quick]` prints the results as JSON.
 */

/** The local PostgreSQL server; the bench creates and drops its own database there. */
const USERNAME = 'demo.filler';
const RATE = 200;
const RATE_CONNECTIONS = 10;
const SATURATION_CONNECTIONS = 10;
const EDIT_CONNECTIONS = 20;
/** The worker's CPU priority beside the API (docker-compose.yml gives it the smaller CPU share too). */
const WORKER_NICENESS = Number(process.env.API_BENCH_WORKER_NICENESS ?? 10);

// ── the API under test ───────────────────────────────────────────────────────

interface Api {
  baseUrl: string;
  token: string;
}

async function call(api: Api, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; etag: string | null; body: any }> {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${api.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed: unknown = (response.headers.get('content-type') ?? '').includes('json') && text.length > 0 ? JSON.parse(text) : text;
  return { status: response.status, etag: response.headers.get('etag'), body: parsed };
}

async function expectOk(api: Api, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ etag: string; body: any }> {
  const response = await call(api, method, path, body, headers);
  if (response.status < 200 || response.status >= 300 || response.etag === null) {
    throw new Error(`api bench: ${method} ${path} answered ${response.status} (etag ${response.etag}): ${JSON.stringify(response.body)}`);
  }
  return { etag: response.etag, body: response.body };
}

type Deployment = 'split' | 'single';

/** How the edits arrive: at a steady rate, or in autocannon's bursts (see steady-load-process.ts). */
type Pacing = 'steady' | 'autocannon';

/** The worker process of the split deployment, stopped (SIGTERM, then SIGKILL) at cleanup. */
function startWorker(cleanup: Cleanup, env: Record<string, string>): void {
  const entry = fileURLToPath(new URL('../apps/worker/src/main.js', import.meta.url));
  const worker = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = once(worker, 'exit');
  if (WORKER_NICENESS > 0 && worker.pid !== undefined) setPriority(worker.pid, WORKER_NICENESS);
  cleanup.defer('stopping the worker', async () => {
    if (worker.exitCode !== null || worker.signalCode !== null) return;
    worker.kill('SIGTERM');
    const timer = setTimeout(() => worker.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  });
}

/** Starts the real API on the database (and the worker beside it), seeds the demo region and logs demo.filler in. */
async function startApi(cleanup: Cleanup, databaseUrl: string, deployment: Deployment): Promise<Api> {
  const clock = new SystemClock();
  // A queue prefix of its own: jobs left in Redis by an earlier run are not this run's.
  const env = { DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', QUEUE_PREFIX: `jxbench-${randomBytes(4).toString('hex')}`, WORKER_IN_PROCESS: String(deployment === 'single') };
  const config = loadConfig(env);
  const app = await step('creating the API application', () => createApiApp(config, createLogger('silent', 'bench'), { clock }));
  cleanup.defer('closing the API application', () => app.close());
  await step('listening', () => app.listen({ port: 0, host: '127.0.0.1' }));
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  if (deployment === 'split') startWorker(cleanup, env);
  await step('seeding the demo region', () => seedDemoRegion(app.get(EventStore), clock));
  const user = demoUsers.find((u) => u.username === USERNAME);
  if (!user) throw new Error(`api bench: no demo user ${USERNAME}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const login = await call({ baseUrl, token: '' }, 'POST', '/auth/login', { username: USERNAME, password: user.password });
    if (login.status === 200) return { baseUrl, token: (login.body as { accessToken: string }).accessToken };
    // The directory read model may still be catching up with the seeded events.
    if (Date.now() > deadline) throw new Error(`api bench: login of ${USERNAME} failed: ${login.status} ${JSON.stringify(login.body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const projectHeader = { unit: '示范市人民医院', year: 2025, projectCode: '51172322T000007299749', projectName: '医疗设备购置项目' };

async function createReport(api: Api): Promise<{ id: string; etag: string }> {
  const created = await expectOk(api, 'POST', '/reports', { kind: 'project', header: projectHeader });
  return { id: (created.body as { id: string }).id, etag: created.etag };
}

/** A report worth reading: budget, three indicators and a goal (as in test/e2e/reports-api.e2e.ts). */
async function createFilledReport(api: Api): Promise<string> {
  const { id, etag } = await createReport(api);
  const indicators = [
    { indicatorId: 'out-1', indicator: { level1: 'output', level2: 'quantity', name: '购置设备数量', comparator: '≥', target: '20', unit: '台', actual: '20', weight: '50' } },
    { indicatorId: 'ben-1', indicator: { level1: 'benefit', level2: 'social-benefit', name: '门诊检查能力提升', comparator: '≥', target: '95%', unit: '%', actual: '96%', weight: '30' } },
    { indicatorId: 'sat-1', indicator: { level1: 'satisfaction', level2: 'service-satisfaction', name: '患者满意度', comparator: '≥', target: '90%', unit: '%', actual: '93%', weight: '10' } },
  ];
  const steps: Array<[string, string, unknown]> = [
    ['PUT', '/budget/total', { initial: '100.00', adjusted: '100.00', executed: '95.00' }],
    ['PUT', '/budget/fiscal', { initial: '100.00', adjusted: '100.00', executed: '95.00' }],
    ...indicators.map((i): [string, string, unknown] => ['POST', '/indicators', i]),
    ['PUT', '/narrative/goal', { text: '完成医疗设备购置，提升检查能力' }],
  ];
  let tag = etag;
  for (const [method, path, body] of steps) tag = (await expectOk(api, method, `/reports/${id}${path}`, body, { 'if-match': tag })).etag;
  return id;
}

// ── measurements ─────────────────────────────────────────────────────────────

type Run = LoadResult;

function getRun(api: Api, id: string, connections: number, duration: number, rate?: number): Promise<LoadResult> {
  return runAutocannon({ kind: 'get', url: `${api.baseUrl}/reports/${id}`, token: api.token, connections, duration, ...(rate === undefined ? {} : { rate }) });
}

/**
 * Edits of the targets, each with the ETag of its last edit as If-Match: arriving at a steady
 * rate (steady-load-process.ts), or as autocannon paces them, one connection per target.
 */
async function editRun(api: Api, targets: EditTarget[], duration: number, rate: number, pacing: Pacing): Promise<LoadResult> {
  // An edit in flight when the previous run stopped may have moved a report on: start from the truth.
  await new Promise((r) => setTimeout(r, 250));
  for (const target of targets) target.etag = (await expectOk(api, 'GET', `/reports/${target.id}`)).etag;
  const spec = { baseUrl: api.baseUrl, token: api.token, targets, duration, rate };
  const result = pacing === 'steady' ? await runSteadyEdits(spec) : await runAutocannon({ kind: 'edit', ...spec });
  for (const [i, target] of (result.targets ?? []).entries()) targets[i]!.seq = target.seq;
  return result;
}

async function repeat(times: number, what: string, once: () => Promise<LoadResult>): Promise<Run[]> {
  const runs: Run[] = [];
  for (let i = 0; i < times; i++) runs.push(await step(`${what} (run ${i + 1})`, once));
  return runs;
}

function list(runs: Run[], pick: (run: Run) => number, digits = 1): string {
  return runs.map((r) => pick(r).toFixed(digits)).join(', ');
}

function failuresNote(runs: Run[]): string {
  const non2xx = runs.reduce((n, r) => n + r.non2xx, 0);
  const errors = runs.reduce((n, r) => n + r.errors, 0);
  if (non2xx === 0 && errors === 0) return 'non-2xx 0, errors 0';
  return `WARNING non-2xx ${non2xx}, connection errors/timeouts ${errors} (status codes per run: ${runs.map((r) => r.statuses).join(' | ')})`;
}

interface Measured {
  getRate: Run[];
  getSaturation: Run[];
  edits: Run[];
  /** The edits again, in autocannon's bursts (split deployment only). */
  burstEdits: Run[];
}

/** Runs per measurement and their lengths in seconds. */
function planOf(quick: boolean) {
  return { times: quick ? 1 : 3, rateSeconds: quick ? 5 : 20, saturationSeconds: quick ? 5 : 15 };
}

/**
 * One deployment on a scratch database of its own: its reports, a warm-up, then the measured runs:
 * the steady edits, and with `everything` the GETs and the edits in autocannon's bursts too.
 */
async function measure(cleanup: Cleanup, deployment: Deployment, quick: boolean, everything: boolean): Promise<Measured> {
  const { times, rateSeconds, saturationSeconds } = planOf(quick);
  const api = await startApi(cleanup, await scratchDatabase(cleanup, 'jxbench_api', step), deployment);
  const readId = await step('creating the report to read', () => createFilledReport(api));
  const targets: EditTarget[] = [];
  for (let i = 0; i < EDIT_CONNECTIONS; i++) targets.push({ ...(await step('creating a report to edit', () => createReport(api))), seq: 0 });

  // Warm-up (not measured): JIT, pools and the read model's caches.
  if (everything) await step('GET warm-up', () => getRun(api, readId, SATURATION_CONNECTIONS, quick ? 1 : 3));
  await step('edit warm-up', () => editRun(api, targets, quick ? 1 : 3, RATE, 'steady'));

  const getRate = everything ? await repeat(times, `GET at a fixed rate (${deployment})`, () => getRun(api, readId, RATE_CONNECTIONS, rateSeconds, RATE)) : [];
  const getSaturation = everything ? await repeat(times, `GET unthrottled (${deployment})`, () => getRun(api, readId, SATURATION_CONNECTIONS, saturationSeconds)) : [];
  const edits = await repeat(times, `edits at a steady rate (${deployment})`, () => editRun(api, targets, rateSeconds, RATE, 'steady'));
  const burstEdits = everything ? await repeat(times, `edits paced by autocannon (${deployment})`, () => editRun(api, targets, rateSeconds, RATE, 'autocannon')) : [];
  return { getRate, getSaturation, edits, burstEdits };
}

async function run(quick: boolean): Promise<BenchResult[]> {
  const { times, rateSeconds, saturationSeconds } = planOf(quick);
  const mode = quick ? 'quick' : 'full';

  const { getRate, getSaturation, edits, burstEdits } = await withCleanup('api bench (split)', (cleanup) => measure(cleanup, 'split', quick, true));
  const single = await withCleanup('api bench (single)', (cleanup) => measure(cleanup, 'single', quick, false));

  const setup =
    'PostgreSQL scratch database; the API (NestJS/Fastify, WORKER_IN_PROCESS false, LOG_LEVEL silent) in the bench process and the worker as a process of its own, as docker-compose.yml deploys them; the load (autocannon 9 for GETs) in a process of its own on 127.0.0.1';
  const singleSetup = 'the same, but the quick start: everything in the API process (WORKER_IN_PROCESS true), no worker process';
  const of = (n: number) => (n === 1 ? `${mode} mode, 1 run` : `${mode} mode, median of ${n} runs`);
  const rateHow = (connections: number) =>
    `${RATE} req/s overall over ${connections} connections (autocannon's pacing: each connection sends its share of a second back to back; latencies as measured), ${rateSeconds} s`;
  const getRateNote = `GET /reports/{id} (budget, 3 indicators, goal) at ${rateHow(RATE_CONNECTIONS)}; ${of(times)}; ${setup}`;
  const editWhat = `PUT /reports/{id}/narrative/goal over ${EDIT_CONNECTIONS} reports, each edit with If-Match from its report's last ETag`;
  const editHow = `${editWhat}, arriving at a steady ${RATE} req/s (one due every ${1000 / RATE} ms, whether or not earlier ones were answered; latency from the moment each was due; load in a process of its own), ${rateSeconds} s; ${of(times)}`;
  const burstHow = `${editWhat}, one connection per report, at ${rateHow(EDIT_CONNECTIONS)}; ${of(times)}`;
  const editNote = `${editHow}; ${setup}`;
  const burstNote = `${burstHow}; ${setup}`;
  const singleNote = `${editHow}; ${singleSetup}`;

  return [
    {
      name: 'api.get.p99Ms',
      value: median(getRate.map((r) => r.p99)),
      unit: 'ms',
      better: 'lower',
      notes: `${getRateNote}; runs p99 ${list(getRate, (r) => r.p99)} ms; achieved ${list(getRate, (r) => r.rps)} req/s; ${failuresNote(getRate)}`,
    },
    {
      name: 'api.get.p50Ms',
      value: median(getRate.map((r) => r.p50)),
      unit: 'ms',
      better: 'lower',
      notes: `${getRateNote}; runs p50 ${list(getRate, (r) => r.p50)} ms`,
    },
    {
      name: 'api.get.rps',
      value: median(getSaturation.map((r) => r.rps)),
      unit: 'req/s',
      better: 'higher',
      notes: `GET /reports/{id} unthrottled, ${SATURATION_CONNECTIONS} connections, ${saturationSeconds} s; ${of(times)}; runs ${list(getSaturation, (r) => r.rps, 0)} req/s (p99 ${list(getSaturation, (r) => r.p99)} ms); ${failuresNote(getSaturation)}; ${setup}`,
    },
    {
      name: 'api.edit.p99Ms',
      value: median(edits.map((r) => r.p99)),
      unit: 'ms',
      better: 'lower',
      target: 25,
      notes: `${editNote}; runs p99 ${list(edits, (r) => r.p99)} ms; ${failuresNote(edits)}`,
    },
    {
      name: 'api.edit.p50Ms',
      value: median(edits.map((r) => r.p50)),
      unit: 'ms',
      better: 'lower',
      notes: `${editNote}; runs p50 ${list(edits, (r) => r.p50)} ms`,
    },
    {
      name: 'api.edit.rps',
      value: median(edits.map((r) => r.rps)),
      unit: 'req/s',
      better: 'higher',
      notes: `achieved rate of the edit runs (target rate ${RATE} req/s); runs ${list(edits, (r) => r.rps)} req/s; ${failuresNote(edits)}`,
    },
    {
      name: 'api.edit.autocannon.p99Ms',
      value: median(burstEdits.map((r) => r.p99)),
      unit: 'ms',
      better: 'lower',
      notes: `${burstNote}; runs p99 ${list(burstEdits, (r) => r.p99)} ms; achieved ${list(burstEdits, (r) => r.rps)} req/s; ${failuresNote(burstEdits)}`,
    },
    {
      name: 'api.edit.autocannon.p50Ms',
      value: median(burstEdits.map((r) => r.p50)),
      unit: 'ms',
      better: 'lower',
      notes: `${burstNote}; runs p50 ${list(burstEdits, (r) => r.p50)} ms`,
    },
    {
      name: 'api.single.edit.p99Ms',
      value: median(single.edits.map((r) => r.p99)),
      unit: 'ms',
      better: 'lower',
      notes: `${singleNote}; runs p99 ${list(single.edits, (r) => r.p99)} ms; ${failuresNote(single.edits)}`,
    },
    {
      name: 'api.single.edit.p50Ms',
      value: median(single.edits.map((r) => r.p50)),
      unit: 'ms',
      better: 'lower',
      notes: `${singleNote}; runs p50 ${list(single.edits, (r) => r.p50)} ms; achieved ${list(single.edits, (r) => r.rps)} req/s`,
    },
  ];
}

export const benchApi: Benchmark = ({ quick }) => run(quick);

runWhenMain(import.meta.url, benchApi);
