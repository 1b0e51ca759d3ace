import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { meetsTarget, type Benchmark, type BenchResult } from './bench-result.js';

/**
 * `npm run bench [-- --quick] [-- name …]`: runs the benchmarks of bench/ and writes
 * bench/results/latest.json and latest.md. Names select suites by prefix (e.g. `append`).
 */
const suites: Record<string, () => Promise<Benchmark>> = {
  append: async () => (await import('./append.bench.js')).benchAppend,
  score: async () => (await import('./score.bench.js')).benchScore,
  rebuild: async () => (await import('./rebuild.bench.js')).benchRebuild,
  api: async () => (await import('./api.bench.js')).benchApi,
  rescore: async () => (await import('./rescore.bench.js')).benchRescore,
  reminders: async () => (await import('./reminders.bench.js')).benchReminders,
};

function format(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}

function toMarkdown(report: { when: string; machine: { cpus: number; memoryGiB: number; node: string }; results: BenchResult[] }): string {
  const lines = [
    `# Benchmark report`,
    '',
    `${report.when} · ${report.machine.cpus} cores · ${report.machine.memoryGiB} GiB · Node ${report.machine.node}`,
    '',
    '| name | value | unit | better | peer | ratio | target | |',
    '|---|---:|---|---|---|---:|---:|---|',
  ];
  for (const r of report.results) {
    const met = meetsTarget(r);
    lines.push(
      `| ${r.name} | ${format(r.value)} | ${r.unit} | ${r.better} | ${r.peer ? `${r.peer.name}: ${format(r.peer.value)}` : ''} | ${r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`} | ${r.target === undefined ? '' : format(r.target)} | ${met === undefined ? '' : met ? 'met' : '**MISSED**'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const wanted = args.filter((a) => !a.startsWith('--'));
  const names = Object.keys(suites).filter((name) => wanted.length === 0 || wanted.some((w) => name.startsWith(w) || w.startsWith(name)));
  const results: BenchResult[] = [];
  for (const name of names) {
    process.stdout.write(`bench ${name}${quick ? ' (quick)' : ''}…\n`);
    const benchmark = await suites[name]!();
    for (const result of await benchmark({ quick })) {
      results.push(result);
      process.stdout.write(`  ${result.name}: ${format(result.value)} ${result.unit}${result.peer ? ` (peer ${result.peer.name}: ${format(result.peer.value)}, ratio ${result.ratio?.toFixed(2)}×)` : ''}\n`);
    }
  }
  const report = {
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    results,
  };
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'latest.md'), toMarkdown(report));
  process.stdout.write(`wrote ${join(dir, 'latest.json')} and latest.md\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
