import { parseStoredReportScored, REPORT_SCORED, reportIdOfScoreStream, supersedes, type ReportScoredData } from '#domain';
import type { RecordedEvent, SqlQueryable } from '#eventstore';
import type { Projection } from '#projections';

/**
 * `rm_report_scores`: per report, the latest score the background worker recorded (ReportScored in
 * `score-<reportId>`): which revision and profile version it was computed for, the total, grade,
 * completeness and every item's score.
 */
export type ReportScoreRecord = Omit<ReportScoredData, 'by'> & {
  /** Revision of the record in its score stream. */
  recordRevision: number;
};

function parse(event: RecordedEvent): ReportScoredData | null {
  try {
    return parseStoredReportScored({ type: event.type, schemaVersion: event.metadata.schemaVersion, data: event.data });
  } catch {
    return null;
  }
}

export const reportScoresProjection: Projection<ReportScoreRecord> = {
  name: 'report_scores',
  version: 1,
  handles: [REPORT_SCORED],
  keys: (event) => {
    const reportId = reportIdOfScoreStream(event.streamId);
    return reportId === null ? [] : [reportId];
  },
  evolve(row, event) {
    // Already folded in (a batch applied a second time): the row stays as it is.
    if (row !== null && event.revision <= row.recordRevision) return row;
    // A payload the domain cannot read is left out rather than stopping every read model.
    const data = parse(event);
    if (data === null) return row;
    // A record computed on an older basis than the one shown (two computations raced) does not replace it.
    if (row !== null && !supersedes(data, row)) return { ...row, recordRevision: event.revision };
    const { by: _by, ...record } = data;
    return { ...record, recordRevision: event.revision };
  },
  extraSchema: `ALTER TABLE rm_report_scores ADD COLUMN IF NOT EXISTS organisation_id text GENERATED ALWAYS AS (doc->>'organisationId') STORED;`,
};

/** The latest score record of a report; null when none has been recorded (yet). */
export async function getReportScoreRecord(sql: SqlQueryable, reportId: string): Promise<ReportScoreRecord | null> {
  const { rows } = await sql.query<{ doc: ReportScoreRecord }>('SELECT doc FROM rm_report_scores WHERE id = $1', [reportId]);
  return rows[0]?.doc ?? null;
}
