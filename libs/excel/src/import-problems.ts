import { text, type LocalizedText, type Problem } from '#domain';

/**
 * Problems of an import point at cells: `path` is the cell address as Excel writes it
 * (`项目1!F12`, `'项目 1'!F12`), `details` say the sheet, the cell, the report field it was read
 * for, and the value found.
 */
export interface CellProblem extends Problem {
  details: { sheet: string; cell: string | null; field?: string; value?: string };
}

export const importCodes = {
  unreadable: 'EXCEL_CELL_UNREADABLE',
  required: 'EXCEL_VALUE_REQUIRED',
  columnMissing: 'EXCEL_COLUMN_MISSING',
  fieldMissing: 'EXCEL_FIELD_MISSING',
  level1: 'EXCEL_LEVEL1_UNKNOWN',
  level2: 'EXCEL_LEVEL2_UNKNOWN',
  comparator: 'EXCEL_COMPARATOR_UNKNOWN',
  id: 'EXCEL_ID_INVALID',
  idDuplicate: 'EXCEL_ID_DUPLICATE',
  budgetRowDuplicate: 'EXCEL_BUDGET_ROW_DUPLICATE',
  invalid: 'EXCEL_CELL_INVALID',
  notAForm: 'EXCEL_NOT_A_FORM',
  kindMismatch: 'EXCEL_KIND_MISMATCH',
  tooLarge: 'EXCEL_SHEET_TOO_LARGE',
  // warnings
  rounded: 'EXCEL_AMOUNT_ROUNDED',
  yuan: 'EXCEL_AMOUNTS_IN_YUAN',
  comparatorAssumed: 'EXCEL_COMPARATOR_ASSUMED',
  unitFromImplementingUnit: 'EXCEL_UNIT_FROM_IMPLEMENTING_UNIT',
  projectCodeSplit: 'EXCEL_PROJECT_CODE_SPLIT',
  profileIgnored: 'EXCEL_PROFILE_IGNORED',
} as const;

export function cellProblem(code: string, sheet: string, address: string | null, message: LocalizedText, extra: { field?: string; value?: string } = {}): CellProblem {
  const cell = address === null ? null : address.slice(address.lastIndexOf('!') + 1);
  return { code, path: address ?? sheet, message, details: { sheet, cell, ...extra } };
}

export const fieldNames: Record<string, LocalizedText> = {
  unit: text('单位名称', 'unit'),
  year: text('年度', 'year'),
  kind: text('表的类型（项目支出或部门整体支出）', 'form kind (project or department)'),
};

/** The summary line in front of the cell problems, so the problem document's code says what failed. */
export function importFailed(sheet: string, count: number): Problem {
  return {
    code: 'EXCEL_IMPORT_INVALID',
    path: sheet,
    message: text(`工作表“${sheet}”有${count}处无法导入，未做任何修改`, `sheet "${sheet}" has ${count} problem${count === 1 ? '' : 's'}; nothing was changed`),
  };
}
