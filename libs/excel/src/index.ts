// Excel and print forms of a report: the standard self-evaluation forms as .xlsx (export and
// import) and as a printable HTML page. Depends on the pure domain and exceljs; no I/O of its own.

export { cellAddress, formTitles, sheetNameFrom, MACHINE_TAG } from './form-layout.js';
export { decimalToCellNumber, readCellValue, readMoney, type CellContent, type MoneyUnit } from './cell-values.js';
export { computeScores, type ComputedScores, type ExportableReport } from './report-scores.js';
export { reviewerTotalOf } from './reviewer-scores.js';
export { writeReportSheet } from './write-report-sheet.js';
export { readReportSheet, looksLikeForm, type ReadOptions, type SheetReading } from './read-report-sheet.js';
export { planCommands, type PlannedCommand } from './plan-commands.js';
export { decideImport, sheetRefusal, type ImportDecision } from './decide-import.js';
export { importCodes, type CellProblem } from './import-problems.js';
export { checkWorkbookArchive, MAX_INFLATED_BYTES } from './zip-guard.js';
export {
  exportReportWorkbook,
  exportReportsWorkbook,
  loadWorkbook,
  readFormSheets,
  MAX_SHEETS,
  XLSX_MEDIA_TYPE,
  type WorkbookReading,
  type WorkbookSheetReading,
} from './workbooks.js';
export { renderPrintHtml } from './print-html.js';
