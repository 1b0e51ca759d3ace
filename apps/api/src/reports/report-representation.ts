import { getRuleProfile, runChecks, scoreReport, summariseChecks, toReportView, toScoreView, type ReportState } from '#domain';

/** What a client gets for a report: the document, its revision, and the scores and checks of that revision. */
export function representReport(state: ReportState, revision: number) {
  const view = toReportView(state);
  if (view === null || state.status === 'none') return null;
  const profile = getRuleProfile(state.content.profileId);
  const score = scoreReport(state.content, profile);
  const checks = runChecks(state.content, score, profile);
  return { ...view, revision, score: toScoreView(score), checks, checkSummary: summariseChecks(checks) };
}

export type ReportRepresentation = NonNullable<ReturnType<typeof representReport>>;
