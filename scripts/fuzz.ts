import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

// `npm run fuzz -- --runs N`: the HTTP API fuzz suite with N runs per property.
const { values } = parseArgs({ options: { runs: { type: 'string', default: '500' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got ${values.runs}`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', 'test/fuzz', '--testTimeout', String(Math.max(60_000, runs * 2_000))], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: String(runs) },
});
process.exit(result.status ?? 1);
