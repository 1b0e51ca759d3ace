import { Dec, type ReportScoreView } from '#domain';

// The review workflow is being built beside this library: a report's representation may carry
// reviewer scores (核查分数) keyed by item path — `budget`, `indicators[<id>]`,
// `evaluationItems[<id>]` — as `review.reviewerScores` or as `reviewerScores`. Read them without
// depending on that shape: whatever is not there reads as "no reviewer score yet".

type ScoreEntry = string | null | { score?: unknown };

function entriesOf(representation: unknown): Record<string, ScoreEntry> | null {
  if (typeof representation !== 'object' || representation === null) return null;
  const r = representation as { reviewerScores?: unknown; review?: { reviewerScores?: unknown } | null; reviewerTotal?: unknown };
  const found = r.reviewerScores ?? r.review?.reviewerScores;
  return typeof found === 'object' && found !== null ? (found as Record<string, ScoreEntry>) : null;
}

function scoreOf(entry: ScoreEntry | undefined): string | null {
  if (entry === undefined || entry === null) return null;
  const value = typeof entry === 'string' ? entry : entry.score;
  return typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? value : null;
}

/**
 * The reviewer's total: each item's reviewer score where one is set, its computed score
 * otherwise. Null while no reviewer score exists (or the representation has none): the summary
 * column then stays empty. A representation that states `reviewerTotal` itself is taken at its word.
 */
export function reviewerTotalOf(representation: unknown, computed: ReportScoreView | null): string | null {
  const stated = (representation as { reviewerTotal?: unknown } | null)?.reviewerTotal;
  if (typeof stated === 'string' && /^\d+(\.\d+)?$/.test(stated)) return stated;
  const entries = entriesOf(representation);
  if (entries === null || computed === null) return null;
  const set = Object.entries(entries).filter(([, entry]) => scoreOf(entry) !== null);
  if (set.length === 0) return null;
  const reviewed = new Map(set.map(([path, entry]) => [path, new Dec(scoreOf(entry)!)]));
  const pick = (path: string, fallback: string | null) => reviewed.get(path) ?? new Dec(fallback ?? 0);
  let total = pick('budget', computed.execution.score);
  for (const i of computed.indicators) total = total.plus(pick(`indicators[${i.indicatorId}]`, i.score));
  for (const i of computed.evaluationItems) total = total.plus(pick(`evaluationItems[${i.itemId}]`, i.score));
  return total.toFixed(2);
}
