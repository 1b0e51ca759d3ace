import { reportEventTypes, type Check, type CheckSummary, type LocalizedText, type ReportScoreView, type ReportView } from '#domain';
import type { RecordedEvent } from '#eventstore';
import type { Projection, Row } from '#projections';
import { DeferredRow, lz4Compression } from './deferred-row.js';
import { foldFromView, foldReport, profilesFingerprint, reportIdOfStream, scoringOf, viewOf, type FoldedReport } from './report-fold.js';
import { calendarFingerprint, reportSummariesSchema, summarise, type StoredReportSummary } from './report-summaries.js';

/**
 * The whole report at its latest revision as the API represents it — the view (lifecycle and
 * document), the revision, the score view and the checks of that revision — and its list summary.
 */
export type ReportDocumentRow = ReportView & {
  revision: number;
  score: ReportScoreView | null;
  checks: Check[];
  checkSummary: CheckSummary;
  scoreError: LocalizedText | null;
  summary: StoredReportSummary;
};

class PendingReportDocument extends DeferredRow {
  constructor(readonly folded: FoldedReport) {
    super();
  }

  override toJSON(): ReportDocumentRow {
    return { ...viewOf(this.folded), revision: this.folded.revision, ...scoringOf(this.folded), summary: summarise(this.folded) };
  }
}

function current(row: Row | null): FoldedReport | null {
  if (row === null) return null;
  if (row instanceof PendingReportDocument) return row.folded;
  const stored = row as unknown as ReportDocumentRow;
  return foldFromView(stored, stored.revision);
}

function storedRevision(row: Row): number {
  return row instanceof PendingReportDocument ? row.folded.revision : (row as unknown as ReportDocumentRow).revision;
}

export const reportDocumentsProjection: Projection = {
  name: 'report_documents',
  // 2_000: the review workflow's fields (review state, stage, reviewer totals).
  // 2_001: the summary's stage due instant (review.dueAt), no stored overdue flag.
  version: 2_001 + profilesFingerprint + calendarFingerprint,
  handles: reportEventTypes,
  keys: (event: RecordedEvent) => [reportIdOfStream(event.streamId)],
  // A report's row is opened by its stream's first event.
  creates: (event: RecordedEvent) => event.revision === 0,
  evolve(row, event) {
    // Already folded in (a batch replayed after it committed): the row stays as it is.
    if (row !== null && event.revision <= storedRevision(row)) return row;
    return new PendingReportDocument(foldReport(current(row), event));
  },
  extraSchema: `${lz4Compression('rm_report_documents')}\n${reportSummariesSchema}`,
};
