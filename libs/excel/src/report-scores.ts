import { documentToContent, getRuleProfile, isDomainError, scoreReport, toScoreView, type ReportDocument, type ReportScoreView } from '#domain';

/** What an export shows beside the form's own figures. */
export interface ExportableReport {
  document: ReportDocument;
  /** draft, submitted, …; null for a document that is not (yet) a stored report. */
  status: string | null;
  revision: number | null;
  /**
   * The reviewer's total (核查分数) when the review workflow has set any reviewer score; null
   * until then. See reviewerTotalOf.
   */
  reviewerTotal: string | null;
}

export interface ComputedScores {
  view: ReportScoreView;
  executionWeight: string;
}

/** The server's score of the document (the same scoreReport the API serves); null for an unknown profile. */
export function computeScores(document: ReportDocument): ComputedScores | null {
  try {
    const profile = getRuleProfile(document.profileId);
    const view = toScoreView(scoreReport(documentToContent(document), profile));
    return { view, executionWeight: profile.execution.weight.toFixed() };
  } catch (error) {
    if (isDomainError(error)) return null;
    throw error;
  }
}
