import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openEventStore, openSqlClient, type EventStore, type SqlClient } from '#eventstore';
import { ProjectionRunner, tableChecksum } from '#projections';
import { readModelProjections } from '#read-models';
import { createScratchDatabase } from '../../../test/support/databases.js';
import { appendHistories, reportHistories } from '../../../libs/read-models/src/testing/report-histories.js';
import { SystemClock } from '#platform';
import { runtimeProjections } from '../../api/src/read-models/projection-set.js';
import { EXIT, rebuildReadModels, runRebuildCli, type RebuildCliIo } from './projections-rebuild.js';
import { demoUsers, seedDemoRegion } from './seed-demo.js';

function captureIo(env: Record<string, string | undefined> = {}, interactive = false) {
  const out = { stdout: '', stderr: '' };
  let clock = 0;
  const io: RebuildCliIo = {
    stdout: (text) => void (out.stdout += text),
    stderr: (text) => void (out.stderr += text),
    interactive,
    env,
    // Every call is ten seconds later, so that every batch prints its progress.
    now: () => (clock += 10_000),
  };
  return { io, out };
}

describe('projections:rebuild', () => {
  let url: string;
  let drop: () => Promise<void>;
  let store: EventStore;
  let sql: SqlClient;

  beforeAll(async () => {
    ({ url, drop } = await createScratchDatabase('jx_rebuild_cli'));
    store = await openEventStore(url);
    sql = await openSqlClient(url);
    await appendHistories(store, reportHistories({ events: 2500, seed: 3, units: 20 }), { lanes: 4 });
  });

  afterAll(async () => {
    await store.close();
    await sql.close();
    await drop();
  });

  it('replays every event into every read model and prints rate, row counts and checksums', async () => {
    const { io, out } = captureIo({ DATABASE_URL: url }, true);
    expect(await runRebuildCli(['--batch-size', '600'], io)).toBe(EXIT.ok);
    expect(out.stdout).toMatch(/^rebuilt 2500 events in \d+\.\d s \(\d+ events\/s\)\n/);
    for (const projection of readModelProjections) {
      const { rows, md5 } = await tableChecksum(sql, projection);
      expect(out.stdout).toContain(`${projection.name}`);
      expect(out.stdout).toMatch(new RegExp(`${projection.name}\\s+${rows} rows  md5 ${md5}`));
    }
    // One line on a terminal, rewritten in place, with percent of the head, rate and ETA.
    const updates = out.stderr.split('\r').filter((s) => s.length > 0);
    expect(updates.length).toBeGreaterThanOrEqual(4);
    expect(updates[0]).toMatch(/^24\.0% 600\/2500 · \d+ events\/s · ETA \d+ s\u001b\[K$/);
    expect(updates.at(-1)).toMatch(/^100\.0% 2500\/2500 .*\n$/);
  });

  it('prints whole lines when stderr is not a terminal', async () => {
    const { io, out } = captureIo({ DATABASE_URL: url }, false);
    expect(await runRebuildCli(['--batch-size=1000'], io)).toBe(EXIT.ok);
    expect(out.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^40\.0% /), expect.stringMatching(/^80\.0% /), expect.stringMatching(/^100\.0% /)]);
    expect(out.stderr).not.toContain('\r');
  });

  it('refuses, and leaves the read models as they are, while another process runs the projections', async () => {
    const before = await Promise.all(readModelProjections.map((p) => tableChecksum(sql, p)));
    const live = new ProjectionRunner(store, sql, readModelProjections, { idleMs: 10, retryMs: 50 });
    live.start();
    try {
      const deadline = Date.now() + 5000;
      while (!(await live.status())[0]!.active && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const other = await openSqlClient(url);
      const { io, out } = captureIo();
      try {
        expect(await runRebuildCli([], io, { eventStore: store, readStore: other })).toBe(EXIT.failed);
      } finally {
        await other.close();
      }
      expect(out.stderr).toContain('another process is running these projections: report_documents, audit_entries');
      expect(out.stderr).toContain('stop the API and the worker first');
      expect(await Promise.all(readModelProjections.map((p) => tableChecksum(sql, p)))).toEqual(before);
    } finally {
      await live.stop();
    }
  });

  it('explains its arguments and refuses bad ones', async () => {
    const help = captureIo();
    expect(await runRebuildCli(['--help'], help.io)).toBe(EXIT.ok);
    expect(help.out.stderr).toContain('usage: projections-rebuild');
    const bad = captureIo();
    expect(await runRebuildCli(['--batch-size', '0'], bad.io)).toBe(EXIT.badInput);
    expect(bad.out.stderr).toContain('--batch-size');
    const unknown = captureIo();
    expect(await runRebuildCli(['--fast'], unknown.io)).toBe(EXIT.badInput);
    const config = captureIo({ DATABASE_URL: 'mysql://nope' });
    expect(await runRebuildCli([], config.io)).toBe(EXIT.badInput);
    expect(config.out.stderr).toContain('DATABASE_URL');
  });

  it('exports rebuildReadModels for tests and the bench', async () => {
    const progress: number[] = [];
    const result = await rebuildReadModels(store, sql, { batchSize: 1000, onProgress: (p) => progress.push(Number(p.position)) });
    expect(result).toMatchObject({ events: 2500, head: 2500n });
    expect(progress).toEqual([1000, 2000, 2500]);
  });

  it('rebuilds the directory (organisations and users) with the reports, as the processes run them together', async () => {
    await seedDemoRegion(store, new SystemClock());
    const live = new ProjectionRunner(store, sql, runtimeProjections);
    await live.catchUp();
    const users = runtimeProjections.find((p) => p.name === 'directory_users')!;
    const caughtUp = await Promise.all(runtimeProjections.map((p) => tableChecksum(sql, p)));
    expect((await tableChecksum(sql, users)).rows).toBe(demoUsers.length);
    await sql.query('DELETE FROM rm_directory_users WHERE id IN (SELECT id FROM rm_directory_users LIMIT 2)');

    const { io, out } = captureIo({ DATABASE_URL: url });
    expect(await runRebuildCli([], io)).toBe(EXIT.ok);
    expect(await Promise.all(runtimeProjections.map((p) => tableChecksum(sql, p)))).toEqual(caughtUp);
    expect(out.stdout).toMatch(new RegExp(`directory_users\\s+${demoUsers.length} rows`));
    expect(out.stdout).toMatch(/directory_organisations\s+[1-9]\d* rows/);
  });
});
