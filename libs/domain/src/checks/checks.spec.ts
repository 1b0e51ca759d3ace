import { describe, expect, it } from '@jest/globals';
import { ruleProfiles } from '../scoring/profiles/index.js';
import { scoreReport } from '../scoring/score-report.js';
import { contentOf, docIndicator } from '../testing/report-builders.js';
import type { ReportContent } from '../report/report.model.js';
import { checkCatalogue } from './check-catalogue.js';
import { runChecks, summariseChecks } from './checks.js';

const byDefault = ruleProfiles['default']!;

function checksOf(report: ReportContent, profile = byDefault) {
  return runChecks(report, scoreReport(report, profile), profile);
}

const codes = (report: ReportContent) => checksOf(report).map((c) => [c.code, c.path]);
const find = (report: ReportContent, code: string) => checksOf(report).find((c) => c.code === code);

/** Seed 003, 全县政府性投资建设: complete and consistent, so each test breaks one thing. */
const clean = {
  budget: {
    total: { initial: '10.00', adjusted: '10.00', executed: '10.00', statedRate: '100.00' },
    fiscal: { initial: '10.00', adjusted: '10.00', executed: '10.00', statedRate: '100.00' },
  },
  indicators: [
    docIndicator('b01'),
    docIndicator('b02', { level2: 'timeliness', name: '支付完成时间', comparator: '≤', target: '12', unit: '月', actual: '12月' }),
    docIndicator('b03', { level1: 'benefit', level2: 'social-benefit', name: '追回定点医疗机构违规资金', target: '50', unit: '万元', actual: '大于50万元' }),
    docIndicator('b04', { level1: 'satisfaction', level2: 'service-satisfaction', name: '群众满意度', target: '90', unit: '%', actual: '90%', weight: '10', selfScore: '10' }),
    docIndicator('b05', { level1: 'cost', level2: 'economic-cost', name: '项目超支额', comparator: '=', target: '0', unit: '万元', actual: '0万元' }),
  ],
  selfTotal: '100',
};
const withIndicator = (id: string, changes: Parameters<typeof docIndicator>[1]) => clean.indicators.map((i) => (i.id === id ? { ...i, ...changes } : i));

describe('consistency checks', () => {
  it('finds nothing in a consistent report', () => {
    expect(codes(contentOf(clean))).toEqual([]);
  });

  it('reports weights that miss the profile total, with the numbers', () => {
    const check = find(contentOf({ ...clean, indicators: withIndicator('b01', { weight: '40', selfScore: '40' }) }), 'WEIGHTS_TOTAL_MISMATCH');
    expect(check).toEqual({
      code: 'WEIGHTS_TOTAL_MISMATCH',
      severity: 'error',
      path: 'indicators',
      message: { 'zh-CN': '指标权重合计120，应为100（预算执行10，绩效指标110）', en: 'Indicator weights total 120, expected 100 (budget execution 10, indicators 110)' },
      details: { total: '120', expected: '100' },
    });
  });

  it('reports each missing indicator group', () => {
    const onlyCost = contentOf({ ...clean, indicators: [docIndicator('c01', { level1: 'cost', level2: 'economic-cost', name: '项目超支额', comparator: '=', target: '0', unit: '万元', actual: '0万元', weight: '90', selfScore: '90' })] });
    expect(checksOf(onlyCost).filter((c) => c.code === 'INDICATOR_GROUP_MISSING').map((c) => c.message['zh-CN'])).toEqual(['缺少产出指标', '缺少效益指标', '缺少满意度指标']);
  });

  it('reports an indicator listed twice, pointing at the second', () => {
    const twice = contentOf({ ...clean, indicators: [...clean.indicators.slice(0, 4), docIndicator('b06', { name: '监督检查医药机构次数 ', weight: '0', selfScore: '0', actual: '206' }), clean.indicators[4]!] });
    expect(find(twice, 'INDICATOR_DUPLICATE')).toMatchObject({ path: 'indicators[b06].name', message: { 'zh-CN': '第5项指标“监督检查医药机构次数 ”与第1项重复' }, details: { firstIndicatorId: 'b01' } });
  });

  it('reports funding rows that do not add up to the total', () => {
    const budget = { ...clean.budget, fiscal: { executed: '6.00' }, unit: { executed: '3.00' } };
    expect(find(contentOf({ ...clean, budget }), 'BUDGET_ROWS_SUM_MISMATCH')).toMatchObject({
      severity: 'error',
      path: 'budget.total.executed',
      message: { 'zh-CN': '各资金来源执行数合计9.00万元，与总额10.00万元不符' },
    });
  });

  it('reports spending above the adjusted budget and a large adjustment', () => {
    const budget = { total: { initial: '32.00', adjusted: '8.99', executed: '9.50' } };
    const report = contentOf({ ...clean, budget });
    expect(find(report, 'EXECUTED_ABOVE_ADJUSTED')).toMatchObject({ severity: 'error', path: 'budget.total.executed', message: { 'zh-CN': '总额执行数9.50万元超过调整后预算8.99万元' } });
    expect(find(report, 'BUDGET_ADJUSTMENT_LARGE')).toMatchObject({ severity: 'warning', path: 'budget.total.adjusted', message: { 'zh-CN': '调整后预算8.99万元较年初预算32.00万元减少71.91%' } });
  });

  it('requires an explanation for execution under 90%, with the rate', () => {
    const budget = { total: { initial: '100', adjusted: '100', executed: '85' } };
    expect(find(contentOf({ ...clean, budget }), 'EXPLANATION_MISSING_LOW_EXECUTION')).toMatchObject({
      severity: 'error',
      path: 'budget.explanation',
      message: { 'zh-CN': '预算执行率85.00%低于90%，须说明原因', en: 'execution rate 85.00% is below 90%; an explanation is required' },
    });
    expect(find(contentOf({ ...clean, budget: { ...budget, explanation: '采购延期至次年' } }), 'EXPLANATION_MISSING_LOW_EXECUTION')).toBeUndefined();
  });

  it('requires a deviation explanation when an item scores below its weight', () => {
    const report = contentOf({ ...clean, indicators: withIndicator('b01', { actual: '180', selfScore: '18' }) });
    expect(find(report, 'EXPLANATION_MISSING_SCORE_BELOW_WEIGHT')).toMatchObject({ path: 'indicators[b01].explanation', message: { 'zh-CN': '指标“监督检查医药机构次数”得分18.00低于分值20，须填写偏差原因分析及改进措施' } });
  });

  it('compares stated self scores and the stated total with the computed ones', () => {
    const report = contentOf({ ...clean, indicators: withIndicator('b01', { actual: '190', selfScore: '19.5', explanation: '两家机构停业' }), selfTotal: '99.5' });
    expect(checksOf(report).filter((c) => c.severity !== 'error').map((c) => [c.code, c.message.en])).toEqual([
      ['SELF_SCORE_MISMATCH', 'indicator “监督检查医药机构次数”: self score 19.5, computed 19.00'],
      ['TOTAL_MISMATCH', 'stated total 99.5, computed 99.00'],
    ]);
  });

  it('says which actual cannot be compared, and that the total is partial', () => {
    const report = contentOf({ ...clean, indicators: withIndicator('b01', { actual: '较好' }) });
    expect(checksOf(report).map((c) => [c.code, c.severity, c.path])).toEqual([
      ['ACTUAL_NOT_COMPARABLE', 'warning', 'indicators[b01].actual'],
      ['SCORE_INCOMPLETE', 'info', 'total'],
    ]);
    expect(find(report, 'ACTUAL_NOT_COMPARABLE')!.message['zh-CN']).toBe('指标“监督检查医药机构次数”：完成值无法与指标值比较：“较好”中没有数值');
  });

  it('flags an actual at 120% or more of a ≥ target', () => {
    const report = contentOf({ ...clean, indicators: withIndicator('b01', { target: '20', unit: '家', actual: '32' }) });
    expect(find(report, 'OVER_ACHIEVEMENT')).toMatchObject({ severity: 'warning', path: 'indicators[b01].actual', details: { attainmentPercent: '160.00', threshold: '120' } });
    expect(find(contentOf({ ...clean, indicators: withIndicator('b01', { target: '100', actual: '119.99' }) }), 'OVER_ACHIEVEMENT')).toBeUndefined();
    expect(find(contentOf({ ...clean, indicators: withIndicator('b01', { target: '100', actual: '120' }) }), 'OVER_ACHIEVEMENT')).toBeDefined();
  });

  it('asks for a unit on a quantitative indicator unless the target carries one', () => {
    expect(find(contentOf({ ...clean, indicators: withIndicator('b01', { unit: null }) }), 'UNIT_MISSING')).toMatchObject({ path: 'indicators[b01].unit' });
    expect(find(contentOf({ ...clean, indicators: withIndicator('b01', { unit: null, target: '200次' }) }), 'UNIT_MISSING')).toBeUndefined();
  });

  it('requires a band and an in-band score for qualitative indicators, and values entered at all', () => {
    const qualitative = { comparator: '定性' as const, target: '好', unit: null, actual: '好' };
    expect(codes(contentOf({ ...clean, indicators: withIndicator('b03', { ...qualitative }) }))).toEqual([['QUALITATIVE_JUDGEMENT_MISSING', 'indicators[b03].qualitativeBand'], ['SCORE_INCOMPLETE', 'total']]);
    expect(codes(contentOf({ ...clean, indicators: withIndicator('b03', { ...qualitative, qualitativeBand: 'partial' }) }))).toEqual([['QUALITATIVE_SCORE_OUT_OF_BAND', 'indicators[b03].selfScore'], ['SCORE_INCOMPLETE', 'total']]);
    expect(codes(contentOf({ ...clean, indicators: withIndicator('b01', { actual: null }) }))).toEqual([['ACTUAL_MISSING', 'indicators[b01].actual'], ['SCORE_INCOMPLETE', 'total']]);
  });

  it('notes an approximate actual, and asks for a missing target', () => {
    expect(find(contentOf({ ...clean, indicators: withIndicator('b01', { actual: '约210次' }) }), 'ACTUAL_APPROXIMATE')).toMatchObject({
      severity: 'info',
      message: { 'zh-CN': '指标“监督检查医药机构次数”的完成值“约210次”为约数，按210计' },
    });
    expect(codes(contentOf({ ...clean, indicators: withIndicator('b01', { target: null }) }))).toEqual([['TARGET_MISSING', 'indicators[b01].target'], ['SCORE_INCOMPLETE', 'total']]);
  });

  it('needs a total budget row with an adjusted budget above 0 to score execution', () => {
    expect(codes(contentOf({ ...clean, budget: { fiscal: clean.budget.fiscal } }))).toEqual([['BUDGET_TOTAL_MISSING', 'budget.total'], ['SCORE_INCOMPLETE', 'total']]);
    expect(codes(contentOf({ ...clean, budget: { total: { initial: '0', adjusted: '0', executed: '0' } } }))).toEqual([['BUDGET_ADJUSTED_ZERO', 'budget.total.adjusted'], ['SCORE_INCOMPLETE', 'total']]);
  });

  it('refuses self scores above the weight', () => {
    expect(find(contentOf({ ...clean, indicators: withIndicator('b04', { selfScore: '12' }) }), 'SELF_SCORE_ABOVE_WEIGHT')).toMatchObject({ severity: 'error', path: 'indicators[b04].selfScore' });
  });

  it('asks a project report for its code, and any report for indicators', () => {
    expect(codes(contentOf({ ...clean, header: { unit: '开江县医疗保障局', year: 2024 } }))).toEqual([['PROJECT_IDENTITY_MISSING', 'header.projectCode'], ['PROJECT_IDENTITY_MISSING', 'header.projectName']]);
    expect(codes(contentOf({ kind: 'department', header: { unit: '开江县医疗保障局', year: 2024 } }))).toEqual([['INDICATORS_MISSING', 'indicators']]);
  });

  it('checks evaluation items: maximum, score, justification', () => {
    const report = contentOf({ kind: 'department', evaluationItems: [
      { id: 'e1', category: '采购管理', maximum: null, score: '3', justification: null },
      { id: 'e2', category: '资产管理', maximum: '10', score: null, justification: null },
    ] });
    expect(codes(report)).toEqual([
      ['EVALUATION_MAXIMUM_MISSING', 'evaluationItems[e1].maximum'],
      ['EVALUATION_JUSTIFICATION_MISSING', 'evaluationItems[e1].justification'],
      ['EVALUATION_SCORE_MISSING', 'evaluationItems[e2].score'],
      ['SCORE_INCOMPLETE', 'total'],
    ]);
  });

  it('lets errors block submission and nothing else', () => {
    expect(summariseChecks(checksOf(contentOf(clean)))).toEqual({ errors: 0, warnings: 0, infos: 0, submittable: true });
    const severities = Object.fromEntries(Object.entries(checkCatalogue).map(([code, entry]) => [code, entry.severity]));
    expect(severities).toMatchObject({
      WEIGHTS_TOTAL_MISMATCH: 'error',
      BUDGET_ROWS_SUM_MISMATCH: 'error',
      EXPLANATION_MISSING_SCORE_BELOW_WEIGHT: 'error',
      EXPLANATION_MISSING_LOW_EXECUTION: 'error',
      SELF_SCORE_MISMATCH: 'warning',
      OVER_ACHIEVEMENT: 'warning',
      BUDGET_ADJUSTMENT_LARGE: 'warning',
    });
  });
});
