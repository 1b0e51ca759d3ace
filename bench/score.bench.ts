import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { documentToContent, parseReportDocument, ruleProfiles, runChecks, scoreReport, type ReportContent, type ReportDocumentInput } from '#domain';
import { median, type BenchResult } from './bench-result.js';

/**
 * Scoring runs on every revision a filler saves and every time a profile changes, across all
 * reports: a 50-indicator report should score in well under a millisecond.
 */

const comparators = ['≥', '≥', '≤', '=', '定性'] as const;

/** A report of 50 indicators mixing every rule and the textual actuals seen in real forms. */
export function generatedReport(indicatorCount = 50): ReportContent {
  const weight = (90 / indicatorCount).toFixed(2);
  const indicators: NonNullable<ReportDocumentInput['indicators']> = Array.from({ length: indicatorCount }, (_, i) => {
    const comparator = comparators[i % comparators.length]!;
    const target = String(100 + i * 7);
    const actuals = [`${95 + i * 7}`, `大于${target}`, `${Number(target) + 3}`, `${target}`, '好'];
    return {
      id: `ind-${i + 1}`,
      level1: i % 5 === 4 ? 'benefit' : i % 7 === 0 ? 'satisfaction' : 'output',
      level2: i % 5 === 4 ? 'social-benefit' : i % 7 === 0 ? 'service-satisfaction' : 'quantity',
      name: `指标${i + 1}`,
      comparator,
      target: comparator === '定性' ? '好' : target,
      unit: comparator === '定性' ? null : i % 3 === 0 ? '万元' : '个',
      actual: comparator === '≤' ? `${Number(target) + 5}` : actuals[i % actuals.length]!,
      weight,
      selfScore: weight,
      explanation: null,
      qualitativeBand: comparator === '定性' ? 'achieved' : null,
    };
  });
  return documentToContent(
    parseReportDocument({
      kind: 'project',
      header: { unit: '基准测试单位', year: 2024, projectCode: 'BENCH-001', projectName: '基准测试项目' },
      budget: { total: { initial: '1000.00', adjusted: '950.00', executed: '912.34', statedRate: '96.04' } },
      indicators,
    }),
  );
}

function medianMsPerCall(runs: number, callsPerRun: number, call: () => unknown): number {
  const perCall: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    for (let i = 0; i < callsPerRun; i++) call();
    perCall.push((performance.now() - started) / callsPerRun);
  }
  return median(perCall);
}

export async function benchScore(options: { quick: boolean }): Promise<BenchResult[]> {
  const report = generatedReport(50);
  const profile = ruleProfiles['default']!;
  const runs = options.quick ? 3 : 7;
  const calls = options.quick ? 200 : 2000;
  medianMsPerCall(1, calls, () => scoreReport(report, profile)); // warm-up: let the JIT settle first
  const scoring = medianMsPerCall(runs, calls, () => scoreReport(report, profile));
  const withChecks = medianMsPerCall(runs, calls, () => runChecks(report, scoreReport(report, profile), profile));
  return [
    { name: 'score.report50.medianMs', value: scoring, unit: 'ms', better: 'lower', target: 1, notes: `median of ${runs} runs × ${calls} scorings` },
    { name: 'score.report50.withChecks.medianMs', value: withChecks, unit: 'ms', better: 'lower', notes: 'scoring plus every consistency check' },
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await benchScore({ quick: process.argv.includes('--quick') });
  for (const r of results) process.stdout.write(`${r.name}: ${r.value.toFixed(4)} ${r.unit}${r.target === undefined ? '' : ` (target < ${r.target})`}\n`);
}
