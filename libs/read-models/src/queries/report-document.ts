import type { SqlQueryable } from '#eventstore';
import type { ReportDocumentRow } from '../report-documents.projection.js';

/** The report as the API represents it (the stored row without its list summary). */
export type ReportDocument = Omit<ReportDocumentRow, 'summary'>;

/** The report at its latest projected revision, with scores and checks; null when unknown. */
export async function getReportDocument(sql: SqlQueryable, reportId: string): Promise<ReportDocument | null> {
  const { rows } = await sql.query<{ doc: ReportDocument }>(`SELECT doc - 'summary' AS doc FROM rm_report_documents WHERE id = $1`, [reportId]);
  return rows[0]?.doc ?? null;
}
