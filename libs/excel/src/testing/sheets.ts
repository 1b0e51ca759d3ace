import ExcelJS from 'exceljs';
import type { ReportDocument } from '#domain';
import { exportReportWorkbook, loadWorkbook, readFormSheets, type WorkbookSheetReading } from '../workbooks.js';

export async function exportedWorkbook(document: ReportDocument): Promise<ExcelJS.Workbook> {
  const loaded = await loadWorkbook(await exportReportWorkbook({ document, status: 'draft', revision: 0, reviewerTotal: null }));
  if (!loaded.ok) throw new Error(loaded.problem.message.en);
  return loaded.workbook;
}

/** Saves and loads the workbook again (what an upload does), then reads its form sheets. */
export async function reread(workbook: ExcelJS.Workbook): Promise<WorkbookSheetReading[]> {
  const loaded = await loadWorkbook(Buffer.from(await workbook.xlsx.writeBuffer()));
  if (!loaded.ok) throw new Error(loaded.problem.message.en);
  return readFormSheets(loaded.workbook);
}

/** The row whose column `column` holds exactly `value` (first match). */
export function rowOf(sheet: ExcelJS.Worksheet, column: number, value: string): number {
  for (let r = 1; r <= sheet.rowCount; r++) if (sheet.getCell(r, column).value === value) return r;
  throw new Error(`no row with ${value} in column ${column}`);
}

export const problemList = (reading: { problems: Array<{ code: string; path: string }> }) => reading.problems.map((p) => [p.code, p.path]);
