import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { freePort, startNode, waitForHttp } from '../support/processes.js';

const api = 'dist/apps/api/src/main.js';

describe('starting the built API process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jx-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers readiness on embedded defaults and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const running = startNode(api, { PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `pglite://${join(dataDir, 'db')}` });
    try {
      const tookMs = await waitForHttp(`http://127.0.0.1:${port}/health/ready`, 30_000);
      process.stdout.write(`  readiness answered after ${tookMs} ms\n`);
      running.child.kill('SIGTERM');
      const exit = await running.exited;
      expect(exit.signal === 'SIGTERM' || exit.code === 0).toBe(true);
    } finally {
      running.child.kill('SIGKILL');
    }
  });

  it('exits with one line naming a bad variable', async () => {
    const running = startNode(api, { PORT: 'eighty' });
    const exit = await running.exited;
    expect(exit.code).toBe(1);
    const lines = running.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('PORT="eighty"');
  });

  it('exits with one actionable line when Redis is unreachable', async () => {
    const running = startNode(api, { REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: 'pglite://memory' });
    const exit = await running.exited;
    expect(exit.code).toBe(1);
    const lines = running.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Redis is not reachable at redis:\/\/127\.0\.0\.1:1.*redis-server/);
  });
});
