import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { EXIT, nodeIo, runScoreCli } from './score-cli.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));

/** Runs the CLI against the real file system, keeping what it prints. */
async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runScoreCli(argv, { readFile: nodeIo.readFile, stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

function badFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'jixiao-score-')), 'report.json');
  writeFileSync(path, content);
  return path;
}

describe('score CLI', () => {
  it('prints the scores and checks of a report file as JSON', async () => {
    const { code, stdout, stderr } = await run(join(fixtures, 'seed-003-kaijiang-2024-special-operations.json'));
    const result = JSON.parse(stdout) as { profile: { id: string }; score: { total: string; grade: string }; checks: Array<{ code: string }> };
    expect([code, stderr]).toEqual([EXIT.ok, '']);
    expect([result.profile.id, result.score.total, result.score.grade]).toEqual(['default', '100.00', '优']);
    expect(result.checks.map((c) => c.code)).toEqual(['BUDGET_ADJUSTMENT_LARGE', 'OVER_ACHIEVEMENT']);
  });

  it('scores under another rule profile with --profile', async () => {
    const { code, stdout } = await run(join(fixtures, 'seed-003-kaijiang-2024-special-operations.json'), '--profile', 'hubei-2020');
    const result = JSON.parse(stdout) as { profile: { id: string }; score: { execution: { score: string }; total: string } };
    expect([code, result.profile.id, result.score.execution.score, result.score.total]).toEqual([EXIT.ok, 'hubei-2020', '20.00', '110.00']);
  });

  it('names the bad field in both languages and exits with 2', async () => {
    const path = badFile(JSON.stringify({ kind: 'project', header: { unit: '开江县医疗保障局', year: 2024 }, budget: { total: { executed: 9.33 } } }));
    const { code, stdout, stderr } = await run(path);
    expect([code, stdout]).toEqual([EXIT.badInput, '']);
    expect(stderr).toContain(`报告文件无效 / invalid report file: ${path}`);
    expect(stderr).toContain('budget.total.executed: 应为以字符串表示、最多两位小数的非负金额（万元）');
    expect(stderr).toContain('(got the number 9.33; quote it)');
  });

  it('exits with 2 for a file that is not JSON, a missing file, an unknown profile and missing arguments', async () => {
    expect(await run(badFile('{ "kind": '))).toMatchObject({ code: EXIT.badInput, stderr: expect.stringContaining('the file is not valid JSON') });
    expect(await run(join(fixtures, 'no-such-report.json'))).toMatchObject({ code: EXIT.badInput, stderr: expect.stringContaining('cannot read the report file') });
    expect(await run(join(fixtures, 'seed-000-kaifu-2022.json'), '--profile', 'sichuan-2024')).toMatchObject({ code: EXIT.badInput, stderr: expect.stringContaining('unknown rule profile: sichuan-2024') });
    expect(await run()).toMatchObject({ code: EXIT.badInput, stderr: expect.stringContaining('no report file given') });
  });
});
