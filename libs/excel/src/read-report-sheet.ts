import type { Worksheet } from 'exceljs';
import {
  formatPath,
  parseQuantity,
  reportCommandDataSchemas,
  reportDocumentSchema,
  text,
  type Comparator,
  type FundingSource,
  type Level1,
  type Level2,
  type LocalizedText,
  type NarrativeField,
  type QualitativeBand,
  type ReportDocument,
  type ReportDocumentInput,
  type ReportKind,
} from '#domain';
import { readMoney, readPercent, readScore, readText, readYear, type CellContent, type MoneyUnit, type Read } from './cell-values.js';
import { bandFromLabel, MACHINE_TAG } from './form-layout.js';
import { cellProblem, fieldNames, importCodes, type CellProblem } from './import-problems.js';
import { MAX_ROWS_PER_SHEET, SheetGrid, type GridCell } from './sheet-grid.js';

// Reads one sheet laid out as a standard self-evaluation form into a report document. Tables are
// found by their header texts, not by position; merged cells read as their top-left cell; blank
// rows are skipped; blank level cells take the level above them (a merge lost on the way).

export interface SheetReading {
  sheet: string;
  /** Null when any cell could not be read: then `problems` says which and why. */
  document: ReportDocument | null;
  problems: CellProblem[];
  warnings: CellProblem[];
  /** Cell address of a report field, by document path: `indicators[3].weight` or `indicators[k03].weight`. */
  cellOf: ReadonlyMap<string, string>;
}

export interface ReadOptions {
  /** Rule profile for a sheet that does not name one (only exported sheets do). */
  profileId?: string;
}

// The domain's field schemas (with their Chinese aliases), as the AddIndicator command carries them.
const indicatorFields = reportCommandDataSchemas.AddIndicator.shape.indicator.shape;
const level1Schema = indicatorFields.level1;
const level2Schema = indicatorFields.level2;
const comparatorSchema = indicatorFields.comparator;

// ── labels ────────────────────────────────────────────────────────────

const headerFieldLabels: Array<[keyof ReportDocument['header'], RegExp]> = [
  ['unit', /^(单位名称|预算单位|预算单位名称|部门\(单位\)名称|部门名称|单位\(部门\)名称|区级预算部门名称|预算部门名称)$/],
  ['year', /^(年度|预算年度|评价年度)$/],
  ['competentDepartment', /^主管部门(名称)?$/],
  ['implementingUnit', /^实施单位(名称)?$/],
  ['projectName', /^项目名称$/],
  ['projectCode', /^项目(编码|代码|编号)$/],
];

const narrativeFieldLabels: Array<[NarrativeField, RegExp]> = [
  ['goal', /^(年度总体目标|项目年度目标|年度目标|预期目标|总体目标)$/],
  ['achievement', /^(实际完成情况|年度目标完成情况|目标完成情况|年度总体目标完成情况)$/],
  ['implementation', /^(项目)?实施内容及过程概述$/],
  ['conclusion', /^(评价结论|自评结论)$/],
  ['problems', /^存在(的)?问题(及原因分析)?$/],
  ['improvements', /^(下一步)?改进(措施|建议)$/],
];

const TOTAL_LABEL = /^(合计|总分|总计|合计得分)$/;
const OTHER_STOPS = /^(评价等级(\(.*\))?|核查得分|佐证材料|单位负责人|填报人|联系电话|填报日期|单位|说明)$/;

const sourceLabels: Array<[FundingSource, RegExp]> = [
  ['total', /^(总额|合计|总计|年度资金总额|资金总额|预算总额|项目资金总额)$/],
  ['specialAccount', /财政专户/],
  ['fiscal', /^(财政资金|财政拨款|财政拨款资金|一般公共预算(资金)?)$/],
  ['unit', /^(单位资金|单位自有资金|自有资金)$/],
  ['other', /^其他资金$/],
];

function sourceOf(label: string): FundingSource | null {
  const bare = label.replace(/^其中:?/, '');
  return sourceLabels.find(([, pattern]) => pattern.test(bare))?.[0] ?? null;
}

const isKnownLabel = (label: string | null): boolean =>
  label !== null &&
  (headerFieldLabels.some(([, p]) => p.test(label)) || narrativeFieldLabels.some(([, p]) => p.test(label)) || TOTAL_LABEL.test(label) || OTHER_STOPS.test(label));

type ColumnMap<K extends string> = Partial<Record<K, number>>;

const indicatorColumns = {
  level1: /^一级指标$/,
  level2: /^二级指标$/,
  name: /^三级指标$/,
  comparator: /^(指标性质|指标方向)$/,
  target: /^(年度)?(指标值|目标值)$|^预期指标值$/,
  unit: /^(度量单位|计量单位|单位)$/,
  actual: /^(实际)?完成值$|^实际值$|^全年实际值$/,
  weight: /^(分值|权重)$/,
  selfScore: /^(自评)?得分$/,
  computedScore: /^系统计算得分$/,
  explanation: /偏差原因|原因分析|未完成原因/,
  id: /^编号$/,
} as const;

const budgetColumns = {
  initial: /^年初预算(数)?/,
  adjusted: /调整后预算|全年预算/,
  executed: /执行数$/,
  statedRate: /执行率/,
  weight: /^(分值|权重)$/,
  selfScore: /^(自评)?得分$/,
  computedScore: /^系统计算得分$/,
  explanation: /原因/,
} as const;

const itemColumns = {
  category: /^(评价内容|评价项目|评价指标)$/,
  justification: /评分依据|得分说明|评分说明|自评情况/,
  maximum: /^(满分|分值|权重)$/,
  score: /^(自评)?得分$/,
  computedScore: /^系统计算得分$/,
  id: /^编号$/,
} as const;

function mapColumns<K extends string>(grid: SheetGrid, row: number, patterns: Record<K, RegExp>): ColumnMap<K> {
  const found: ColumnMap<K> = {};
  for (const cell of grid.starts(row)) {
    if (cell.masterRow !== row || cell.label === null) continue;
    for (const key of Object.keys(patterns) as K[]) {
      if (found[key] === undefined && patterns[key].test(cell.label)) {
        found[key] = cell.column;
        break;
      }
    }
  }
  return found;
}

// ── the reader ────────────────────────────────────────────────────────

interface Table {
  header: number;
  /** Data rows (blank rows left out). */
  rows: number[];
}

class SheetReader {
  readonly problems: CellProblem[] = [];
  readonly warnings: CellProblem[] = [];
  readonly cellOf = new Map<string, string>();
  /** Rows that belong to a table: header texts there are not header fields of the report. */
  private readonly tableRows = new Set<number>();

  constructor(private readonly grid: SheetGrid) {}

  private problem(code: string, cell: GridCell | null, message: LocalizedText, field?: string): void {
    const address = cell === null ? null : this.grid.address(cell.row, cell.column);
    const value = cell && cell.content.kind === 'text' ? cell.content.text : cell && cell.content.kind === 'number' ? String(cell.content.value) : undefined;
    this.problems.push(cellProblem(code, this.grid.name, address, message, { ...(field !== undefined && { field }), ...(value !== undefined && { value }) }));
  }

  private warn(code: string, cell: GridCell | null, message: LocalizedText, field?: string): void {
    const address = cell === null ? null : this.grid.address(cell.row, cell.column);
    this.warnings.push(cellProblem(code, this.grid.name, address, message, field === undefined ? {} : { field }));
  }

  /** Reads a cell for a field, remembering where the field came from; a failure becomes a problem. */
  private take<T>(cell: GridCell, field: string, reader: (content: CellContent) => Read<T>, alias?: string): T | undefined {
    const address = this.grid.address(cell.row, cell.column);
    this.cellOf.set(field, address);
    if (alias !== undefined) this.cellOf.set(alias, address);
    const read = reader(cell.content);
    if (read.ok) return read.value;
    this.problem(importCodes.unreadable, cell, read.reason, field);
    return undefined;
  }

  private findHeaderRow(required: RegExp[], from = 1): number | null {
    for (let r = from; r <= this.grid.rows; r++) {
      const labels = this.grid.starts(r).flatMap((c) => (c.masterRow === r && c.label !== null ? [c.label] : []));
      if (required.every((pattern) => labels.some((label) => pattern.test(label)))) return r;
    }
    return null;
  }

  /** Rows under a table header up to the first row that starts something else. */
  private tableBody(header: number, isStop: (row: number) => boolean): Table {
    const rows: number[] = [];
    this.tableRows.add(header);
    for (let r = header + 1; r <= this.grid.rows; r++) {
      const decoration = (cell: GridCell) => cell.masterRow <= header;
      if (this.grid.isBlank(r, decoration)) continue;
      if (isStop(r)) break;
      rows.push(r);
      this.tableRows.add(r);
    }
    return { header, rows };
  }

  /** The row's first own cell is a label of another part of the form (合计, 评价结论, 单位负责人 …). */
  private rowStartsSomethingElse(row: number, header: number): boolean {
    const first = this.grid.starts(row).find((cell) => cell.masterRow > header && cell.content.kind !== 'empty');
    return first !== undefined && first.masterRow === row && isKnownLabel(first.label);
  }

  read(options: ReadOptions): ReportDocument | null {
    const tag = this.machineTag();
    const kind = this.kind(tag);
    const budgetHeader = this.findHeaderRow([budgetColumns.initial, budgetColumns.executed]);
    const indicatorHeader = this.findHeaderRow([indicatorColumns.level1]) ?? this.findHeaderRow([indicatorColumns.name]);
    const itemHeader = this.findHeaderRow([itemColumns.category, itemColumns.justification]);
    const headerRows = new Set([budgetHeader, indicatorHeader, itemHeader].filter((r): r is number => r !== null));
    const isStop = (header: number) => (row: number) => headerRows.has(row) || this.rowStartsSomethingElse(row, header);

    // A budget row is one that names its funding source; the first row that does not ends the table.
    const budget = budgetHeader === null ? null : this.readBudget(this.tableBody(budgetHeader, (row) => headerRows.has(row) || this.budgetRowSource(row, budgetHeader) === null));
    const indicatorTable = indicatorHeader === null ? null : this.tableBody(indicatorHeader, isStop(indicatorHeader));
    const indicatorMap = indicatorTable === null ? null : mapColumns(this.grid, indicatorTable.header, indicatorColumns);
    const indicators = indicatorTable === null ? [] : this.readIndicators(indicatorTable, indicatorMap!);
    const items = itemHeader === null ? [] : this.readItems(this.tableBody(itemHeader, isStop(itemHeader)));

    if (kind === null && budgetHeader === null && indicatorHeader === null && itemHeader === null) {
      this.problem(importCodes.notAForm, null, text('找不到自评表：没有标题“…支出绩效自评表”，也没有预算执行或绩效指标表头', 'no self-evaluation form here: no "…支出绩效自评表" title and no budget or indicator table header'));
      return null;
    }
    const header = this.readHeader();
    const narrative = this.readNarrative();
    const selfTotal = this.readSelfTotal(indicatorMap);

    if (kind === null) this.problem(importCodes.fieldMissing, null, text(`无法确定${fieldNames.kind!['zh-CN']}：标题应含“项目支出绩效自评表”或“部门整体支出绩效自评表”`, `cannot tell the ${fieldNames.kind!.en}: the title should say 项目支出绩效自评表 or 部门整体支出绩效自评表`), 'kind');
    if (this.problems.length > 0 || kind === null) return null;

    const input: ReportDocumentInput = {
      kind,
      profileId: tag.profile ?? options.profileId ?? 'default',
      header,
      budget: budget ?? {},
      narrative,
      indicators,
      evaluationItems: items,
      selfTotal: selfTotal ?? null,
    } as ReportDocumentInput;
    const parsed = reportDocumentSchema.safeParse(input, { reportInput: true });
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const path = formatPath(issue.path);
      const address = this.cellOf.get(path) ?? null;
      const message = issue.message.startsWith('decimal.') || issue.message === 'id' ? text('取值无效', 'invalid value') : text(`取值无效：${issue.message}`, `invalid value: ${issue.message}`);
      this.problems.push(cellProblem(importCodes.invalid, this.grid.name, address, lengthMessage(issue) ?? message, { field: path }));
    }
    return null;
  }

  private machineTag(): { kind: ReportKind | null; profile: string | null } {
    const tagged = this.grid.find((cell) => cell.content.kind === 'text' && cell.content.text.startsWith(MACHINE_TAG));
    if (!tagged || tagged.content.kind !== 'text') return { kind: null, profile: null };
    const fields = Object.fromEntries(tagged.content.text.split(/\s+/).slice(1).map((part) => part.split('=') as [string, string]));
    const kind = fields.kind === 'project' || fields.kind === 'department' ? fields.kind : null;
    return { kind, profile: typeof fields.profile === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(fields.profile) ? fields.profile : null };
  }

  private kind(tag: { kind: ReportKind | null }): ReportKind | null {
    const title = this.grid.find((cell) => cell.label !== null && /自评表/.test(cell.label) && !/汇总/.test(cell.label));
    if (title?.label && /项目支出/.test(title.label)) return 'project';
    if (title?.label && /(部门|单位)整体支出/.test(title.label)) return 'department';
    return tag.kind;
  }

  // ── header and narrative ─────────────────────────────────────────────

  /** The value of a label: the first non-empty cell right of it, before the next label of the row. */
  private valueRightOf(label: GridCell): GridCell | null {
    for (const cell of this.grid.starts(label.row)) {
      if (cell.column <= label.column || cell.masterRow !== label.row) continue;
      if (isKnownLabel(cell.label)) return null;
      if (cell.content.kind !== 'empty') return cell;
    }
    return null;
  }

  /** For header-style layouts (项目年度目标 | 年度目标完成情况, values in the row below). */
  private valueBelow(label: GridCell): GridCell | null {
    const labelsInRow = this.grid.starts(label.row).filter((cell) => cell.masterRow === label.row && isKnownLabel(cell.label)).length;
    if (labelsInRow < 2) return null;
    let row = label.row + 1;
    while (row <= this.grid.rows && this.grid.at(row, label.column).masterRow === label.row) row++;
    const below = this.grid.at(row, label.column);
    if (isKnownLabel(below.label) || below.content.kind === 'empty' || this.tableRows.has(row)) return null;
    return this.grid.at(below.masterRow, below.masterColumn);
  }

  private labelCells(pattern: RegExp): GridCell[] {
    const found: GridCell[] = [];
    for (let r = 1; r <= this.grid.rows; r++) {
      if (this.tableRows.has(r)) continue;
      for (const cell of this.grid.starts(r)) if (cell.masterRow === r && cell.label !== null && pattern.test(cell.label)) found.push(cell);
    }
    return found;
  }

  private readHeader(): ReportDocumentInput['header'] {
    const values: Partial<Record<keyof ReportDocument['header'], GridCell | null>> = {};
    for (const [field, pattern] of headerFieldLabels) {
      const label = this.labelCells(pattern)[0];
      if (label) values[field] = this.valueRightOf(label) ?? null;
    }
    const textOf = (field: keyof ReportDocument['header']) => {
      const cell = values[field];
      if (!cell) return null;
      return this.take(cell, `header.${field}`, readText) ?? null;
    };
    let unit = textOf('unit');
    const competentDepartment = textOf('competentDepartment');
    const implementingUnit = textOf('implementingUnit');
    let projectName = textOf('projectName');
    let projectCode = textOf('projectCode');
    if (projectCode === null && projectName !== null) {
      // 项目名称 printed as "51172322T000007299749-达州市…项目" (seed 003).
      const split = /^([0-9A-Z]{12,32})[-—－\s]+(.+)$/s.exec(projectName);
      if (split) {
        projectCode = split[1]!;
        projectName = split[2]!;
        this.warn(importCodes.projectCodeSplit, values.projectName ?? null, text(`项目编码“${projectCode}”取自项目名称`, `project code "${projectCode}" taken from the project name`), 'header.projectCode');
        this.cellOf.set('header.projectCode', this.cellOf.get('header.projectName')!);
      }
    }
    if (unit === null && implementingUnit !== null) {
      unit = implementingUnit;
      this.cellOf.set('header.unit', this.cellOf.get('header.implementingUnit')!);
      this.warn(importCodes.unitFromImplementingUnit, values.implementingUnit ?? null, text('表中没有单位名称，取实施单位', 'the sheet names no unit; the implementing unit is taken'), 'header.unit');
    }
    if (unit === null && !values.unit) {
      this.problem(importCodes.fieldMissing, null, text('找不到单位名称（“单位名称”或“预算单位”一栏）', 'no unit name found (a 单位名称 or 预算单位 cell)'), 'header.unit');
    } else if (unit === null) {
      this.problem(importCodes.required, this.labelCells(headerFieldLabels[0]![1])[0] ?? null, text('单位名称为空', 'the unit name is empty'), 'header.unit');
    }
    let year: number | null | undefined = null;
    if (values.year) year = this.take(values.year, 'header.year', readYear);
    if (year === null) {
      const titled = this.grid.find((cell) => cell.label !== null && /(\d{4})年度/.test(cell.label));
      if (titled?.label) {
        year = Number(/(\d{4})年度/.exec(titled.label)![1]);
        this.cellOf.set('header.year', this.grid.address(titled.row, titled.column));
      }
    }
    if (year === null) this.problem(importCodes.fieldMissing, null, text('找不到年度（“年度”一栏或标题中的“××××年度”）', 'no year found (a 年度 cell, or "××××年度" in the title)'), 'header.year');
    return { unit: unit ?? '', competentDepartment, implementingUnit, year: year ?? 0, projectCode, projectName };
  }

  private readNarrative(): Partial<Record<NarrativeField, string | null>> {
    const narrative: Partial<Record<NarrativeField, string | null>> = {};
    for (const [field, pattern] of narrativeFieldLabels) {
      const label = this.labelCells(pattern)[0];
      if (!label) continue;
      const cell = this.valueRightOf(label) ?? this.valueBelow(label);
      narrative[field] = cell ? (this.take(cell, `narrative.${field}`, readText) ?? null) : null;
    }
    return narrative;
  }

  private readSelfTotal(indicatorMap: ColumnMap<keyof typeof indicatorColumns> | null): string | null | undefined {
    const label = this.labelCells(TOTAL_LABEL)[0];
    if (!label) return null;
    const column = indicatorMap?.selfScore;
    if (column !== undefined) {
      const cell = this.grid.at(label.row, column);
      if (!(cell.masterRow === label.masterRow && cell.masterColumn === label.masterColumn)) return this.take(cell, 'selfTotal', readScore);
    }
    // 合计 | 100 | 97.60: the weights, then the score.
    const after = this.grid.starts(label.row).filter((cell) => cell.column > label.column && cell.masterRow === label.row && cell.content.kind !== 'empty');
    const cell = after[1] ?? after[0];
    return cell ? this.take(cell, 'selfTotal', readScore) : null;
  }

  // ── budget ───────────────────────────────────────────────────────────

  private budgetRowSource(row: number, header: number): FundingSource | null {
    const initialColumn = mapColumns(this.grid, header, budgetColumns).initial ?? 99;
    for (const cell of this.grid.starts(row)) {
      if (cell.column >= initialColumn || cell.masterRow <= header || cell.label === null) continue;
      const source = sourceOf(cell.label);
      if (source) return source;
    }
    return null;
  }

  /** 万元 unless the table's header (or a "单位：元" note just above it) says 元. */
  private moneyUnitOf(header: number): MoneyUnit {
    const labels: string[] = [];
    for (const cell of this.grid.starts(header)) if (cell.masterRow === header && cell.label) labels.push(cell.label);
    for (let r = Math.max(1, header - 2); r < header; r++) {
      for (const cell of this.grid.starts(r)) if (cell.label && /^(金额)?单位:/.test(cell.label)) labels.push(cell.label);
    }
    const mentions = labels.filter((label) => /元/.test(label));
    if (mentions.some((label) => /万元/.test(label))) return 'wan';
    if (mentions.length > 0) return 'yuan';
    return 'wan';
  }

  private readBudget(table: Table): ReportDocumentInput['budget'] {
    const columns = mapColumns(this.grid, table.header, budgetColumns);
    const headerCell = this.grid.at(table.header, 1);
    for (const [key, name] of [['adjusted', '调整后预算'], ['executed', '执行数']] as const) {
      if (columns[key] === undefined) this.problem(importCodes.columnMissing, headerCell, text(`预算执行表缺少“${name}”列`, `the budget table has no ${name} column`), `budget.total.${key}`);
    }
    const unit = this.moneyUnitOf(table.header);
    if (unit === 'yuan') this.warn(importCodes.yuan, headerCell, text('预算金额以元填写，已换算为万元', 'budget amounts are in 元 and were converted to 万元'));
    const budget: Record<string, unknown> = {};
    const seen = new Map<FundingSource, number>();
    for (const row of table.rows) {
      const source = this.budgetRowSource(row, table.header)!;
      if (seen.has(source)) {
        this.problem(importCodes.budgetRowDuplicate, this.grid.at(row, 1), text(`资金来源“${source}”出现两次（另见第${seen.get(source)}行）`, `funding source ${source} appears twice (see also row ${seen.get(source)})`), `budget.${source}`);
        continue;
      }
      seen.set(source, row);
      const values: Record<string, string | null> = { initial: null, adjusted: null, executed: null, statedRate: null };
      for (const key of ['initial', 'adjusted', 'executed'] as const) {
        const column = columns[key];
        if (column === undefined) continue;
        const cell = this.grid.at(row, column);
        const amount = this.take(cell, `budget.${source}.${key}`, (content) => readMoney(content, unit));
        if (amount === undefined || amount === null) continue;
        values[key] = amount.value;
        if (amount.roundedFrom !== null) {
          this.warn(importCodes.rounded, cell, text(`${amount.roundedFrom}万元按两位小数四舍五入为${amount.value}万元`, `${amount.roundedFrom} 万元 rounded half-up to ${amount.value} 万元 (two decimals)`), `budget.${source}.${key}`);
        }
      }
      if (columns.statedRate !== undefined) values.statedRate = this.take(this.grid.at(row, columns.statedRate), `budget.${source}.statedRate`, readPercent) ?? null;
      if (Object.values(values).some((v) => v !== null)) budget[source] = values;
      if (source === 'total') {
        if (columns.selfScore !== undefined) budget.selfScore = this.take(this.grid.at(row, columns.selfScore), 'budget.selfScore', readScore) ?? null;
        if (columns.explanation !== undefined) budget.explanation = this.take(this.grid.at(row, columns.explanation), 'budget.explanation', readText) ?? null;
      }
    }
    return budget as ReportDocumentInput['budget'];
  }

  // ── indicators ───────────────────────────────────────────────────────

  private readIndicators(table: Table, columns: ColumnMap<keyof typeof indicatorColumns>): NonNullable<ReportDocumentInput['indicators']> {
    const headerCell = this.grid.at(table.header, columns.level1 ?? 1);
    const required: Array<[keyof typeof indicatorColumns, string]> = [['level1', '一级指标'], ['level2', '二级指标'], ['name', '三级指标'], ['weight', '分值']];
    const missing = required.filter(([key]) => columns[key] === undefined);
    for (const [, name] of missing) this.problem(importCodes.columnMissing, headerCell, text(`绩效指标表缺少“${name}”列`, `the indicator table has no ${name} column`), 'indicators');
    if (missing.length > 0) return [];
    if (columns.comparator === undefined && table.rows.length > 0) {
      this.warn(importCodes.comparatorAssumed, headerCell, text('表中没有“指标性质”列：指标值带≥、≤等符号的按符号，其余按“≥”（越大越好）处理', 'no 指标性质 column: a target written with ≥, ≤ … keeps its sign, every other indicator is read as ≥ (more is better)'));
    }
    const indicators: NonNullable<ReportDocumentInput['indicators']> = [];
    const ids = new Map<string, string>();
    let previous: { level1: Level1; level2: Level2 } | null = null;
    for (const row of table.rows) {
      const index = indicators.length;
      const path = (field: string) => formatPath(['indicators', index, field]);
      const cellAt = (column: number | undefined) => (column === undefined ? null : this.grid.at(row, column));
      const idCell = cellAt(columns.id);
      const givenId = idCell ? this.take(idCell, path('id'), readText) : null;
      const id = givenId ?? `row-${row}`;
      const alias = (field: string) => `indicators[${id}].${field}`;
      const read = <T>(column: number | undefined, field: string, reader: (content: CellContent) => Read<T>): T | null | undefined =>
        column === undefined ? null : this.take(this.grid.at(row, column), path(field), reader, alias(field));

      const nameCell = this.grid.at(row, columns.name!);
      const name = read(columns.name, 'name', readText);
      if (name === null) {
        this.problem(importCodes.required, nameCell, text('三级指标名称为空', 'the level-3 indicator name is empty'), path('name'));
        continue;
      }
      const level1Cell = this.grid.at(row, columns.level1!);
      const level2Cell = this.grid.at(row, columns.level2!);
      let level1: Level1 | null = this.level(level1Cell, level1Schema, path('level1'), alias('level1'), importCodes.level1, text('一级指标应为产出指标、效益指标、满意度指标或成本指标', 'level 1 must be 产出指标, 效益指标, 满意度指标 or 成本指标'));
      if (level1 === null && level1Cell.content.kind === 'empty') {
        if (previous) level1 = previous.level1;
        else this.problem(importCodes.required, level1Cell, text('一级指标为空，且上方没有可沿用的一级指标', 'level 1 is empty and there is none above to carry down'), path('level1'));
      }
      let level2: Level2 | null = this.level(level2Cell, level2Schema, path('level2'), alias('level2'), importCodes.level2, text('二级指标应为数量指标、质量指标、时效指标、成本指标、经济效益指标、社会效益指标、生态效益指标、可持续影响指标或服务对象满意度指标等', 'level 2 must be one of 数量指标, 质量指标, 时效指标, 成本指标, 经济效益指标, 社会效益指标, 生态效益指标, 可持续影响指标, 服务对象满意度指标 …'));
      if (level2 === null && level2Cell.content.kind === 'empty') {
        if (previous && level1 === previous.level1) level2 = previous.level2;
        else this.problem(importCodes.required, level2Cell, text('二级指标为空', 'level 2 is empty'), path('level2'));
      }
      const target = read(columns.target, 'target', readText);
      const comparatorAndBand = this.comparator(cellAt(columns.comparator), target ?? null, path('comparator'), alias('comparator'));
      const weight = read(columns.weight, 'weight', readScore);
      if (weight === null) this.problem(importCodes.required, this.grid.at(row, columns.weight!), text('分值为空', 'the weight is empty'), path('weight'));
      const indicator = {
        id,
        level1: level1 ?? 'output',
        level2: level2 ?? 'quantity',
        name: name ?? '',
        comparator: comparatorAndBand?.comparator ?? '≥',
        target: target ?? null,
        unit: read(columns.unit, 'unit', readText) ?? null,
        actual: read(columns.actual, 'actual', readText) ?? null,
        weight: weight ?? '0',
        selfScore: read(columns.selfScore, 'selfScore', readScore) ?? null,
        explanation: read(columns.explanation, 'explanation', readText) ?? null,
        qualitativeBand: comparatorAndBand?.band ?? null,
      };
      if (givenId !== null && givenId !== undefined) {
        if (ids.has(givenId)) this.problem(importCodes.idDuplicate, idCell, text(`编号“${givenId}”重复（另见${ids.get(givenId)}）`, `id "${givenId}" is used twice (see also ${ids.get(givenId)})`), path('id'));
        else if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(givenId)) this.problem(importCodes.id, idCell, text('编号只能包含字母、数字和 . _ : -，以字母或数字开头，最长64个字符', 'an id is letters, digits and . _ : -, starting with a letter or digit, at most 64 characters'), path('id'));
        ids.set(givenId, this.grid.address(row, columns.id!));
      }
      this.cellOf.set(`indicators[${id}]`, this.grid.address(row, columns.name!));
      this.cellOf.set(formatPath(['indicators', index]), this.grid.address(row, columns.name!));
      if (level1 !== null && level2 !== null) previous = { level1, level2 };
      indicators.push(indicator);
    }
    // A sheet without ids gets row ids; one that mixes both must not collide with them.
    for (const indicator of indicators) {
      if (!indicator.id.startsWith('row-') || !ids.has(indicator.id)) continue;
      this.problem(importCodes.idDuplicate, null, text(`编号“${indicator.id}”与自动编号冲突`, `id "${indicator.id}" collides with an automatic id`), 'indicators');
    }
    return indicators;
  }

  private level<T>(cell: GridCell, schema: { safeParse(value: unknown): { success: boolean; data?: unknown } }, field: string, alias: string, code: string, expected: LocalizedText): T | null {
    this.cellOf.set(field, this.grid.address(cell.row, cell.column));
    this.cellOf.set(alias, this.grid.address(cell.row, cell.column));
    if (cell.content.kind === 'empty') return null;
    const raw = cell.content.kind === 'text' ? cell.content.text : null;
    // "满意度指标（10分）", "社会效\n益指标": the weight note and line breaks are not part of the level.
    const label = raw === null ? null : raw.normalize('NFKC').replace(/\s+/g, '').replace(/\(\d+(\.\d+)?分?\)$/, '');
    const parsed = label === null ? { success: false } : schema.safeParse(label);
    if (parsed.success) return parsed.data as T;
    this.problem(code, cell, text(`无法识别“${raw ?? ''}”：${expected['zh-CN']}`, `cannot read "${raw ?? ''}": ${expected.en}`), field);
    return null;
  }

  private comparator(cell: GridCell | null, target: string | null, field: string, alias: string): { comparator: Comparator; band: QualitativeBand | null } | null {
    if (cell) {
      this.cellOf.set(field, this.grid.address(cell.row, cell.column));
      this.cellOf.set(alias, this.grid.address(cell.row, cell.column));
    }
    if (cell && cell.content.kind !== 'empty') {
      const raw = cell.content.kind === 'text' ? cell.content.text : String((cell.content as { value?: unknown }).value ?? '');
      const folded = raw.normalize('NFKC').replace(/\s+/g, '');
      const qualitative = /^定性(?:[(:](.*?)\)?)?$/.exec(folded);
      if (qualitative) {
        const band = qualitative[1] ? bandFromLabel(qualitative[1]) : null;
        if (qualitative[1] && band === null) {
          this.problem(importCodes.comparator, cell, text(`无法识别定性档次“${qualitative[1]}”：应为达成年度指标、部分达成并具有一定效果或未达成且效果较差`, `cannot read the qualitative band "${qualitative[1]}": expected 达成年度指标, 部分达成并具有一定效果 or 未达成且效果较差`), field);
          return null;
        }
        return { comparator: '定性', band };
      }
      const direction: Record<string, Comparator> = { 正向: '≥', 正向指标: '≥', 反向: '≤', 反向指标: '≤', 定量: '≥' };
      if (direction[folded]) return { comparator: direction[folded], band: null };
      const parsed = comparatorSchema.safeParse(folded);
      if (parsed.success) return { comparator: parsed.data, band: null };
      this.problem(importCodes.comparator, cell, text(`无法识别指标性质“${raw}”：应为 ≥、>、=、≤、< 或 定性`, `cannot read the comparator "${raw}": expected ≥, >, =, ≤, < or 定性`), field);
      return null;
    }
    // No comparator given: a target that carries its sign keeps it; anything else reads as ≥.
    const quantity = target === null ? null : parseQuantity(target);
    if (quantity?.kind === 'bound') return { comparator: quantity.op, band: null };
    if (quantity?.kind === 'exact' && /^\s*[=＝]/.test(target ?? '')) return { comparator: '=', band: null };
    return { comparator: '≥', band: null };
  }

  // ── evaluation items ─────────────────────────────────────────────────

  private readItems(table: Table): NonNullable<ReportDocumentInput['evaluationItems']> {
    const columns = mapColumns(this.grid, table.header, itemColumns);
    if (columns.score === undefined) {
      this.problem(importCodes.columnMissing, this.grid.at(table.header, 1), text('评价项目表缺少“得分”列', 'the evaluation table has no 得分 column'), 'evaluationItems');
      return [];
    }
    const items: NonNullable<ReportDocumentInput['evaluationItems']> = [];
    for (const row of table.rows) {
      const index = items.length;
      const path = (field: string) => formatPath(['evaluationItems', index, field]);
      const idCell = columns.id === undefined ? null : this.grid.at(row, columns.id);
      const id = (idCell ? this.take(idCell, path('id'), readText) : null) ?? `item-row-${row}`;
      const read = <T>(column: number | undefined, field: string, reader: (content: CellContent) => Read<T>): T | null | undefined =>
        column === undefined ? null : this.take(this.grid.at(row, column), path(field), reader, `evaluationItems[${id}].${field}`);
      const category = read(columns.category, 'category', readText);
      if (category === null) {
        this.problem(importCodes.required, this.grid.at(row, columns.category!), text('评价内容为空', 'the evaluation category is empty'), path('category'));
        continue;
      }
      this.cellOf.set(`evaluationItems[${id}]`, this.grid.address(row, columns.category!));
      items.push({
        id,
        category: category ?? '',
        maximum: read(columns.maximum, 'maximum', readScore) ?? null,
        score: read(columns.score, 'score', readScore) ?? null,
        justification: read(columns.justification, 'justification', readText) ?? null,
      });
    }
    return items;
  }
}

function lengthMessage(issue: { code: string; maximum?: unknown; minimum?: unknown }): LocalizedText | null {
  if (issue.code === 'too_big') return text(`内容过长，最多 ${String(issue.maximum)} 个字符`, `too long: at most ${String(issue.maximum)} characters`);
  if (issue.code === 'too_small') return text('不能为空', 'must not be empty');
  return null;
}

export function readReportSheet(sheet: Worksheet, options: ReadOptions = {}): SheetReading {
  if (sheet.rowCount > MAX_ROWS_PER_SHEET) {
    const problem = cellProblem(importCodes.tooLarge, sheet.name, null, text(`工作表有${sheet.rowCount}行，超过自评表的上限${MAX_ROWS_PER_SHEET}行`, `the sheet has ${sheet.rowCount} rows, more than the ${MAX_ROWS_PER_SHEET} a form may have`));
    return { sheet: sheet.name, document: null, problems: [problem], warnings: [], cellOf: new Map() };
  }
  const grid = new SheetGrid(sheet);
  const reader = new SheetReader(grid);
  const document = reader.read(options);
  return { sheet: sheet.name, document: reader.problems.length > 0 ? null : document, problems: reader.problems, warnings: reader.warnings, cellOf: reader.cellOf };
}

/** True for sheets that look like a form (a title or a table header of one); summary and note sheets are not. */
export function looksLikeForm(sheet: Worksheet): boolean {
  const grid = new SheetGrid(sheet);
  return grid.find((cell) => cell.label !== null && ((/支出绩效自评表/.test(cell.label) && !/汇总/.test(cell.label)) || /^(一级指标|三级指标|年初预算(数)?)$/.test(cell.label))) !== null;
}
