import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { Dec, scoreReportFile, type ScoreFileResult } from '#domain';

// Golden cases: the two published reports in shared/seeds, transcribed into test/fixtures.
// Expected numbers come from the seed documents and the guide's worked checks, computed by hand.

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8');
const score = (name: string, profile?: string) => scoreReportFile(fixture(name), profile);

const itemScores = (r: ScoreFileResult) => Object.fromEntries(r.score.indicators.map((i) => [i.indicatorId, [i.score, i.rule]]));
const checkList = (r: ScoreFileResult) => r.checks.map((c) => [c.code, c.severity, c.path]);
const totals = (r: ScoreFileResult) => ({
  rate: r.score.execution.rate,
  execution: r.score.execution.score,
  indicators: r.score.indicatorTotal,
  total: r.score.total,
  grade: r.score.grade,
});

describe('seed 000: 开福区医疗保障局 2022 部门整体支出绩效自评表', () => {
  const result = score('seed-000-kaifu-2022.json');
  const doc = JSON.parse(fixture('seed-000-kaifu-2022.json')) as { indicators: Array<{ selfScore: string }>; selfTotal: string };

  it('transcribes the form: its 16 self scores add up to its total of 97.60', () => {
    const sum = doc.indicators.reduce((total, i) => total.plus(i.selfScore), new Dec(0));
    expect(doc.indicators).toHaveLength(16);
    expect([sum.toFixed(2), doc.selfTotal]).toEqual(['97.60', '97.60']);
  });

  it('scores every indicator by the guide, including 4.50, 4.74 and 3.36', () => {
    expect(itemScores(result)).toEqual({
      k01: ['10.00', 'ge.met'], // 157245 of 150000
      k02: ['5.00', 'le.within'], // 441 entitled people of a planned 450: a ceiling (see the fixture's notes)
      k03: ['5.00', 'le.within'], // 1038 of a planned 1050
      k04: ['5.00', 'ge.met'],
      k05: ['10.00', 'ge.met'],
      k06: ['10.00', 'ge.met'],
      k07: ['10.00', 'ge.met'],
      k08: ['5.00', 'ge.met'],
      k09: ['5.00', 'ge.met'],
      k10: ['4.50', 'ge.ratio'], // 135 of 150
      k11: ['4.74', 'ge.ratio'], // 474 of 500; the form prints 4.7
      k12: ['3.36', 'ge.ratio'], // 547 of 815 = 3.3558…; the form prints 3.4
      k13: ['5.00', 'ge.met'],
      k14: ['5.00', 'ge.met'],
      k15: ['5.00', 'ge.met'],
      k16: ['5.00', 'ge.met'],
    });
  });

  it('computes execution 5016 / 5184 = 96.76% → 9.68, and totals what the form weighs', () => {
    // The form's 97.60 with 4.74 for its 4.7 (k11) and 3.36 for its 3.4 (k12): the same sum; plus 9.68 for execution.
    expect(totals(result)).toEqual({ rate: '96.76', execution: '9.68', indicators: '97.60', total: '107.28', grade: '优' });
    expect([result.score.maximum, result.score.complete]).toEqual(['110', true]);
  });

  it('raises the form’s inconsistencies: weights 110, 核酸检测费用 twice, stated figures off', () => {
    expect(checkList(result)).toEqual([
      ['STATED_RATE_MISMATCH', 'warning', 'budget.total.statedRate'],
      ['SELF_SCORE_MISMATCH', 'warning', 'budget.selfScore'],
      ['WEIGHTS_TOTAL_MISMATCH', 'error', 'indicators'],
      ['INDICATOR_DUPLICATE', 'error', 'indicators[k14].name'],
      ['SELF_SCORE_MISMATCH', 'warning', 'indicators[k11].selfScore'],
      ['SELF_SCORE_MISMATCH', 'warning', 'indicators[k12].selfScore'],
      ['TOTAL_MISMATCH', 'warning', 'selfTotal'],
    ]);
    const message = (code: string, path?: string) => result.checks.find((c) => c.code === code && (path === undefined || c.path === path))!.message;
    expect(message('WEIGHTS_TOTAL_MISMATCH')).toEqual({ 'zh-CN': '指标权重合计110，应为100（预算执行10，绩效指标100）', en: 'Indicator weights total 110, expected 100 (budget execution 10, indicators 100)' });
    expect(message('STATED_RATE_MISMATCH')['zh-CN']).toBe('总额填报执行率96.75%，计算值为96.76%（5016.00 ÷ 5184.00）');
    expect(message('SELF_SCORE_MISMATCH', 'budget.selfScore')['zh-CN']).toBe('预算执行自评得分9.675，按规则计算为9.68');
    expect(message('SELF_SCORE_MISMATCH', 'indicators[k11].selfScore')['zh-CN']).toBe('指标“公费医疗”自评得分4.7，按规则计算为4.74');
    expect(message('INDICATOR_DUPLICATE')['zh-CN']).toBe('第14项指标“核酸检测费用”与第8项重复');
    expect(message('TOTAL_MISMATCH')['zh-CN']).toBe('填报总分97.6，计算总分107.28');
    expect(result.summary).toEqual({ errors: 2, warnings: 5, infos: 0, submittable: false });
  });

  it('re-scores under Hubei 2020: execution 20 × 96.76% = 19.35, weights 120', () => {
    const hubei = score('seed-000-kaifu-2022.json', 'hubei-2020');
    expect(totals(hubei)).toEqual({ rate: '96.76', execution: '19.35', indicators: '97.60', total: '116.95', grade: '优' });
    expect(hubei.checks.find((c) => c.code === 'WEIGHTS_TOTAL_MISMATCH')!.message.en).toBe('Indicator weights total 120, expected 100 (budget execution 20, indicators 100)');
  });
});

describe('seed 003: 开江县医疗保障局 2024 部门预算项目支出绩效自评表', () => {
  it('“大数据+医保”平台采购项目: one 90-point cost indicator, budget cut from 170 to 9.33', () => {
    const result = score('seed-003-kaijiang-2024-big-data-platform.json');
    expect(itemScores(result)).toEqual({ 'p1-c01': ['90.00', 'eq.zero-target'] });
    expect(totals(result)).toEqual({ rate: '100.00', execution: '10.00', indicators: '90.00', total: '100.00', grade: '优' });
    expect(checkList(result)).toEqual([
      ['BUDGET_ADJUSTMENT_LARGE', 'warning', 'budget.total.adjusted'],
      ['INDICATOR_GROUP_MISSING', 'warning', 'indicators'],
      ['INDICATOR_GROUP_MISSING', 'warning', 'indicators'],
      ['INDICATOR_GROUP_MISSING', 'warning', 'indicators'],
    ]);
    expect(result.checks[0]!.message['zh-CN']).toBe('调整后预算9.33万元较年初预算170.00万元减少94.51%');
    expect(result.checks.slice(1).map((c) => c.details?.['group'])).toEqual(['output', 'benefit', 'satisfaction']);
  });

  it('全县政府性投资建设: 大于50万元 meets its target of 50 万元', () => {
    const result = score('seed-003-kaijiang-2024-government-investment.json');
    expect(itemScores(result)).toEqual({
      'p2-o01': ['20.00', 'ge.met'],
      'p2-o02': ['20.00', 'le.within'],
      'p2-b01': ['20.00', 'ge.met'],
      'p2-s01': ['10.00', 'ge.met'],
      'p2-c01': ['20.00', 'eq.zero-target'],
    });
    expect(result.score.indicators.find((i) => i.indicatorId === 'p2-b01')!.actual).toEqual({ kind: 'bound', op: '>', value: '50', unit: '万元' });
    expect(totals(result)).toEqual({ rate: '100.00', execution: '10.00', indicators: '90.00', total: '100.00', grade: '优' });
    expect(checkList(result)).toEqual([['BUDGET_ADJUSTMENT_LARGE', 'warning', 'budget.total.adjusted']]);
    expect(result.checks[0]!.message['zh-CN']).toBe('年初预算为0，调整后预算10.00万元');
  });

  it('城乡医疗救助: 大于6万人次 meets 6 万人次, the qualitative 好 is scored in its band, nothing to flag', () => {
    const result = score('seed-003-kaijiang-2024-medical-assistance.json');
    expect(itemScores(result)).toEqual({
      'p3-o01': ['20.00', 'ge.met'],
      'p3-o02': ['20.00', 'ge.met'],
      'p3-o03': ['20.00', 'ge.met'],
      'p3-b01': ['20.00', 'qualitative.band'],
      'p3-s01': ['10.00', 'ge.met'],
    });
    expect(result.score.indicators.find((i) => i.indicatorId === 'p3-o01')!.actual).toEqual({ kind: 'bound', op: '>', value: '6', unit: '万人次' });
    expect(totals(result)).toEqual({ rate: '100.00', execution: '10.00', indicators: '90.00', total: '100.00', grade: '优' });
    // 776.41 → 547.50 is a 29.48% cut, under the profile's 50%.
    expect(checkList(result)).toEqual([]);
  });

  it('专项经费: 32 network sites against a target of 20 is flagged as over-achievement', () => {
    const result = score('seed-003-kaijiang-2024-special-operations.json');
    expect(Object.values(itemScores(result))).toEqual([
      ['10.00', 'ge.met'],
      ['10.00', 'ge.met'],
      ['10.00', 'ge.met'],
      ['15.00', 'ge.met'],
      ['15.00', 'ge.met'],
      ['20.00', 'qualitative.band'],
      ['10.00', 'ge.met'],
    ]);
    expect(totals(result)).toEqual({ rate: '100.00', execution: '10.00', indicators: '90.00', total: '100.00', grade: '优' });
    expect(checkList(result)).toEqual([
      ['BUDGET_ADJUSTMENT_LARGE', 'warning', 'budget.total.adjusted'],
      ['OVER_ACHIEVEMENT', 'warning', 'indicators[p4-o03].actual'],
    ]);
    expect(result.checks.map((c) => c.message['zh-CN'])).toEqual([
      '调整后预算8.99万元较年初预算32.00万元减少71.91%',
      '指标“网络安装维护”完成值32为指标值20的160.00%，达到120%以上，指标值可能设定偏低',
    ]);
  });

  it('部门预算绩效评价: the nine evaluation items add up to 92.13', () => {
    const result = score('seed-003-kaijiang-2024-department.json');
    expect(result.score.evaluationItems.map((i) => i.score)).toEqual(['15.00', '19.33', '10.00', '9.00', '3.00', '8.00', '11.00', '8.80', '8.00']);
    expect({ evaluation: result.score.evaluationTotal, total: result.score.total, grade: result.score.grade, execution: result.score.execution.rule }).toEqual({
      evaluation: '92.13',
      total: '92.13',
      grade: '优',
      execution: 'not-applicable',
    });
    expect(checkList(result)).toEqual(Array.from({ length: 9 }, (_, i) => ['EVALUATION_MAXIMUM_MISSING', 'warning', `evaluationItems[d0${i + 1}].maximum`]));
  });
});
