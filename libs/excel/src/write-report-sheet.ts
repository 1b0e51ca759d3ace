import type { Borders, Cell, Workbook, Worksheet } from 'exceljs';
import { Dec, fundingSourceLabels, gradeLabels, level1Labels, level2Labels, subFundingSources, type FundingSource, type Grade, type ReportDocument } from '#domain';
import { decimalToCellNumber, formatShowing, MONEY_FORMAT } from './cell-values.js';
import {
  budgetCol,
  col,
  columnLetter,
  columnWidths,
  formTitles,
  headerLabels,
  headers,
  itemCol,
  LAST_PRINTED_COLUMN,
  MACHINE_TAG,
  narrativeLabels,
  qualitativeCellText,
  signatureLine,
} from './form-layout.js';
import { computeScores, type ExportableReport } from './report-scores.js';

const FONT = 'SimSun';
const thin = { style: 'thin' as const, color: { argb: 'FF000000' } };
const allBorders: Partial<Borders> = { top: thin, left: thin, bottom: thin, right: thin };

/** Printed width of a text in Excel's column units: a CJK character takes two. */
function displayWidth(value: string): number {
  let width = 0;
  for (const char of value) width += /[\u0000-\u00ff]/.test(char) ? 1 : 2;
  return width;
}

function widthOf(fromColumn: number, toColumn: number): number {
  let width = 0;
  for (let c = fromColumn; c <= toColumn; c++) width += columnWidths[c - 1] ?? 10;
  return width;
}

/** Excel does not size rows that hold merged cells: estimate from the text and the merged width. */
function linesFor(value: string, width: number): number {
  return value.split(/\r?\n/).reduce((lines, paragraph) => lines + Math.max(1, Math.ceil(displayWidth(paragraph) / Math.max(4, width - 1))), 0);
}

class SheetWriter {
  row = 0;
  private readonly heights = new Map<number, number>();

  constructor(readonly sheet: Worksheet) {}

  next(): number {
    this.row += 1;
    return this.row;
  }

  cell(row: number, column: number): Cell {
    return this.sheet.getCell(row, column);
  }

  /** Writes `value` into the span [from, to] of `row` (merged when wider than one column), with borders. */
  put(row: number, from: number, to: number, value: string | number | null, options: { numFmt?: string; bold?: boolean; align?: 'left' | 'center' | 'right'; rowsDown?: number } = {}): Cell {
    const lastRow = row + (options.rowsDown ?? 0);
    if (to > from || lastRow > row) this.sheet.mergeCells(row, from, lastRow, to);
    const cell = this.cell(row, from);
    cell.value = value;
    if (options.numFmt) cell.numFmt = options.numFmt;
    const align = options.align ?? (typeof value === 'number' ? 'right' : 'left');
    cell.alignment = { wrapText: true, vertical: 'middle', horizontal: align };
    cell.font = { name: FONT, size: 10, bold: options.bold ?? false };
    for (let r = row; r <= lastRow; r++) for (let c = from; c <= to; c++) this.cell(r, c).border = allBorders;
    if (typeof value === 'string' && lastRow === row) this.needLines(row, linesFor(value, widthOf(from, to)));
    return cell;
  }

  needLines(row: number, lines: number): void {
    this.heights.set(row, Math.max(this.heights.get(row) ?? 1, lines));
  }

  finish(): void {
    for (const [row, lines] of this.heights) if (lines > 1) this.sheet.getRow(row).height = Math.min(409, 14 * lines + 4);
  }
}

const money = (value: string | null | undefined) => (value === null || value === undefined ? null : decimalToCellNumber(value));
const score = (value: string | null | undefined): number | null => (value === null || value === undefined ? null : decimalToCellNumber(value));

function rateCell(writer: SheetWriter, row: number, column: number, statedRate: string | null | undefined): void {
  if (statedRate === null || statedRate === undefined) {
    writer.put(row, column, column, null);
    return;
  }
  const fraction = new Dec(statedRate).dividedBy(100);
  const decimals = Math.max(2, new Dec(statedRate).decimalPlaces());
  writer.put(row, column, column, decimalToCellNumber(fraction), { numFmt: `0.${'0'.repeat(decimals)}%` });
}

function scoreCell(writer: SheetWriter, row: number, column: number, value: string | null | undefined, minimumDecimals = 0): void {
  writer.put(row, column, column, score(value), value === null || value === undefined ? {} : { numFmt: formatShowing(value, minimumDecimals) });
}

function machineTag(report: ExportableReport): string {
  const doc = report.document;
  const parts = [MACHINE_TAG, `kind=${doc.kind}`, `profile=${doc.profileId}`];
  if (doc.id) parts.push(`report=${doc.id}`);
  if (report.revision !== null) parts.push(`revision=${report.revision}`);
  return parts.join(' ');
}

/**
 * One report as the standard form, on a sheet of its own: header, goals, budget execution in 万元,
 * the indicator table, evaluation items, totals and grade, narrative, evidence, signature lines.
 * Stated figures (得分, 合计) are the form's; 系统计算得分 is the server's score of the same content.
 */
export function writeReportSheet(workbook: Workbook, sheetName: string, report: ExportableReport): Worksheet {
  const doc: ReportDocument = report.document;
  const scores = computeScores(doc);
  const sheet = workbook.addWorksheet(sheetName, {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 } },
    properties: { defaultRowHeight: 18 },
  });
  columnWidths.forEach((width, index) => (sheet.getColumn(index + 1).width = width));
  sheet.getColumn(col.id).hidden = true;
  const w = new SheetWriter(sheet);

  // ── title and header ──────────────────────────────────────────────────
  const title = w.next();
  sheet.mergeCells(title, 1, title, LAST_PRINTED_COLUMN);
  Object.assign(w.cell(title, 1), { value: formTitles[doc.kind] });
  w.cell(title, 1).font = { name: FONT, size: 16, bold: true };
  w.cell(title, 1).alignment = { horizontal: 'center', vertical: 'middle' };
  sheet.getRow(title).height = 28;
  w.cell(title, col.id).value = machineTag(report);
  const yearRow = w.next();
  sheet.mergeCells(yearRow, 1, yearRow, LAST_PRINTED_COLUMN);
  w.cell(yearRow, 1).value = `（${doc.header.year}年度）`;
  w.cell(yearRow, 1).font = { name: FONT, size: 11 };
  w.cell(yearRow, 1).alignment = { horizontal: 'center' };

  const pair = (leftLabel: string, leftValue: string | number | null, rightLabel: string, rightValue: string | number | null) => {
    const r = w.next();
    w.put(r, 1, 2, leftLabel, { bold: true, align: 'center' });
    w.put(r, 3, 7, leftValue);
    w.put(r, 8, 9, rightLabel, { bold: true, align: 'center' });
    w.put(r, 10, 12, rightValue, typeof rightValue === 'number' ? { numFmt: '0', align: 'left' } : {});
  };
  pair(headerLabels.unit, doc.header.unit, headerLabels.year, doc.header.year);
  pair(headerLabels.competentDepartment, doc.header.competentDepartment, headerLabels.implementingUnit, doc.header.implementingUnit);
  if (doc.kind === 'project' || doc.header.projectName !== null || doc.header.projectCode !== null) {
    pair(headerLabels.projectName, doc.header.projectName, headerLabels.projectCode, doc.header.projectCode);
  }
  const narrativeRow = (label: string, value: string | null) => {
    const r = w.next();
    w.put(r, 1, 2, label, { bold: true, align: 'center' });
    w.put(r, 3, LAST_PRINTED_COLUMN, value);
  };
  narrativeRow(narrativeLabels.goal, doc.narrative.goal);
  narrativeRow(narrativeLabels.achievement, doc.narrative.achievement);
  narrativeRow(narrativeLabels.implementation, doc.narrative.implementation);

  // ── budget execution ─────────────────────────────────────────────────
  const executionWeight = scores?.executionWeight ?? '10';
  const budgetHeader = w.next();
  const sources: FundingSource[] = ['total', ...subFundingSources];
  w.put(budgetHeader, budgetCol.section, budgetCol.section, headers.budgetSection(executionWeight), { bold: true, align: 'center', rowsDown: sources.length });
  w.put(budgetHeader, budgetCol.label, 3, headers.budgetLabel, { bold: true, align: 'center' });
  for (const [column, label] of [
    [budgetCol.initial, headers.initial],
    [budgetCol.adjusted, headers.adjusted],
    [budgetCol.executed, headers.executed],
    [budgetCol.statedRate, headers.statedRate],
    [budgetCol.weight, headers.weight],
    [budgetCol.selfScore, headers.selfScore],
    [budgetCol.computedScore, headers.computedScore],
  ] as const) {
    w.put(budgetHeader, column, column, label, { bold: true, align: 'center' });
  }
  w.put(budgetHeader, budgetCol.explanation, LAST_PRINTED_COLUMN, headers.reason, { bold: true, align: 'center' });
  for (const source of sources) {
    const r = w.next();
    const row = doc.budget[source];
    w.put(r, budgetCol.label, 3, source === 'total' ? fundingSourceLabels.total['zh-CN'] : source === 'fiscal' ? `其中：${fundingSourceLabels.fiscal['zh-CN']}` : fundingSourceLabels[source]['zh-CN']);
    w.put(r, budgetCol.initial, budgetCol.initial, money(row?.initial), { numFmt: MONEY_FORMAT });
    w.put(r, budgetCol.adjusted, budgetCol.adjusted, money(row?.adjusted), { numFmt: MONEY_FORMAT });
    w.put(r, budgetCol.executed, budgetCol.executed, money(row?.executed), { numFmt: MONEY_FORMAT });
    rateCell(w, r, budgetCol.statedRate, row?.statedRate);
    if (source === 'total') {
      scoreCell(w, r, budgetCol.weight, executionWeight);
      scoreCell(w, r, budgetCol.selfScore, doc.budget.selfScore);
      scoreCell(w, r, budgetCol.computedScore, scores?.view.execution.score ?? null, 2);
      w.put(r, budgetCol.explanation, LAST_PRINTED_COLUMN, doc.budget.explanation);
    } else {
      for (const column of [budgetCol.weight, budgetCol.selfScore, budgetCol.computedScore]) w.put(r, column, column, '/', { align: 'center' });
      w.put(r, budgetCol.explanation, LAST_PRINTED_COLUMN, null);
    }
  }

  // ── indicators ───────────────────────────────────────────────────────
  const indicatorWeight = doc.indicators.reduce((sum, i) => sum.plus(i.weight), new Dec(0)).toFixed();
  const indicatorHeader = w.next();
  w.put(indicatorHeader, col.section, col.section, headers.indicatorSection(indicatorWeight), { bold: true, align: 'center', rowsDown: doc.indicators.length });
  for (const [column, label] of [
    [col.level1, headers.level1],
    [col.level2, headers.level2],
    [col.name, headers.name],
    [col.comparator, headers.comparator],
    [col.target, headers.target],
    [col.unit, headers.unit],
    [col.actual, headers.actual],
    [col.weight, headers.weight],
    [col.selfScore, headers.selfScore],
    [col.computedScore, headers.computedScore],
    [col.explanation, headers.explanation],
  ] as const) {
    w.put(indicatorHeader, column, column, label, { bold: true, align: 'center' });
  }
  w.cell(indicatorHeader, col.id).value = headers.id;
  const computedById = new Map((scores?.view.indicators ?? []).map((i) => [i.indicatorId, i.score]));
  doc.indicators.forEach((indicator, index) => {
    const r = w.next();
    w.put(r, col.name, col.name, indicator.name);
    w.put(r, col.comparator, col.comparator, indicator.comparator === '定性' ? qualitativeCellText(indicator.qualitativeBand) : indicator.comparator, { align: 'center' });
    w.put(r, col.target, col.target, indicator.target);
    w.put(r, col.unit, col.unit, indicator.unit, { align: 'center' });
    w.put(r, col.actual, col.actual, indicator.actual);
    scoreCell(w, r, col.weight, indicator.weight);
    scoreCell(w, r, col.selfScore, indicator.selfScore);
    scoreCell(w, r, col.computedScore, computedById.get(indicator.id) ?? null, 2);
    w.put(r, col.explanation, col.explanation, indicator.explanation);
    w.cell(r, col.id).value = indicator.id;
    // Level cells span the rows that share them, as on the printed form.
    const previous = doc.indicators[index - 1];
    if (!previous || previous.level1 !== indicator.level1) {
      const span = doc.indicators.slice(index).findIndex((i) => i.level1 !== indicator.level1);
      const rows = (span === -1 ? doc.indicators.length - index : span) - 1;
      w.put(r, col.level1, col.level1, level1Labels[indicator.level1]['zh-CN'], { align: 'center', rowsDown: rows });
    }
    if (!previous || previous.level1 !== indicator.level1 || previous.level2 !== indicator.level2) {
      const span = doc.indicators.slice(index).findIndex((i) => i.level1 !== indicator.level1 || i.level2 !== indicator.level2);
      const rows = (span === -1 ? doc.indicators.length - index : span) - 1;
      w.put(r, col.level2, col.level2, level2Labels[indicator.level2]['zh-CN'], { align: 'center', rowsDown: rows });
    }
  });

  // ── evaluation items ─────────────────────────────────────────────────
  if (doc.evaluationItems.length > 0) {
    const itemHeader = w.next();
    w.put(itemHeader, itemCol.section, itemCol.section, headers.itemSection, { bold: true, align: 'center', rowsDown: doc.evaluationItems.length });
    w.put(itemHeader, itemCol.category, 3, headers.category, { bold: true, align: 'center' });
    w.put(itemHeader, itemCol.justification, 8, headers.justification, { bold: true, align: 'center' });
    w.put(itemHeader, itemCol.maximum, itemCol.maximum, headers.maximum, { bold: true, align: 'center' });
    w.put(itemHeader, itemCol.score, itemCol.score, headers.selfScore, { bold: true, align: 'center' });
    w.put(itemHeader, itemCol.computedScore, itemCol.computedScore, headers.computedScore, { bold: true, align: 'center' });
    w.put(itemHeader, LAST_PRINTED_COLUMN, LAST_PRINTED_COLUMN, null);
    w.cell(itemHeader, itemCol.id).value = headers.id;
    const computedItems = new Map((scores?.view.evaluationItems ?? []).map((i) => [i.itemId, i.score]));
    for (const item of doc.evaluationItems) {
      const r = w.next();
      w.put(r, itemCol.category, 3, item.category, { align: 'center' });
      w.put(r, itemCol.justification, 8, item.justification);
      scoreCell(w, r, itemCol.maximum, item.maximum);
      scoreCell(w, r, itemCol.score, item.score);
      scoreCell(w, r, itemCol.computedScore, computedItems.get(item.id) ?? null, 2);
      w.put(r, LAST_PRINTED_COLUMN, LAST_PRINTED_COLUMN, null);
      w.cell(r, itemCol.id).value = item.id;
    }
  }

  // ── totals, grade ────────────────────────────────────────────────────
  const totals = w.next();
  w.put(totals, 1, 8, headers.total, { bold: true, align: 'center' });
  scoreCell(w, totals, col.weight, scores?.view.maximum ?? null);
  scoreCell(w, totals, col.selfScore, doc.selfTotal);
  scoreCell(w, totals, col.computedScore, scores?.view.total ?? null, 2);
  w.put(totals, col.explanation, col.explanation, null);
  const gradeRow = w.next();
  w.put(gradeRow, 1, 8, `${headers.grade}（系统计算）`, { bold: true, align: 'center' });
  const grade = scores?.view.grade as Grade | null | undefined;
  w.put(gradeRow, 9, LAST_PRINTED_COLUMN, grade ? `${grade}（${gradeLabels[grade].en}）` : '—（部分项目需人工评分，暂不评级）');
  if (report.reviewerTotal !== null) {
    const reviewerRow = w.next();
    w.put(reviewerRow, 1, 8, '核查得分', { bold: true, align: 'center' });
    w.put(reviewerRow, 9, LAST_PRINTED_COLUMN, decimalToCellNumber(report.reviewerTotal), { numFmt: '0.00', align: 'left' });
  }

  // ── narrative, evidence ──────────────────────────────────────────────
  narrativeRow(narrativeLabels.conclusion, doc.narrative.conclusion);
  narrativeRow(narrativeLabels.problems, doc.narrative.problems);
  narrativeRow(narrativeLabels.improvements, doc.narrative.improvements);
  for (const evidence of doc.evidence) {
    const r = w.next();
    w.put(r, 1, 2, headers.evidence, { bold: true, align: 'center' });
    w.put(r, 3, LAST_PRINTED_COLUMN, [evidence.fileName, evidence.description, `SHA-256 ${evidence.sha256.slice(0, 16)}…`].filter(Boolean).join(' · '));
  }

  // ── signature and seal ───────────────────────────────────────────────
  w.next();
  const signatures = w.next();
  const spans: Array<[number, number]> = [[1, 3], [4, 6], [7, 9], [10, 12]];
  spans.forEach(([from, to], index) => {
    sheet.mergeCells(signatures, from, signatures, to);
    Object.assign(w.cell(signatures, from), { value: signatureLine[index] });
    w.cell(signatures, from).font = { name: FONT, size: 10 };
  });
  const seal = w.next();
  sheet.mergeCells(seal, 10, seal, 12);
  w.cell(seal, 10).value = signatureLine[4];
  w.cell(seal, 10).font = { name: FONT, size: 10 };
  sheet.getRow(seal).height = 40;

  w.finish();
  sheet.pageSetup.printArea = `A1:${columnLetter(LAST_PRINTED_COLUMN)}${seal}`;
  return sheet;
}
