import type { Worksheet } from 'exceljs';
import { readCellValue, type CellContent } from './cell-values.js';
import { cellAddress, columnLetter } from './form-layout.js';

/** Beyond these a sheet is not a self-evaluation form: the reader refuses rather than walk it. */
export const MAX_ROWS_PER_SHEET = 2_000;
export const MAX_COLUMNS_READ = 40;

export interface GridCell {
  row: number;
  column: number;
  /** Top-left cell of the merge this cell belongs to (itself when not merged). */
  masterRow: number;
  masterColumn: number;
  content: CellContent;
  /** The text folded for matching labels (NFKC, no white space, no 盖章 note, no numbering); null unless text. */
  label: string | null;
}

export function normaliseLabel(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/\((盖章|签章|签字)\)/g, '')
    .replace(/^(?:[0-9]{1,2}|[一二三四五六七八九十]{1,2})[.、)](?=\D)/, '')
    .replace(/[:]$/, '');
}

/** A worksheet read once into plain cells; merged cells read as their master, as Excel shows them. */
export class SheetGrid {
  readonly rows: number;
  readonly columns: number;
  private readonly cells: GridCell[][] = [];

  constructor(readonly sheet: Worksheet) {
    this.rows = Math.min(sheet.rowCount, MAX_ROWS_PER_SHEET);
    this.columns = Math.min(sheet.columnCount, MAX_COLUMNS_READ);
    for (let r = 1; r <= this.rows; r++) {
      const line: GridCell[] = [];
      for (let c = 1; c <= this.columns; c++) {
        const cell = sheet.getCell(r, c);
        const master = cell.isMerged ? cell.master : cell;
        const content = readCellValue(cell.value, cell.numFmt);
        line.push({
          row: r,
          column: c,
          masterRow: Number(master.row),
          masterColumn: Number(master.col),
          content,
          label: content.kind === 'text' ? normaliseLabel(content.text) : null,
        });
      }
      this.cells.push(line);
    }
  }

  get name(): string {
    return this.sheet.name;
  }

  at(row: number, column: number): GridCell {
    const found = this.cells[row - 1]?.[column - 1];
    if (found) return found;
    return { row, column, masterRow: row, masterColumn: column, content: { kind: 'empty' }, label: null };
  }

  address(row: number, column: number): string {
    return cellAddress(this.name, `${columnLetter(column)}${row}`);
  }

  /** The cells of a row that start something: one per merge, in column order. */
  starts(row: number): GridCell[] {
    return (this.cells[row - 1] ?? []).filter((cell) => cell.masterColumn === cell.column);
  }

  isBlank(row: number, ignore: (cell: GridCell) => boolean = () => false): boolean {
    return (this.cells[row - 1] ?? []).every((cell) => cell.content.kind === 'empty' || ignore(cell));
  }

  find(predicate: (cell: GridCell) => boolean): GridCell | null {
    for (const line of this.cells) for (const cell of line) if (cell.masterColumn === cell.column && cell.masterRow === cell.row && predicate(cell)) return cell;
    return null;
  }
}
