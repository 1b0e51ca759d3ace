import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/domain-error.js';
import { event, filler, header, indicatorAdded, reportCreated } from '../testing/report-builders.js';
import { parseReportDocument, toReportView } from './report.document.js';
import { evolveAll, initialState, reportStreamId } from './report.state.js';

function refusal(input: unknown) {
  try {
    parseReportDocument(input);
  } catch (error) {
    if (error instanceof DomainError) return error.problems.map((p) => ({ path: p.path, zh: p.message['zh-CN'], en: p.message.en }));
    throw error;
  }
  throw new Error('expected the document to be refused');
}

describe('report view', () => {
  const state = evolveAll([
    reportCreated(),
    event('BudgetRowSet', { source: 'fiscal', row: { initial: '170', adjusted: '9.33', executed: '9.33', statedRate: '100.00' } }),
    indicatorAdded('b01'),
    indicatorAdded('b02', { name: '支付完成时间', comparator: '≤', target: '12', unit: '月', actual: '12月' }, 1),
    event('IndicatorsReordered', { order: ['b02', 'b01'] }),
    event('EvidenceAttached', { evidenceId: 'ev1', evidence: { fileName: '付款凭证.pdf', mediaType: 'application/pdf', sizeBytes: 1024, sha256: 'b'.repeat(64), description: null, indicatorId: 'b02' } }),
    event('IndicatorRemoved', { indicatorId: 'b02' }),
    event('SelfTotalSet', { value: '100' }),
  ]);

  it('serves decimals as strings, amounts with two places', () => {
    const view = toReportView(state)!;
    expect(view.report.budget.fiscal).toEqual({ initial: '170.00', adjusted: '9.33', executed: '9.33', statedRate: '100' });
    expect(view.report.indicators.map((i) => [i.id, i.weight])).toEqual([['b01', '20']]);
    expect(view.report.selfTotal).toBe('100');
    expect(view).toMatchObject({ id: 'r-2024-kaijiang-001', status: 'draft', organisationId: filler.organisationId, editors: ['u-filler'] });
  });

  it('unlinks evidence from an indicator that is removed', () => {
    expect(toReportView(state)!.report.evidence.map((e) => [e.id, e.indicatorId])).toEqual([['ev1', null]]);
  });

  it('is a document the score CLI reads back to the same view', () => {
    const view = toReportView(state)!;
    expect(parseReportDocument(JSON.parse(JSON.stringify(view.report)))).toEqual(view.report);
  });

  it('has no view before the report exists, and a stream id per report', () => {
    expect(toReportView(initialState())).toBeNull();
    expect(reportStreamId('r-1')).toBe('report-r-1');
  });
});

describe('report document: refusals name the field in both languages', () => {
  it('names an amount given as a number', () => {
    expect(refusal({ kind: 'project', header, budget: { total: { executed: 9.33 } } })).toEqual([
      {
        path: 'budget.total.executed',
        zh: '应为以字符串表示、最多两位小数的非负金额（万元），例如 "9.33"（收到的是数字 9.33，请加引号）',
        en: 'expected a non-negative amount in 万元 as a string with at most two decimals, e.g. "9.33" (got the number 9.33; quote it)',
      },
    ]);
  });

  it('names the indicator by its place in the list, and unknown fields', () => {
    const indicators = [{ id: 'i1', level1: '产出', level2: '数量', name: '救助对象', comparator: '≧', target: '6', unit: '万人次', actual: '大于6万人次', weight: 'twenty', colour: 'red' }];
    expect(refusal({ kind: 'project', header, indicators })).toEqual([
      { path: 'indicators[0].weight', zh: '应为以字符串表示的非负分值，最多四位小数，例如 "4.50"', en: 'expected a non-negative score as a string with at most four decimals, e.g. "4.50"' },
      { path: 'indicators[0].colour', zh: '未知字段：colour', en: 'unknown field: colour' },
    ]);
  });

  it('names a missing field and a duplicate id', () => {
    const indicator = { id: 'i1', level1: 'output', level2: 'quantity', name: '救助对象', comparator: '≥', weight: '20' };
    expect(refusal({ kind: 'project', header: { unit: '开江县医疗保障局' } })).toEqual([{ path: 'header.year', zh: '缺少必填字段', en: 'required field is missing' }]);
    expect(refusal({ kind: 'project', header, indicators: [indicator, indicator] })).toEqual([{ path: 'indicators[1].id', zh: '标识重复', en: 'duplicate id' }]);
  });
});
