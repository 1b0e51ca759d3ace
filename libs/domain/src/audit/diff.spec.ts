import { describe, expect, it } from '@jest/globals';
import { diffDocuments } from './diff.js';

const base = {
  status: 'draft',
  report: {
    header: { unit: '开福区医疗保障局', year: 2022, projectCode: null },
    budget: { total: { initial: '5184.00', adjusted: '5184.00', executed: '5016.00' } },
    indicators: [
      { id: 'k11', name: '公费医疗', target: '500万元', actual: '470万元', weight: '5' },
      { id: 'k12', name: '医疗救助', target: '815万元', actual: '547万元', weight: '5' },
    ],
    narrative: { problems: null },
  },
};

function edit(mutate: (doc: typeof base) => void) {
  const copy = structuredClone(base);
  mutate(copy);
  return copy;
}

describe('diffDocuments', () => {
  it('finds nothing between equal documents', () => {
    expect(diffDocuments(base, structuredClone(base))).toEqual([]);
  });

  it('names exactly the fields that changed, with form labels', () => {
    const after = edit((d) => {
      d.report.indicators[0]!.actual = '474万元';
      d.report.budget.total.executed = '5020.00';
      d.report.narrative.problems = '医疗费用发生存在不确定性' as never;
      d.status = 'submitted';
    });
    expect(diffDocuments(base, after)).toEqual([
      { path: 'status', kind: 'changed', label: { 'zh-CN': '状态', en: 'Status' }, before: 'draft', after: 'submitted' },
      {
        path: 'report.budget.total.executed',
        kind: 'changed',
        label: { 'zh-CN': '预算执行情况 · 资金总额 · 全年执行数', en: 'Budget execution · Total funds · Executed' },
        before: '5016.00',
        after: '5020.00',
      },
      {
        path: 'report.indicators[k11].actual',
        kind: 'changed',
        label: { 'zh-CN': '绩效指标“公费医疗” · 实际完成值', en: 'Indicator “公费医疗” · Actual' },
        before: '470万元',
        after: '474万元',
      },
      {
        path: 'report.narrative.problems',
        kind: 'added',
        label: { 'zh-CN': '文字说明 · 存在问题', en: 'Narrative · Problems' },
        before: null,
        after: '医疗费用发生存在不确定性',
      },
    ]);
  });

  it('matches list entries by id: a removal and an addition, not a shifted table', () => {
    const after = edit((d) => {
      d.report.indicators.splice(0, 1);
      d.report.indicators.push({ id: 'k13', name: '业务工作经费', target: '110万元', actual: '110万元', weight: '5' });
    });
    expect(diffDocuments(base, after).map((c) => [c.path, c.kind])).toEqual([
      ['report.indicators[k11]', 'removed'],
      ['report.indicators[k13]', 'added'],
    ]);
  });

  it('reports a reorder once', () => {
    const after = edit((d) => d.report.indicators.reverse());
    expect(diffDocuments(base, after)).toEqual([
      { path: 'report.indicators', kind: 'reordered', label: { 'zh-CN': '绩效指标', en: 'Indicator' }, before: ['k11', 'k12'], after: ['k12', 'k11'] },
    ]);
  });
});
