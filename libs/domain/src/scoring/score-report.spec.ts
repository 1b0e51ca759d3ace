import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Dec } from '../shared/decimal.js';
import { hundredths } from '../testing/arbitraries.js';
import { contentOf, docIndicator } from '../testing/report-builders.js';
import { gradeFor } from './grade.js';
import { ruleProfiles } from './profiles/index.js';
import { scoreReport } from './score-report.js';

const byDefault = ruleProfiles['default']!;
const hubei = ruleProfiles['hubei-2020']!;

const budget = (adjusted: string, executed: string) => ({ total: { initial: adjusted, adjusted, executed } });

describe('scoreReport: budget execution', () => {
  it('rounds the rate half-up to two places and scores weight × rate (seed 000: 5016 / 5184)', () => {
    const { execution } = scoreReport(contentOf({ budget: budget('5184', '5016'), indicators: [docIndicator('b01')] }), byDefault);
    expect({ rate: execution.rate?.toFixed(2), score: execution.score?.toFixed(2), rule: execution.rule }).toEqual({ rate: '96.76', score: '9.68', rule: 'execution.capped-rate' });
  });

  it('gives execution 20 points under Hubei 2020', () => {
    const { execution } = scoreReport(contentOf({ budget: budget('5184', '5016'), indicators: [docIndicator('b01')] }), hubei);
    expect(execution.score?.toFixed(2)).toBe('19.35');
  });

  it('caps the score at the weight when more was executed than budgeted', () => {
    const { execution } = scoreReport(contentOf({ budget: budget('100', '120'), indicators: [docIndicator('b01')] }), byDefault);
    expect({ rate: execution.rate?.toFixed(2), score: execution.score?.toFixed(2) }).toEqual({ rate: '120.00', score: '10.00' });
  });

  it('cannot score execution without an adjusted budget, and then withholds the grade', () => {
    const score = scoreReport(contentOf({ budget: { total: { initial: '10' } }, indicators: [docIndicator('b01')] }), byDefault);
    expect(score.execution).toMatchObject({ rule: 'not-comparable', score: null, reason: { code: 'BUDGET_TOTAL_MISSING' } });
    expect({ complete: score.complete, grade: score.grade, total: score.total.toFixed(2) }).toEqual({ complete: false, grade: null, total: '20.00' });
  });

  it('leaves execution out of a report scored by evaluation items alone', () => {
    const score = scoreReport(
      contentOf({ kind: 'department', evaluationItems: [{ id: 'e1', category: '履职效能', maximum: '20', score: '15', justification: '3个目标全部完成' }] }),
      byDefault,
    );
    expect({ rule: score.execution.rule, maximum: score.maximum.toFixed(), total: score.total.toFixed(2), complete: score.complete }).toEqual({ rule: 'not-applicable', maximum: '20', total: '15.00', complete: true });
  });
});

describe('scoreReport: totals and grades', () => {
  it('grades exactly at the boundaries 60, 80 and 90', () => {
    const grade = (total: string) => gradeFor(new Dec(total), byDefault.grades);
    expect(['59.99', '60', '79.99', '80', '89.99', '90', '0', '100'].map((t) => [t, grade(t)])).toEqual([
      ['59.99', '差'],
      ['60', '中'],
      ['79.99', '中'],
      ['80', '良'],
      ['89.99', '良'],
      ['90', '优'],
      ['0', '差'],
      ['100', '优'],
    ]);
  });

  it('totals the execution score and every item score', () => {
    const row = fc.record({ weight: hundredths(0, 3000), target: fc.integer({ min: 1, max: 100000 }), actual: fc.integer({ min: 0, max: 200000 }), le: fc.boolean() });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 100000 }), fc.integer({ min: 0, max: 100000 }), (rows, adjusted, executed) => {
        const report = contentOf({
          budget: budget(String(adjusted), String(executed)),
          indicators: rows.map((r, i) => docIndicator(`i${i}`, { weight: r.weight, target: String(r.target), actual: String(r.actual), comparator: r.le ? '≤' : '≥', unit: '个' })),
        });
        const score = scoreReport(report, byDefault);
        const items = score.indicators.reduce((sum, i) => sum.plus(i.score!), score.execution.score!);
        expect(score.total.equals(items)).toBe(true);
        expect(score.grade).toBe(gradeFor(score.total, byDefault.grades));
      }),
    );
  });
});
