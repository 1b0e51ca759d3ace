import ExcelJS from 'exceljs';
import { DomainError, text, type Problem, type ReportDocument } from '#domain';
import { decimalToCellNumber, formatShowing } from './cell-values.js';
import { sheetNameFrom, statusLabels } from './form-layout.js';
import { looksLikeForm, readReportSheet, type ReadOptions, type SheetReading } from './read-report-sheet.js';
import { computeScores, type ExportableReport } from './report-scores.js';
import { writeReportSheet } from './write-report-sheet.js';
import { checkWorkbookArchive } from './zip-guard.js';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Sheets one workbook may hold for an import; a bulk export writes at most this many report sheets too. */
export const MAX_SHEETS = 200;

function newWorkbook(): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Jixiao 绩效';
  // A fixed date: the same report exports to the same workbook content.
  workbook.created = new Date(Date.UTC(2000, 0, 1));
  workbook.modified = workbook.created;
  return workbook;
}

function sheetTitleOf(document: ReportDocument): string {
  return document.kind === 'project' ? (document.header.projectName ?? document.header.projectCode ?? document.header.unit) : `${document.header.unit}整体支出`;
}

/** One report as a workbook of one sheet in the layout of its standard form. */
export async function exportReportWorkbook(report: ExportableReport): Promise<Buffer> {
  const workbook = newWorkbook();
  writeReportSheet(workbook, sheetNameFrom(sheetTitleOf(report.document), new Set()), report);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const summaryColumns = [
  ['序号', 6],
  ['单位', 28],
  ['类型', 10],
  ['年度', 7],
  ['项目编码', 24],
  ['项目名称', 34],
  ['自评分', 9],
  ['系统计算分', 11],
  ['核查分', 9],
  ['等级', 7],
  ['状态', 11],
  ['工作表', 20],
] as const;

/**
 * Many reports as one workbook: a summary sheet (unit, project, self / computed / reviewer score,
 * grade, status), then one sheet per report in its form's layout, linked from the summary.
 */
export async function exportReportsWorkbook(reports: readonly ExportableReport[], title = '绩效自评汇总表'): Promise<Buffer> {
  if (reports.length > MAX_SHEETS) throw DomainError.of('EXPORT_TOO_MANY_REPORTS', '', text(`一次最多导出${MAX_SHEETS}份报告，请缩小筛选范围`, `at most ${MAX_SHEETS} reports per export; narrow the filters`), { count: reports.length });
  const workbook = newWorkbook();
  const summary = workbook.addWorksheet('汇总', { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  summary.columns = summaryColumns.map(([header, width]) => ({ header, width }));
  summary.spliceRows(1, 0, [title]);
  summary.mergeCells(1, 1, 1, summaryColumns.length);
  summary.getCell(1, 1).font = { name: 'SimSun', size: 14, bold: true };
  summary.getCell(1, 1).alignment = { horizontal: 'center' };
  summary.getRow(2).font = { name: 'SimSun', size: 10, bold: true };
  summary.views = [{ state: 'frozen', ySplit: 2 }];
  const taken = new Set<string>(['汇总']);
  reports.forEach((report, index) => {
    const doc = report.document;
    const name = sheetNameFrom(`${index + 1}-${sheetTitleOf(doc)}`, taken);
    taken.add(name.toLowerCase());
    writeReportSheet(workbook, name, report);
    const computed = computeScores(doc)?.view ?? null;
    const row = summary.addRow([
      index + 1,
      doc.header.unit,
      doc.kind === 'project' ? '项目支出' : '部门整体支出',
      doc.header.year,
      doc.header.projectCode,
      doc.header.projectName,
      doc.selfTotal === null ? null : decimalToCellNumber(doc.selfTotal),
      computed === null ? null : decimalToCellNumber(computed.total),
      report.reviewerTotal === null ? null : decimalToCellNumber(report.reviewerTotal),
      computed?.grade ?? null,
      report.status === null ? null : (statusLabels[report.status] ?? report.status),
      { text: name, hyperlink: `#'${name.replace(/'/g, "''")}'!A1` },
    ]);
    if (doc.selfTotal !== null) row.getCell(7).numFmt = formatShowing(doc.selfTotal, 2);
    row.getCell(8).numFmt = '0.00';
    row.getCell(9).numFmt = '0.00';
    row.font = { name: 'SimSun', size: 10 };
  });
  summary.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2 + reports.length, column: summaryColumns.length } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export type WorkbookReading = { ok: true; workbook: ExcelJS.Workbook } | { ok: false; problem: Problem };

/** Loads an uploaded workbook after checking what it would inflate to. */
export async function loadWorkbook(bytes: Buffer): Promise<WorkbookReading> {
  const refused = checkWorkbookArchive(bytes);
  if (refused) return { ok: false, problem: { code: 'EXCEL_FILE_UNREADABLE', path: '', message: refused } };
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    return { ok: false, problem: { code: 'EXCEL_FILE_UNREADABLE', path: '', message: text(`无法读取工作簿：${(error as Error).message}`, `cannot read the workbook: ${(error as Error).message}`) } };
  }
  if (workbook.worksheets.length > MAX_SHEETS) {
    return { ok: false, problem: { code: 'EXCEL_TOO_MANY_SHEETS', path: '', message: text(`工作簿最多${MAX_SHEETS}个工作表`, `a workbook may hold at most ${MAX_SHEETS} sheets`) } };
  }
  return { ok: true, workbook };
}

export interface WorkbookSheetReading extends SheetReading {
  /** 0-based position among the workbook's sheets. */
  index: number;
}

/** Every sheet that looks like a form, read; summary and note sheets are left out. */
export function readFormSheets(workbook: ExcelJS.Workbook, options: ReadOptions = {}): WorkbookSheetReading[] {
  return workbook.worksheets.flatMap((sheet, index) => (sheet.state === 'visible' && looksLikeForm(sheet) ? [{ ...readReportSheet(sheet, options), index }] : []));
}
