import { loadConfig } from '#config';
import { EventStore } from '#eventstore';
import { createLogger, SystemClock } from '#platform';
import { createApiApp } from '../apps/api/src/bootstrap.js';
import { demoUsers, seedDemoRegion } from '../apps/cli/src/seed-demo.js';
import { median, type Benchmark, type BenchResult } from './bench-result.js';
import { runAutocannon, type EditTarget, type LoadResult } from './support/autocannon-process.js';
import { withCleanup, runWhenMain, Cleanup, scratchDatabase, stepper } from './support/resources.js';

const step = stepper('api bench');

/**
 * Latency and throughput of the HTTP API (NestJS on Fastify) on a PostgreSQL store, measured with
 * autocannon against the real application started in this process (as test/support/api-server.ts
 * does) on a scratch database created here and dropped at the end.
 *
 * - `api.get.*`: GET /reports/{id} of one report (budget, three indicators, a goal), first at a
 *   fixed rate of 200 req/s (p50/p99), then unthrottled with 10 connections (req/s).
 * - `api.edit.*`: PUT /reports/{id}/narrative/goal at a fixed 200 req/s; every connection edits its
 *   own report with the `If-Match` of the ETag its previous response returned, so no edit conflicts.
 *
 * Run on its own: `node dist/bench/api.bench.js [--quick]` prints the results as JSON.
 */

/** The local PostgreSQL server; the bench creates and drops its own database there. */
const USERNAME = 'demo.filler';
const RATE = 200;
const RATE_CONNECTIONS = 10;
const SATURATION_CONNECTIONS = 10;
const EDIT_CONNECTIONS = 20;

// ── resources ────────────────────────────────────────────────────────────────


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

/** Starts the real API on the database, seeds the demo region and logs demo.filler in. */
async function startApi(cleanup: Cleanup, databaseUrl: string): Promise<Api> {
  const clock = new SystemClock();
  const config = loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', WORKER_IN_PROCESS: 'true' });
  const app = await step('creating the API application', () => createApiApp(config, createLogger('silent', 'bench'), { clock }));
  cleanup.defer('closing the API application', () => app.close());
  await step('listening', () => app.listen({ port: 0, host: '127.0.0.1' }));
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  await step('seeding the demo region', () => seedDemoRegion(app.get(EventStore), clock));
  const user = demoUsers.find((u) => u.username === USERNAME);
  if (!user) throw new Error(`api bench: no demo user ${USERNAME}`);
  const deadline = Date.now() + 15_000;
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

/** Each connection edits its own report, carrying the ETag of its last response as If-Match. */
async function editRun(api: Api, targets: EditTarget[], duration: number, rate: number): Promise<LoadResult> {
  // An edit in flight when the previous run stopped may have moved a report on: start from the truth.
  await new Promise((r) => setTimeout(r, 250));
  for (const target of targets) target.etag = (await expectOk(api, 'GET', `/reports/${target.id}`)).etag;
  const result = await runAutocannon({ kind: 'edit', baseUrl: api.baseUrl, token: api.token, targets, duration, rate });
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

async function run(quick: boolean, cleanup: Cleanup): Promise<BenchResult[]> {
  const times = quick ? 1 : 3;
  const rateSeconds = quick ? 5 : 20;
  const saturationSeconds = quick ? 5 : 15;
  const mode = quick ? 'quick' : 'full';

  const api = await startApi(cleanup, await scratchDatabase(cleanup, 'jxbench_api', step));
  const readId = await step('creating the report to read', () => createFilledReport(api));
  const targets: EditTarget[] = [];
  for (let i = 0; i < EDIT_CONNECTIONS; i++) targets.push({ ...(await step('creating a report to edit', () => createReport(api))), seq: 0 });

  // Warm-up (not measured): JIT, pools and the read model's caches.
  await step('GET warm-up', () => getRun(api, readId, SATURATION_CONNECTIONS, quick ? 1 : 3));
  await step('edit warm-up', () => editRun(api, targets, quick ? 1 : 3, RATE));

  const getRate = await repeat(times, 'GET at a fixed rate', () => getRun(api, readId, RATE_CONNECTIONS, rateSeconds, RATE));
  const getSaturation = await repeat(times, 'GET unthrottled', () => getRun(api, readId, SATURATION_CONNECTIONS, saturationSeconds));
  const edits = await repeat(times, 'edit at a fixed rate', () => editRun(api, targets, rateSeconds, RATE));

  const setup = 'PostgreSQL scratch database, API in process (NestJS/Fastify, WORKER_IN_PROCESS true, LOG_LEVEL silent), autocannon 9 in a process of its own on 127.0.0.1';
  const of = (n: number) => (n === 1 ? `${mode} mode, 1 run` : `${mode} mode, median of ${n} runs`);
  const rateHow = (connections: number) =>
    `${RATE} req/s overall over ${connections} connections (autocannon's per-connection rate, latency corrected for coordinated omission), ${rateSeconds} s`;
  const getRateNote = `GET /reports/{id} (budget, 3 indicators, goal) at ${rateHow(RATE_CONNECTIONS)}; ${of(times)}; ${setup}`;
  const editNote = `PUT /reports/{id}/narrative/goal at ${rateHow(EDIT_CONNECTIONS)}; each connection edits its own report with If-Match from its last ETag; ${of(times)}; ${setup}`;

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
  ];
}

export const benchApi: Benchmark = ({ quick }) => withCleanup('api bench', (cleanup) => run(quick, cleanup));

runWhenMain(import.meta.url, benchApi);
