import { getRuleProfile, reviewedTotal, runChecks, scoreReport, summariseChecks, toReportView, toScoreView, type ReportState } from '#domain';

/**
 * What a client gets for a report: the document, its revision, the scores and checks of that
 * revision, and — once reviewers scored items — the total with their scores (核查得分).
 */
export function representReport(state: ReportState, revision: number) {
  const view = toReportView(state);
  if (view === null || state.status === 'none') return null;
  const profile = getRuleProfile(state.content.profileId);
  const score = scoreReport(state.content, profile);
  const checks = runChecks(state.content, score, profile);
  const scoreView = toScoreView(score);
  const reviewed = state.review ? reviewedTotal(scoreView, state.review.reviewerScores, profile) : null;
  return { ...view, revision, score: scoreView, reviewerTotal: reviewed, checks, checkSummary: summariseChecks(checks) };
}

export type ReportRepresentation = NonNullable<ReturnType<typeof representReport>>;
