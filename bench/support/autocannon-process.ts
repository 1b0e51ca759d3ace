import { createRequire } from 'node:module';
import { editRequest, statusesOf, type EditTarget, type LoadResult } from './load.js';
import { answerFromStdin, runInProcessOfItsOwn } from './resources.js';

export type { EditTarget, LoadResult } from './load.js';

export type LoadSpec =
  | { kind: 'get'; url: string; token: string; connections: number; duration: number; rate?: number }
  /** Each connection edits its own report with the If-Match of the ETag its previous response returned. */
  | { kind: 'edit'; baseUrl: string; token: string; targets: EditTarget[]; duration: number; rate: number };

/**
 * autocannon in a process of its own. A load generator sharing the event loop of the server it
 * measures adds its own work (building requests, parsing responses, recording latencies) to the
 * latency it reports: a client never runs inside the server it calls.
 *
 * The bench calls `runAutocannon(spec)`; this file, run as a script, reads the spec as JSON on
 * stdin, runs autocannon and writes the summary as JSON on stdout.
 */

// ── autocannon (CommonJS, no bundled types): the part of its programmatic API used here ──────

interface AcRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AcRequest, context: object) => AcRequest;
  onResponse?: (status: number, body: string, context: object, headers: Record<string, string | string[]>) => void;
}

interface AcResult {
  latency: { p50: number; p99: number };
  requests: { average: number };
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
  ignoreCoordinatedOmission?: boolean;
  method?: string;
  headers?: Record<string, string>;
  setupClient?: (client: { setRequests(requests: AcRequest[]): void }) => void;
}

function headerValue(headers: Record<string, string | string[]>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[value.length - 1] : value;
  }
  return undefined;
}

async function generate(spec: LoadSpec): Promise<LoadResult> {
  const autocannon = createRequire(import.meta.url)('autocannon') as (options: AcOptions) => Promise<AcResult>;
  let options: AcOptions;
  if (spec.kind === 'get') {
    options = {
      url: spec.url,
      method: 'GET',
      headers: { authorization: `Bearer ${spec.token}` },
      connections: spec.connections,
      duration: spec.duration,
      ...(spec.rate === undefined ? {} : { overallRate: spec.rate }),
    };
  } else {
    let next = 0;
    options = {
      url: spec.baseUrl,
      connections: spec.targets.length,
      duration: spec.duration,
      overallRate: spec.rate,
      setupClient(client) {
        const target = spec.targets[next++ % spec.targets.length]!;
        client.setRequests([
          {
            setupRequest: (request) => {
              const edit = editRequest(target, spec.token);
              return { ...request, method: 'PUT', path: edit.path, headers: { ...request.headers, ...edit.headers }, body: edit.body };
            },
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
  // autocannon's rate is a quota per connection per second, sent back to back at the start of
  // each second; its coordinated-omission correction then assumes one request due every
  // millisecond (Math.ceil(1 / rate) with the rate per second) and adds a synthetic sample for
  // every millisecond of every slower answer, so one 40 ms answer weighs as 40. Latencies are
  // recorded as measured: each request's own time from sending to its answer.
  const result = await autocannon({ ...options, ignoreCoordinatedOmission: spec.rate !== undefined });
  const statuses = statusesOf(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]));
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statuses,
    ...(spec.kind === 'edit' ? { targets: spec.targets } : {}),
  };
}

/** Runs autocannon in a child process and returns its summary. */
export function runAutocannon(spec: LoadSpec): Promise<LoadResult> {
  return runInProcessOfItsOwn<LoadResult>(import.meta.url, 'autocannon', spec);
}

answerFromStdin(import.meta.url, generate);
