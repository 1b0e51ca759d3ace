/** One figure of the benchmark report; names are stable dotted ids (e.g. `append.pg.sequential`). */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  better: 'higher' | 'lower';
  peer?: { name: string; value: number };
  ratio?: number;
  target?: number;
  notes?: string;
}

export interface BenchOptions {
  quick: boolean;
}

export type Benchmark = (options: BenchOptions) => Promise<BenchResult[]>;

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function meetsTarget(result: BenchResult): boolean | undefined {
  if (result.target === undefined) return undefined;
  return result.better === 'higher' ? result.value >= result.target : result.value <= result.target;
}
