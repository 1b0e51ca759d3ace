import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Load in a process of its own. A load generator sharing the event loop of the server it
 * measures adds its own work (building requests, parsing responses, recording latencies) to the
 * latency it reports; a client never runs inside the server it calls.
 *
 * Two ways to pace it:
 * - `autocannon`: autocannon 9 with `overallRate` (or unthrottled). Its rate is a quota per
 *   connection per second: every connection sends its quota back to back as fast as the server
 *   answers, at the start of each second, then waits for the next — 200 req/s over 20
 *   connections is a burst of 200 requests (20 at a time) once a second. Its coordinated-omission
 *   correction then assumes a request was due every millisecond (Math.ceil(1 / rate)).
 * - `constant`: requests due at a constant rate, one every 1/rate seconds (open loop: a slow
 *   answer does not delay the next request), over a pool of keep-alive connections; each latency
 *   runs from the moment its request was due, so waiting for a connection counts too.
 *
 * The bench process calls `runLoad(spec)`; this file, run as a script, reads the spec as JSON on
 * stdin, generates the load and writes the summary as JSON on stdout.
 */

export interface EditTarget {
  id: string;
  etag: string;
  seq: number;
}

export type Pacing = 'autocannon' | 'constant';

export type LoadSpec =
  | { kind: 'get'; pacing: Pacing; url: string; token: string; connections: number; duration: number; rate?: number }
  | { kind: 'edit'; pacing: Pacing; baseUrl: string; token: string; targets: EditTarget[]; duration: number; rate: number };

export interface LoadResult {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Average requests per second. */
  rps: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Responses by status code, e.g. `200×4000 412×2`. */
  statuses: string;
  /** Edit runs: the targets as the run left them (last ETag and edit number of each). */
  targets?: EditTarget[];
}

// ── constant arrival rate ────────────────────────────────────────────────────

interface Sent {
  status: number;
  etag: string | undefined;
}

function send(agent: Agent, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: typeof res.headers.etag === 'string' ? res.headers.etag : undefined }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Requests due every 1/rate seconds for `duration` seconds. An edit waits for the previous edit
 * of its report (so that its If-Match is that edit's ETag) — from its due time, so that waiting
 * counts; reports take turns, so at 200 req/s over 20 reports each is edited every 100 ms.
 */
async function constantRate(spec: LoadSpec): Promise<LoadResult> {
  const rate = spec.rate ?? 100;
  const connections = spec.kind === 'edit' ? spec.targets.length : spec.connections;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let errors = 0;
  const chains = spec.kind === 'edit' ? spec.targets.map(() => Promise.resolve()) : [];
  const total = Math.round(rate * spec.duration);
  const interval = 1000 / rate;
  const started = performance.now();
  const pending: Array<Promise<void>> = [];
  const record = (due: number, outcome: Promise<Sent>) =>
    outcome.then(
      ({ status }) => {
        latencies.push(performance.now() - due);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      },
      () => void errors++,
    );
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (spec.kind === 'get') {
      const url = new URL(spec.url);
      pending.push(record(due, send(agent, url, 'GET', { authorization: `Bearer ${spec.token}` })));
    } else {
      const slot = i % spec.targets.length;
      const target = spec.targets[slot]!;
      const edit = chains[slot]!.then(async () => {
        const body = JSON.stringify({ text: `完成医疗设备购置，提升检查能力（第${++target.seq}次修改）` });
        const headers = { authorization: `Bearer ${spec.token}`, 'content-type': 'application/json', 'if-match': target.etag };
        const sent = await send(agent, new URL(`/reports/${target.id}/narrative/goal`, spec.baseUrl), 'PUT', headers, body);
        // A 412 also names the current revision; following it keeps one miss from cascading.
        if (sent.etag !== undefined) target.etag = sent.etag;
        return sent;
      });
      chains[slot] = edit.then(
        () => undefined,
        () => undefined,
      );
      pending.push(record(due, edit));
    }
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const ok = [...statuses].filter(([status]) => status >= 200 && status < 300).reduce((n, [, count]) => n + count, 0);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    p50: round(percentile(latencies, 50)),
    p90: round(percentile(latencies, 90)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? 0),
    rps: Math.round((latencies.length / elapsed) * 10) / 10,
    non2xx: latencies.length - ok,
    errors,
    statuses: [...statuses].map(([status, count]) => `${status}×${count}`).join(' '),
    ...(spec.kind === 'edit' ? { targets: spec.targets } : {}),
  };
}

// ── autocannon ───────────────────────────────────────────────────────────────

// The part of autocannon's programmatic API used here (CommonJS, no bundled types).

interface AcRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AcRequest, context: object) => AcRequest;
  onResponse?: (status: number, body: string, context: object, headers: Record<string, string | string[]>) => void;
}

interface AcClient {
  setRequests(requests: AcRequest[]): void;
}

interface AcHistogram {
  average: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

interface AcResult {
  latency: AcHistogram;
  requests: AcHistogram & { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats?: Record<string, { count: number }>;
}

interface AcOptions {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  method?: string;
  headers?: Record<string, string>;
  setupClient?: (client: AcClient) => void;
}

function headerValue(headers: Record<string, string | string[]>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[value.length - 1] : value;
  }
  return undefined;
}

function options(spec: LoadSpec): AcOptions {
  if (spec.kind === 'get') {
    return {
      url: spec.url,
      method: 'GET',
      headers: { authorization: `Bearer ${spec.token}` },
      connections: spec.connections,
      duration: spec.duration,
      ...(spec.rate === undefined ? {} : { overallRate: spec.rate }),
    };
  }
  // Each connection edits its own report, carrying the ETag of its last response as If-Match.
  let next = 0;
  return {
    url: spec.baseUrl,
    connections: spec.targets.length,
    duration: spec.duration,
    overallRate: spec.rate,
    setupClient(client) {
      const target = spec.targets[next++ % spec.targets.length]!;
      client.setRequests([
        {
          setupRequest: (request) => ({
            ...request,
            method: 'PUT',
            path: `/reports/${target.id}/narrative/goal`,
            headers: { ...request.headers, authorization: `Bearer ${spec.token}`, 'content-type': 'application/json', 'if-match': target.etag },
            body: JSON.stringify({ text: `完成医疗设备购置，提升检查能力（第${++target.seq}次修改）` }),
          }),
          onResponse: (_status, _body, _context, headers) => {
            // A 412 also names the current revision; following it keeps one miss from cascading.
            const etag = headerValue(headers, 'etag');
            if (etag !== undefined) target.etag = etag;
          },
        },
      ]);
    },
  };
}

async function generate(spec: LoadSpec): Promise<LoadResult> {
  if (spec.pacing === 'constant') return constantRate(spec);
  const autocannon = createRequire(import.meta.url)('autocannon') as (options: AcOptions) => Promise<AcResult>;
  const result = await autocannon(options(spec));
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .map(([code, { count }]) => `${code}×${count}`)
    .join(' ');
  const { p50, p90, p99, max } = result.latency;
  return {
    p50,
    p90,
    p99,
    max,
    rps: result.requests.average,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statuses,
    ...(spec.kind === 'edit' ? { targets: spec.targets } : {}),
  };
}

/** Runs the load from a child process and returns its summary. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}: ${out}`));
      try {
        resolve(JSON.parse(out) as LoadResult);
      } catch (error) {
        reject(new Error(`load generator answered no JSON: ${out}`, { cause: error }));
      }
    });
    child.stdin.end(JSON.stringify(spec));
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let input = '';
  process.stdin.on('data', (chunk: Buffer) => (input += chunk.toString('utf8')));
  process.stdin.on('end', () => {
    generate(JSON.parse(input) as LoadSpec).then(
      (result) => process.stdout.write(JSON.stringify(result)),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  });
}
