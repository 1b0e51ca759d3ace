import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openEventStore, openSqlClient, type EventStore, type SqlClient } from '#eventstore';
import { tableChecksum } from '#projections';
import { readModelProjections } from '#read-models';
import { appendHistories, reportHistories } from '../../libs/read-models/src/testing/report-histories.js';
import { createScratchDatabase } from '../support/databases.js';
import { repoRoot, startNode, type RunningProcess } from '../support/processes.js';

const runEntry = 'dist/apps/cli/src/projections-run.js';
const rebuildEntry = 'dist/apps/cli/src/projections-rebuild.js';
const EVENTS = 50_000;

/** The lowest checkpoint of the read models: what a restart resumes from. */
async function checkpoint(sql: SqlClient): Promise<bigint> {
  const { rows } = await sql.query<{ position: string | null; n: number }>(
    `SELECT min(position)::text AS position, count(*)::int AS n FROM projection_checkpoints WHERE name = ANY($1::text[])`,
    [readModelProjections.map((p) => p.name)],
  );
  return rows[0]!.n === readModelProjections.length ? BigInt(rows[0]!.position ?? '0') : 0n;
}

async function checkpointOrZero(sql: SqlClient): Promise<bigint> {
  try {
    return await checkpoint(sql);
  } catch {
    return 0n; // the runner has not created its tables yet
  }
}

async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function checksums(sql: SqlClient) {
  return Promise.all(readModelProjections.map(async (p) => ({ name: p.name, ...(await tableChecksum(sql, p)) })));
}

function runProjections(url: string): RunningProcess {
  return startNode(runEntry, { DATABASE_URL: url });
}

describe('projections killed in the middle of catching up', () => {
  let url: string;
  let drop: () => Promise<void>;
  let store: EventStore;
  let sql: SqlClient;
  let head: bigint;

  beforeAll(async () => {
    for (const entry of [runEntry, rebuildEntry]) {
      if (!existsSync(resolve(repoRoot, entry))) throw new Error(`${entry} is missing: run \`npm run build\` first`);
    }
    ({ url, drop } = await createScratchDatabase('jx_crash'));
    store = await openEventStore(url);
    sql = await openSqlClient(url);
    const started = performance.now();
    const seeded = await appendHistories(store, reportHistories({ events: EVENTS, seed: 2024 }), { lanes: 8 });
    head = await store.headPosition();
    process.stdout.write(`  seeded ${seeded.events} events (${seeded.appends} appends) in ${((performance.now() - started) / 1000).toFixed(1)} s; head ${head}\n`);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await sql?.close();
    await drop?.();
  });

  it('resumes from its checkpoint after SIGKILL and ends equal to a fresh rebuild', async () => {
    expect(head).toBe(BigInt(EVENTS));

    // 1. Start catching up, and kill the process without warning about a third of the way, most
    //    likely in the middle of a batch's transaction.
    let started = performance.now();
    const first = runProjections(url);
    let seen = 0n;
    try {
      await waitFor('a third of the events', 60_000, async () => {
        seen = await checkpointOrZero(sql);
        return seen >= head / 3n;
      });
      expect(seen).toBeLessThan(head);
      first.child.kill('SIGKILL');
    } finally {
      first.child.kill('SIGKILL');
    }
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const killedAt = await checkpoint(sql);
    const firstSeconds = (performance.now() - started) / 1000;
    expect(killedAt).toBeGreaterThan(0n);
    expect(killedAt).toBeLessThan(head);

    // 2. Restart: it goes on from the checkpoint and catches up with the head.
    started = performance.now();
    const second = runProjections(url);
    try {
      await waitFor('the head', 60_000, async () => (await checkpoint(sql)) === head);
    } finally {
      second.child.kill('SIGTERM');
    }
    expect((await second.exited).code).toBe(0);
    const secondSeconds = (performance.now() - started) / 1000;
    const live = await checksums(sql);

    // 3. A fresh rebuild, by the CLI, must give exactly the same tables.
    const rebuild = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolveRun) => {
      const child = spawn(process.execPath, [resolve(repoRoot, rebuildEntry)], { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', DATABASE_URL: url, LOG_LEVEL: 'warn' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('exit', (code) => resolveRun({ code, stdout, stderr }));
    });
    expect(rebuild).toMatchObject({ code: 0 });
    const rebuilt = await checksums(sql);
    expect(rebuilt).toEqual(live);
    expect(live.find((t) => t.name === 'audit_entries')!.rows).toBeGreaterThan(EVENTS);

    process.stdout.write(
      [
        `  first run killed (SIGKILL) after ${firstSeconds.toFixed(1)} s at checkpoint ${killedAt} of ${head} (${((Number(killedAt) * 100) / Number(head)).toFixed(1)}%)`,
        `  restarted run caught up from ${killedAt} to ${head} in ${secondSeconds.toFixed(1)} s`,
        `  fresh rebuild: ${rebuild.stdout.trim().replace(/\n/g, '\n    ')}`,
        `  live and rebuilt tables equal: ${live.map((t) => `${t.name} ${t.rows} rows ${t.md5}`).join(', ')}`,
        '',
      ].join('\n'),
    );
  }, 180_000);
});
