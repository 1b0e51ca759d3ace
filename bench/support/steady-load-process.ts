import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { editRequest, statusesOf, type EditTarget, type LoadResult } from './load.js';
import { answerFromStdin, runInProcessOfItsOwn } from './resources.js';

/**
 * Edits arriving at a steady rate, in a process of its own: one due every 1/rate seconds whether
 * or not earlier ones have been answered (an open model), as a fixed request rate means in load
 * testing (wrk2, k6's constant-arrival-rate). autocannon's `overallRate` is a quota per connection
 * per second instead: every connection sends its share back to back at the start of each second,
 * so 200 req/s over 20 connections reaches the server as 20 concurrent edits for the first tenth
 * of every second and none for the rest.
 *
 * The reports take turns: at 200 req/s over 20 reports each is edited every 100 ms. An edit
 * carries the ETag its report's previous edit returned as If-Match, so it waits for that answer;
 * its latency runs from the moment it was due, so that waiting, and waiting for a connection,
 * count as well (no coordinated omission).
 */

export interface SteadyEditSpec {
  baseUrl: string;
  token: string;
  targets: EditTarget[];
  /** Seconds. */
  duration: number;
  /** Edits per second. */
  rate: number;
}

function put(agent: Agent, baseUrl: string, edit: ReturnType<typeof editRequest>): Promise<{ status: number; etag: string | undefined }> {
  return new Promise((resolve, reject) => {
    const sent = request(new URL(edit.path, baseUrl), { agent, method: 'PUT', headers: { ...edit.headers, 'content-length': String(Buffer.byteLength(edit.body)) } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, etag: typeof response.headers.etag === 'string' ? response.headers.etag : undefined }));
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end(edit.body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function steadyEdits(spec: SteadyEditSpec): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.targets.length });
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let errors = 0;
  const previous: Array<Promise<unknown>> = spec.targets.map(() => Promise.resolve());
  const answered: Array<Promise<void>> = [];
  const total = Math.round(spec.rate * spec.duration);
  const interval = 1000 / spec.rate;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const slot = i % spec.targets.length;
    const target = spec.targets[slot]!;
    const edit = previous[slot]!.then(async () => {
      const answer = await put(agent, spec.baseUrl, editRequest(target, spec.token));
      // A 412 also names the current revision; following it keeps one miss from cascading.
      if (answer.etag !== undefined) target.etag = answer.etag;
      return answer;
    });
    previous[slot] = edit.catch(() => undefined);
    answered.push(
      edit.then(
        ({ status }) => {
          latencies.push(performance.now() - due);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(answered);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const ok = [...statuses].filter(([status]) => status >= 200 && status < 300).reduce((n, [, count]) => n + count, 0);
  const tenth = (ms: number) => Math.round(ms * 10) / 10;
  return {
    p50: tenth(percentile(latencies, 50)),
    p99: tenth(percentile(latencies, 99)),
    rps: tenth(latencies.length / seconds),
    non2xx: latencies.length - ok,
    errors,
    statuses: statusesOf(statuses),
    targets: spec.targets,
  };
}

/** Runs steady edits from a child process and returns their summary. */
export function runSteadyEdits(spec: SteadyEditSpec): Promise<LoadResult> {
  return runInProcessOfItsOwn<LoadResult>(import.meta.url, 'steady load', spec);
}

answerFromStdin(import.meta.url, steadyEdits);
