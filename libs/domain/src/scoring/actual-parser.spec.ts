import { describe, expect, it } from '@jest/globals';
import { parseQuantity, type ParsedQuantity } from './actual-parser.js';

/** Compact form for assertions: decimals as their exact strings. */
function show(q: ParsedQuantity) {
  switch (q.kind) {
    case 'exact':
      return { exact: q.value.toFixed(), unit: q.unit, ...(q.approximate && { approximate: true }) };
    case 'bound':
      return { [q.op]: q.value.toFixed(), unit: q.unit };
    case 'not-comparable':
      return { notComparable: q.reason };
  }
}

describe('parseQuantity: comparable values', () => {
  it.each([
    // seed 003's textual actuals
    ['大于50万元', '万元', { '>': '50', unit: '万元' }],
    ['大于6万人次', '万人次', { '>': '6', unit: '万人次' }],
    ['大于228户', '户', { '>': '228', unit: '户' }],
    ['12月', '月', { exact: '12', unit: '月' }],
    ['0万元', '万元', { exact: '0', unit: '万元' }],
    // the 万 multiplier is relative to the unit of measure
    ['50万元', '元', { exact: '500000', unit: '元' }],
    ['6万', '人次', { exact: '60000', unit: '人次' }],
    ['28630000元', '万元', { exact: '2863', unit: '万元' }],
    ['1.5亿元', '万元', { exact: '15000', unit: '万元' }],
    // comparison words before and after the number
    ['超过200次', '次', { '>': '200', unit: '次' }],
    ['不低于95%', '%', { '≥': '95', unit: '%' }],
    ['不少于32户', '户', { '≥': '32', unit: '户' }],
    ['≥90', '%', { '≥': '90', unit: '%' }],
    ['>=90', '%', { '≥': '90', unit: '%' }],
    ['≤12', '月', { '≤': '12', unit: '月' }],
    ['不高于5', '天', { '≤': '5', unit: '天' }],
    ['低于3', '起', { '<': '3', unit: '起' }],
    ['95%以上', '%', { '≥': '95', unit: '%' }],
    ['12月底前', '月', { '≤': '12', unit: '月' }],
    ['约50万元', '万元', { exact: '50', unit: '万元', approximate: true }],
    ['50万元左右', '万元', { exact: '50', unit: '万元', approximate: true }],
    // a deadline in front of the figure, full-width characters, thousands separators
    ['12月底100%完成', '%', { exact: '100', unit: '%' }],
    ['９５％', '%', { exact: '95', unit: '%' }],
    ['１２月', '月', { exact: '12', unit: '月' }],
    ['1,000', '人', { exact: '1000', unit: '人' }],
    ['１，０００人', '人', { exact: '1000', unit: '人' }],
    ['12,345.67万元', '万元', { exact: '12345.67', unit: '万元' }],
    ['-5', '%', { exact: '-5', unit: '%' }],
  ])('%s against %s', (input, unit, expected) => {
    expect(show(parseQuantity(input, unit))).toEqual(expected);
  });

  it('takes the unit written into the text when there is no unit of measure', () => {
    expect(show(parseQuantity('2863万元', null))).toEqual({ exact: '2863', unit: '万元' });
    expect(show(parseQuantity('157245', null))).toEqual({ exact: '157245', unit: null });
  });
});

describe('parseQuantity: not comparable rather than a guess', () => {
  it.each([
    ['好', 'NO_NUMBER'],
    ['按时完成', 'NO_NUMBER'],
    ['较好', 'NO_NUMBER'],
    ['', 'EMPTY'],
    ['   ', 'EMPTY'],
    ['80-90%', 'RANGE'],
    ['80%～90%', 'RANGE'],
    ['3至5个', 'RANGE'],
    ['2项3次', 'SEVERAL_NUMBERS'],
    ['1,00', 'SEVERAL_NUMBERS'],
    ['第3季度', 'UNRECOGNISED_TEXT'],
    ['大于5以下', 'CONFLICTING_OPERATORS'],
  ])('%j → %s', (input, reason) => {
    expect(show(parseQuantity(input, '个'))).toEqual({ notComparable: reason });
  });

  it('refuses a unit that does not match the unit of measure', () => {
    const parsed = parseQuantity('32户', '家');
    expect(show(parsed)).toEqual({ notComparable: 'UNIT_MISMATCH' });
    expect(parsed.kind === 'not-comparable' && parsed.message).toEqual({
      'zh-CN': '“32户”的单位与度量单位“家”不一致',
      en: 'the unit in “32户” does not match the unit of measure “家”',
    });
  });

  it('keeps a null input apart from a number', () => {
    expect(show(parseQuantity(null, '%'))).toEqual({ notComparable: 'EMPTY' });
  });
});
