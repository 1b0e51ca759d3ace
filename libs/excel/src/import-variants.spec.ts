import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { contentToDocument, initialState, level1Labels, level2Labels } from '#domain';
import { col, budgetCol, cellAddress, itemCol } from './form-layout.js';
import { decideImport, planCommands, readFormSheets, type SheetReading } from './index.js';
import { asStored, fillerMetadata, importInto, seedFixtures } from './testing/round-trip.js';
import { exportedWorkbook, problemList, reread, rowOf } from './testing/sheets.js';

const fixtures = new Map(seedFixtures().map((f) => [f.name, f.document]));
const kaifu = fixtures.get('seed-000-kaifu-2022.json')!;
const bigData = fixtures.get('seed-003-kaijiang-2024-big-data-platform.json')!;
const medical = fixtures.get('seed-003-kaijiang-2024-medical-assistance.json')!;
const department = fixtures.get('seed-003-kaijiang-2024-department.json')!;

function withoutIds<T extends { indicators: Array<{ id: string }>; evaluationItems: Array<{ id: string }> }>(doc: T) {
  return { ...doc, indicators: doc.indicators.map(({ id: _id, ...rest }) => rest), evaluationItems: doc.evaluationItems.map(({ id: _id, ...rest }) => rest) };
}

function imported(reading: SheetReading) {
  const state = importInto(reading);
  if (state.status === 'none') throw new Error('no report');
  const { id: _id, ...doc } = contentToDocument(state.content);
  return doc;
}

const at = (sheet: ExcelJS.Worksheet, cell: string) => cellAddress(sheet.name, cell);

function unmergeLevels(sheet: ExcelJS.Worksheet): void {
  for (const range of [...(sheet.model.merges as string[])]) if (/^[BC]\d+:[BC]\d+$/.test(range)) sheet.unMergeCells(range);
}

async function only(workbook: ExcelJS.Workbook): Promise<SheetReading> {
  const readings = await reread(workbook);
  expect(readings).toHaveLength(1);
  return readings[0]!;
}

describe('importing tolerates the usual variants of the forms', () => {
  it('reads unmerged level cells left blank under the first of their group (carried down)', async () => {
    const workbook = await exportedWorkbook(kaifu);
    const sheet = workbook.worksheets[0]!;
    const first = rowOf(sheet, col.name, '城乡居民基本医疗保险参保人数');
    // Unmerge the level columns and leave only the first cell of each group, as text exports do.
    unmergeLevels(sheet);
    for (let r = first + 1; r < first + kaifu.indicators.length; r++) {
      const indicator = kaifu.indicators[r - first]!;
      const previous = kaifu.indicators[r - first - 1]!;
      if (indicator.level1 === previous.level1) sheet.getCell(r, col.level1).value = null;
      if (indicator.level1 === previous.level1 && indicator.level2 === previous.level2) sheet.getCell(r, col.level2).value = null;
    }
    const reading = await only(workbook);
    expect(reading.problems).toEqual([]);
    expect(imported(reading)).toEqual(asStored(kaifu));
  });

  it('reads a sheet laid out by hand like the printed project form (seed 003): code inside the name, goals under their headers, "/" cells, blank and placeholder rows, 合计 | 100 | 100', async () => {
    const workbook = new ExcelJS.Workbook();
    const s = workbook.addWorksheet('Sheet1');
    const put = (range: string, value: string | null) => {
      if (range.includes(':')) s.mergeCells(range);
      s.getCell(range.split(':')[0]!).value = value;
    };
    put('A1:K1', '部门预算项目支出绩效自评表（2024年度）');
    put('A2', '项目名称');
    put('B2:K2', '51172322T000007299749-达州市开江县医疗保障局“大数据+医保”平台采购项目');
    put('A3', '主管部门');
    put('B3:D3', '开江县医疗保障局本级');
    put('E3:F3', '实施单位 （盖章）');
    put('G3:K3', '开江县医疗保障局');
    put('A4:A6', '项目基本情况');
    put('B4:B5', '1.项目年度目标完成情况');
    put('C4:F4', '项目年度目标');
    put('G4:K4', '年度目标完成情况');
    put('C5:F5', '持续推进“大数据+医保”平台采购项目资金支付工作。');
    put('G5:K5', '2024年支付项目资金9.33万元。');
    put('B6', '2.项目实施内容及过程概述');
    put('C6:K6', '年初预算“大数据+医保”平台采购项目，同财政沟通，争取项目资金。');
    put('A7:A13', '预算执行情况（10分）');
    ['年度预算数（万元）', '年初预算', '调整后预算数', '预算执行数', '预算执行率', '权重', '得分'].forEach((v, i) => (s.getCell(7, 2 + i).value = v));
    put('I7:K7', '原因');
    const rows = [
      ['总额', '170.00', '9.33', '9.33', '100.00%', '10', '10'],
      ['其中：财政资金', '170.00', '9.33', '9.33', '100.00%', '/', '/'],
      ['财政专户管理资金', '0.00', '0.00', '0.00', '0.00%', '/', '/'],
      ['单位资金', '0.00', '0.00', '0.00', '0.00%', '/', '/'],
      ['其他资金', null, null, null, null, '/', '/'],
    ];
    rows.forEach((values, i) => values.forEach((v, j) => (s.getCell(8 + i + (i >= 2 ? 1 : 0), 2 + j).value = v))); // a blank row inside the budget table
    put('A14:A15', '绩效指标（90分）');
    ['一级指标', '二级指标', '三级指标', '指标性质', '指标值', '度量单位', '完成值', '权重', '得分', '未完成原因分析'].forEach((v, i) => (s.getCell(14, 2 + i).value = v));
    ['成本指标', '经济成本', '项目超支额', '=', '0', '万元', '0万元', '90', '90'].forEach((v, i) => (s.getCell(15, 2 + i).value = v));
    s.getCell(16, 4).value = '……'; // the form's placeholder row, then a blank row
    put('A18:H18', '合计');
    s.getCell('I18').value = '100';
    s.getCell('J18').value = '100';
    put('A19', '评价结论');
    put('B19:K19', '自评100分。财政24年下达项目指标9.33万元，本单位全额支付9.33万元给收款方。');
    put('A20', '存在问题');
    put('B20:K20', '财政未下达完项目预算所有指标。');
    put('A21', '改进措施');
    put('B21:K21', '同财政加强沟通，争取项目资金。');

    const reading = await only(workbook);
    expect(reading.problems).toEqual([]);
    expect(reading.warnings.map((w) => [w.code, w.path])).toEqual([
      ['EXCEL_PROJECT_CODE_SPLIT', 'Sheet1!B2'],
      ['EXCEL_UNIT_FROM_IMPLEMENTING_UNIT', 'Sheet1!G3'],
    ]);
    expect(withoutIds(imported(reading))).toEqual(withoutIds(asStored(bigData)));
  });

  it('converts amounts in 元 to 万元 exactly when the header says 元, and rounds finer figures half-up with a warning', async () => {
    const workbook = await exportedWorkbook(bigData);
    const sheet = workbook.worksheets[0]!;
    const header = rowOf(sheet, budgetCol.initial, '年初预算');
    sheet.getCell(header, budgetCol.label).value = '年度预算数（元）';
    const total = header + 1;
    for (const r of [total, total + 1]) {
      sheet.getCell(r, budgetCol.initial).value = 1_700_000;
      sheet.getCell(r, budgetCol.adjusted).value = '93,300';
      sheet.getCell(r, budgetCol.executed).value = '9.33万元'; // a cell that names its own unit
    }
    let reading = await only(workbook);
    expect(reading.problems).toEqual([]);
    expect(reading.warnings.map((w) => w.code)).toEqual(['EXCEL_AMOUNTS_IN_YUAN']);
    expect(imported(reading)).toEqual(asStored(bigData));

    sheet.getCell(total, budgetCol.adjusted).value = 93_345.5;
    reading = await only(workbook);
    expect(reading.warnings.map((w) => [w.code, w.path])).toEqual([
      ['EXCEL_AMOUNTS_IN_YUAN', at(sheet, `A${header}`)],
      ['EXCEL_AMOUNT_ROUNDED', at(sheet, `E${total}`)],
    ]);
    expect(reading.document!.budget.total!.adjusted).toBe('9.33');
  });

  it('keeps textual actuals and targets as typed, and numbers as their shortest decimal', async () => {
    const workbook = await exportedWorkbook(kaifu);
    const sheet = workbook.worksheets[0]!;
    const r = rowOf(sheet, col.name, '城乡居民基本医疗保险参保人数');
    sheet.getCell(r, col.actual).value = 157245;
    sheet.getCell(r + 1, col.actual).value = '  大于50万元 ';
    sheet.getCell(r + 2, col.actual).value = { richText: [{ text: '12月底' }, { text: '100%完成' }] };
    const reading = await only(workbook);
    expect(reading.document!.indicators.slice(0, 3).map((i) => i.actual)).toEqual(['157245', '  大于50万元 ', '12月底100%完成']);
  });
});

describe('a sheet that cannot be read is refused cell by cell, and nothing is decided', () => {
  it('names every cell of the wrong type with its address and reason', async () => {
    const workbook = await exportedWorkbook(kaifu);
    const sheet = workbook.worksheets[0]!;
    const first = rowOf(sheet, col.name, '城乡居民基本医疗保险参保人数');
    const total = rowOf(sheet, budgetCol.label, '总额');
    sheet.getCell(first, col.weight).value = '五分';
    sheet.getCell(first + 1, col.selfScore).value = new Date(Date.UTC(2024, 0, 5));
    // Loaded cells share style objects: give this one a style of its own.
    sheet.getCell(first + 1, col.selfScore).style = { ...sheet.getCell(first + 1, col.selfScore).style, numFmt: 'yyyy-mm-dd' };
    sheet.getCell(first + 2, col.weight).value = { formula: 'I1*2', date1904: false } as ExcelJS.CellFormulaValue;
    sheet.getCell(first + 3, col.selfScore).value = { error: '#DIV/0!' } as ExcelJS.CellErrorValue;
    sheet.getCell(first + 4, col.weight).value = -5;
    sheet.getCell(total, budgetCol.adjusted).value = '五千万';
    sheet.getCell(total, budgetCol.executed).value = '5016.125';
    sheet.getCell(total, budgetCol.statedRate).value = 'ninety';
    const reading = await only(workbook);
    expect(reading.document).toBeNull();
    expect(problemList(reading)).toEqual([
      ['EXCEL_CELL_UNREADABLE', at(sheet, `E${total}`)],
      ['EXCEL_CELL_UNREADABLE', at(sheet, `F${total}`)],
      ['EXCEL_CELL_UNREADABLE', at(sheet, `G${total}`)],
      ['EXCEL_CELL_UNREADABLE', at(sheet, `I${first}`)],
      ['EXCEL_CELL_UNREADABLE', at(sheet, `J${first + 1}`)],
      ['EXCEL_CELL_UNREADABLE', at(sheet, `I${first + 2}`)],
      ['EXCEL_CELL_UNREADABLE', at(sheet, `J${first + 3}`)],
      ['EXCEL_CELL_UNREADABLE', at(sheet, `I${first + 4}`)],
    ]);
    const byCell = new Map(reading.problems.map((p) => [p.details.cell, p]));
    expect(byCell.get(`I${first}`)!.message.en).toBe('cannot be read as a score: “五分”');
    expect(byCell.get(`I${first}`)!.message['zh-CN']).toBe('无法读作分值：“五分”');
    expect(byCell.get(`I${first}`)!.details).toMatchObject({ field: 'indicators[0].weight', value: '五分' });
    expect(byCell.get(`J${first + 1}`)!.message.en).toBe('the cell is a date (2024-01-05); expected a score (not negative, at most four decimals)');
    expect(byCell.get(`I${first + 2}`)!.message.en).toContain('has no saved result');
    expect(byCell.get(`J${first + 3}`)!.message.en).toContain('#DIV/0!');
    expect(byCell.get(`I${first + 4}`)!.message.en).toBe('a score cannot be negative: -5');
    expect(byCell.get(`F${total}`)!.message.en).toBe('an amount in 万元 has at most two decimals: 5016.125');
  });

  it('names missing columns at their table header', async () => {
    const workbook = await exportedWorkbook(bigData);
    const sheet = workbook.worksheets[0]!;
    const indicatorHeader = rowOf(sheet, col.name, '三级指标');
    const budgetHeader = rowOf(sheet, budgetCol.initial, '年初预算');
    sheet.getCell(indicatorHeader, col.weight).value = null;
    sheet.getCell(indicatorHeader, col.level2).value = '指标类别';
    sheet.getCell(budgetHeader, budgetCol.adjusted).value = null;
    const reading = await only(workbook);
    expect(problemList(reading)).toEqual([
      ['EXCEL_COLUMN_MISSING', at(sheet, `A${budgetHeader}`)],
      ['EXCEL_COLUMN_MISSING', at(sheet, `B${indicatorHeader}`)],
      ['EXCEL_COLUMN_MISSING', at(sheet, `B${indicatorHeader}`)],
    ]);
    expect(reading.problems.map((p) => p.message.en)).toEqual([
      'the budget table has no 调整后预算 column',
      'the indicator table has no 二级指标 column',
      'the indicator table has no 分值 column',
    ]);
  });

  it('refuses unknown levels and comparators, empty required cells, an unmerged level with nothing above it, and duplicate ids', async () => {
    const workbook = await exportedWorkbook(medical);
    const sheet = workbook.worksheets[0]!;
    const first = rowOf(sheet, col.id, medical.indicators[0]!.id);
    unmergeLevels(sheet);
    medical.indicators.forEach((indicator, index) => {
      sheet.getCell(first + index, col.level1).value = level1Labels[indicator.level1]['zh-CN'];
      sheet.getCell(first + index, col.level2).value = level2Labels[indicator.level2]['zh-CN'];
    });
    sheet.getCell(first, col.level1).value = null; // nothing above to carry down
    sheet.getCell(first + 1, col.level1).value = '投入指标';
    sheet.getCell(first + 2, col.comparator).value = '约等于';
    sheet.getCell(first + 3, col.weight).value = null;
    sheet.getCell(first + 4, col.id).value = medical.indicators[0]!.id;
    sheet.getCell(first + 4, col.comparator).value = '定性（还行）';
    const reading = await only(workbook);
    expect(problemList(reading)).toEqual([
      ['EXCEL_VALUE_REQUIRED', at(sheet, `B${first}`)],
      ['EXCEL_LEVEL1_UNKNOWN', at(sheet, `B${first + 1}`)],
      ['EXCEL_COMPARATOR_UNKNOWN', at(sheet, `E${first + 2}`)],
      ['EXCEL_VALUE_REQUIRED', at(sheet, `I${first + 3}`)],
      ['EXCEL_COMPARATOR_UNKNOWN', at(sheet, `E${first + 4}`)],
      ['EXCEL_ID_DUPLICATE', at(sheet, `M${first + 4}`)],
    ]);
    expect(reading.problems[1]!.message['zh-CN']).toBe('无法识别“投入指标”：一级指标应为产出指标、效益指标、满意度指标或成本指标');
  });

  it('names the unit and year it cannot find, and a sheet that is no form at all', async () => {
    const workbook = await exportedWorkbook(bigData);
    const sheet = workbook.worksheets[0]!;
    sheet.getCell(3, 1).value = '备注';
    sheet.getCell(3, 8).value = '备注二';
    sheet.getCell(4, 8).value = '联系人';
    sheet.getCell(2, 1).value = '（年度）';
    const reading = await only(workbook);
    expect(reading.problems.map((p) => [p.code, p.details.field])).toEqual([
      ['EXCEL_FIELD_MISSING', 'header.unit'],
      ['EXCEL_FIELD_MISSING', 'header.year'],
    ]);

    const blank = new ExcelJS.Workbook();
    blank.addWorksheet('说明').getCell('A1').value = '填表说明';
    expect(readFormSheets(blank)).toEqual([]);
  });

  it('maps a refusal of the decider back to its cell, and decides nothing', async () => {
    const withMaximum = { ...department, evaluationItems: department.evaluationItems.map((item) => ({ ...item, maximum: '20' })) };
    const workbook = await exportedWorkbook(withMaximum);
    const sheet = workbook.worksheets[0]!;
    const r = rowOf(sheet, itemCol.id, 'd02');
    sheet.getCell(r, itemCol.score).value = 25;
    const reading = await only(workbook);
    expect(reading.problems).toEqual([]);
    const commands = planCommands(null, reading.document!, 'report-1');
    let refusal: unknown = null;
    try {
      decideImport(commands, initialState(), fillerMetadata, reading);
    } catch (error) {
      refusal = error;
    }
    expect((refusal as { problems: Array<{ code: string; path: string }> }).problems.map((p) => [p.code, p.path])).toEqual([
      ['EXCEL_IMPORT_INVALID', sheet.name],
      ['EVALUATION_SCORE_ABOVE_MAXIMUM', at(sheet, `J${r}`)],
    ]);
  });
});

describe('importing into an existing draft', () => {
  it('plans nothing when the sheet says what the draft says, and only the changes otherwise', async () => {
    const workbook = await exportedWorkbook(kaifu);
    const reading = await only(workbook);
    const state = importInto(reading);
    if (state.status === 'none') throw new Error('no report');
    const current = contentToDocument(state.content, state.id);
    expect(planCommands(current, reading.document!, state.id)).toEqual([]);

    const sheet = workbook.worksheets[0]!;
    const r = rowOf(sheet, col.id, 'k10');
    sheet.getCell(r, col.actual).value = '140万元';
    sheet.getCell(r + 2, col.level1).value = '产出指标';
    sheet.getCell(r + 2, col.level2).value = '成本指标';
    unmergeLevels(sheet);
    for (let c = 1; c <= col.id; c++) if (c !== col.section) sheet.getCell(r + 1, c).value = null; // k11 blanked out: removed
    const changed = await only(workbook);
    expect(planCommands(current, changed.document!, state.id)).toEqual([
      { type: 'RemoveIndicator', data: { indicatorId: 'k11' } },
      { type: 'UpdateIndicator', data: { indicatorId: 'k10', changes: { actual: '140万元' } } },
    ]);
  });
});
