import { dec, fixed2, ZERO } from '../shared/decimal.js';
import { gradeFor, type Grade } from '../scoring/grade.js';
import type { RuleProfile } from '../scoring/rule-profile.js';
import type { ReportScoreView } from '../scoring/score-report.js';
import type { ReviewerScore } from './review.state.js';

export interface ReviewedTotal {
  /** Every item at its reviewer score where one is set, else at its computed score. */
  total: string;
  grade: Grade | null;
  /** How many items carry a reviewer score. */
  reviewed: number;
}

/**
 * The report's total as the reviewers scored it (核查得分): null when no reviewer score is set, so
 * lists show two scores only where a reviewer actually disagreed with the computation.
 */
export function reviewedTotal(score: ReportScoreView, reviewerScores: Readonly<Record<string, ReviewerScore>>, profile: RuleProfile): ReviewedTotal | null {
  const set = Object.entries(reviewerScores).filter(([, s]) => s.score !== null);
  if (set.length === 0) return null;
  const reviewer = new Map(set.map(([path, s]) => [path, s.score!]));
  const pick = (path: string, computed: string | null) => {
    const chosen = reviewer.get(path) ?? computed;
    return chosen === null ? null : dec(chosen);
  };
  let total = pick('budget', score.execution.score) ?? ZERO;
  let complete = score.execution.rule === 'not-applicable' || reviewer.has('budget') || score.execution.score !== null;
  for (const item of score.indicators) {
    const value = pick(`indicators[${item.indicatorId}]`, item.score);
    if (value === null) complete = false;
    else total = total.plus(value);
  }
  for (const item of score.evaluationItems) {
    const value = pick(`evaluationItems[${item.itemId}]`, item.score);
    if (value !== null) total = total.plus(value);
  }
  return { total: fixed2(total), grade: complete ? gradeFor(total, profile.grades) : null, reviewed: reviewer.size };
}
