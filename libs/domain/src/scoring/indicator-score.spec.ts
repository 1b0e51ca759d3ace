import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Dec } from '../shared/decimal.js';
import { hundredths } from '../testing/arbitraries.js';
import { indicatorFromWire, type IndicatorFieldsWire } from '../report/report.fields.js';
import type { Comparator } from '../report/report.model.js';
import { scoreIndicator } from './indicator-score.js';
import { ruleProfiles } from './profiles/index.js';

const byDefault = ruleProfiles['default']!;
const hubei = ruleProfiles['hubei-2020']!;

function indicator(fields: Partial<IndicatorFieldsWire>) {
  return indicatorFromWire('i1', {
    level1: 'output',
    level2: 'quantity',
    name: '指标',
    comparator: '≥',
    target: '100',
    unit: null,
    actual: '100',
    weight: '10',
    selfScore: null,
    explanation: null,
    qualitativeBand: null,
    ...fields,
  });
}

function score(fields: Partial<IndicatorFieldsWire>, profile = byDefault) {
  const result = scoreIndicator(indicator(fields), profile);
  return { score: result.score?.toFixed(2) ?? null, rule: result.rule, ...(result.reason && { reason: result.reason.code }) };
}

describe('scoreIndicator: the guide’s rules (default profile)', () => {
  it('scores the worked checks of seed 000: 135 of 150, 474 of 500, 547 of 815 with weight 5', () => {
    expect(score({ target: '150万元', actual: '135万元', weight: '5' })).toEqual({ score: '4.50', rule: 'ge.ratio' });
    expect(score({ target: '500万元', actual: '474万元', weight: '5' })).toEqual({ score: '4.74', rule: 'ge.ratio' });
    expect(score({ target: '815万元', actual: '547万元', weight: '5' })).toEqual({ score: '3.36', rule: 'ge.ratio' });
  });

  it('gives full weight once a ≥ target is met, and never more', () => {
    expect(score({ target: '200', unit: '次', actual: '206', weight: '20' })).toEqual({ score: '20.00', rule: 'ge.met' });
    expect(score({ target: '20', unit: '家', actual: '32', weight: '10' })).toEqual({ score: '10.00', rule: 'ge.met' });
  });

  it('meets a target with a textual lower bound at or above it (大于50万元 against ≥ 50 万元)', () => {
    expect(score({ target: '50', unit: '万元', actual: '大于50万元', weight: '20' })).toEqual({ score: '20.00', rule: 'ge.met' });
    expect(score({ target: '6', unit: '万人次', actual: '大于6万人次', weight: '20' })).toEqual({ score: '20.00', rule: 'ge.met' });
  });

  it('does not guess a score from a bound below the target', () => {
    expect(score({ target: '50', unit: '万元', actual: '大于40万元' })).toEqual({ score: null, rule: 'not-comparable', reason: 'ACTUAL_BOUND_INCONCLUSIVE' });
  });

  it('answers not comparable for an actual without a number', () => {
    expect(score({ target: '100', unit: '%', actual: '较好' })).toEqual({ score: null, rule: 'not-comparable', reason: 'ACTUAL_NOT_COMPARABLE' });
    expect(score({ target: '好', actual: '好' })).toEqual({ score: null, rule: 'not-comparable', reason: 'TARGET_NOT_COMPARABLE' });
  });

  it('counts a negative actual as 0', () => {
    expect(score({ target: '10', actual: '-5' })).toEqual({ score: '0.00', rule: 'ge.ratio' });
    expect(score({ comparator: '≤', target: '10', actual: '-5' })).toEqual({ score: '10.00', rule: 'le.within' });
  });

  it('scores ≤ linearly between target and twice the target, and 0 beyond', () => {
    expect(score({ comparator: '≤', target: '10', actual: '10' })).toEqual({ score: '10.00', rule: 'le.within' });
    expect(score({ comparator: '≤', target: '10', actual: '12' })).toEqual({ score: '8.00', rule: 'le.linear' });
    expect(score({ comparator: '<', target: '12', unit: '月', actual: '13月', weight: '20' })).toEqual({ score: '18.33', rule: 'le.linear' });
    expect(score({ comparator: '≤', target: '10', actual: '20' })).toEqual({ score: '0.00', rule: 'le.linear' });
    expect(score({ comparator: '≤', target: '10', actual: '35' })).toEqual({ score: '0.00', rule: 'le.linear' });
  });

  it('scores = like ≥ when under the target, and by zero tolerance when the target is 0', () => {
    expect(score({ comparator: '=', target: '100', unit: '%', actual: '98%', weight: '15' })).toEqual({ score: '14.70', rule: 'ge.ratio' });
    expect(score({ comparator: '=', target: '0', unit: '万元', actual: '0万元', weight: '90' })).toEqual({ score: '90.00', rule: 'eq.zero-target' });
    expect(score({ comparator: '=', target: '0', unit: '万元', actual: '0.5万元', weight: '90' })).toEqual({ score: '0.00', rule: 'eq.zero-target' });
  });

  it('takes a qualitative score inside the chosen band and refuses one outside', () => {
    const q = { comparator: '定性' as const, target: '好', actual: '好', weight: '20' };
    expect(score({ ...q, qualitativeBand: 'achieved', selfScore: '20' })).toEqual({ score: '20.00', rule: 'qualitative.band' });
    expect(score({ ...q, qualitativeBand: 'achieved', selfScore: '16' })).toEqual({ score: '16.00', rule: 'qualitative.band' });
    expect(score({ ...q, qualitativeBand: 'achieved', selfScore: '15.99' })).toMatchObject({ score: null, reason: 'QUALITATIVE_SCORE_OUT_OF_BAND' });
    expect(score({ ...q, qualitativeBand: 'partial', selfScore: '16' })).toMatchObject({ score: null, reason: 'QUALITATIVE_SCORE_OUT_OF_BAND' });
    expect(score({ ...q, qualitativeBand: 'failed', selfScore: '0' })).toEqual({ score: '0.00', rule: 'qualitative.band' });
    expect(score({ ...q, qualitativeBand: null, selfScore: '20' })).toMatchObject({ score: null, reason: 'QUALITATIVE_JUDGEMENT_MISSING' });
  });
});

describe('scoreIndicator: the Hubei 2020 profile', () => {
  it('scores ≤ as weight × target / actual', () => {
    expect(score({ comparator: '≤', target: '10', actual: '12' }, hubei)).toEqual({ score: '8.33', rule: 'le.ratio' });
    expect(score({ comparator: '≤', target: '10', actual: '40' }, hubei)).toEqual({ score: '2.50', rule: 'le.ratio' });
  });

  it('uses the bands 100–80 / 80–50 / 50–0', () => {
    const q = { comparator: '定性' as const, target: '好', actual: '较好', weight: '20' };
    expect(score({ ...q, qualitativeBand: 'partial', selfScore: '10' }, hubei)).toEqual({ score: '10.00', rule: 'qualitative.band' });
    expect(score({ ...q, qualitativeBand: 'partial', selfScore: '10' }, byDefault)).toMatchObject({ reason: 'QUALITATIVE_SCORE_OUT_OF_BAND' });
    expect(score({ ...q, qualitativeBand: 'failed', selfScore: '9.99' }, hubei)).toEqual({ score: '9.99', rule: 'qualitative.band' });
  });
});

// ── properties ─────────────────────────────────────────────────────────────

const quantitative = fc.constantFrom<Comparator>('≥', '>', '=', '≤', '<');
const profiles = fc.constantFrom(byDefault, hubei);

describe('scoreIndicator: properties', () => {
  it('always scores between 0 and the weight, rounded to two places', () => {
    fc.assert(
      fc.property(quantitative, hundredths(0, 10000), hundredths(1, 1_000_000), hundredths(-100_000, 5_000_000), profiles, (comparator, weight, target, actual, profile) => {
        const result = scoreIndicator(indicator({ comparator, weight, target, actual }), profile);
        expect(result.score).not.toBeNull();
        expect(result.score!.greaterThanOrEqualTo(0)).toBe(true);
        expect(result.score!.lessThanOrEqualTo(weight)).toBe(true);
        expect(result.score!.decimalPlaces()).toBeLessThanOrEqual(2);
      }),
    );
  });

  it('never falls as the actual rises for ≥, and never rises for ≤', () => {
    fc.assert(
      fc.property(fc.constantFrom<Comparator>('≥', '≤'), hundredths(1, 10000), hundredths(1, 100_000), hundredths(-10_000, 300_000), hundredths(-10_000, 300_000), profiles, (comparator, weight, target, a, b, profile) => {
        const [low, high] = new Dec(a).lessThanOrEqualTo(b) ? [a, b] : [b, a];
        const at = (actual: string) => scoreIndicator(indicator({ comparator, weight, target, actual }), profile).score!;
        if (comparator === '≥') expect(at(low).lessThanOrEqualTo(at(high))).toBe(true);
        else expect(at(low).greaterThanOrEqualTo(at(high))).toBe(true);
      }),
    );
  });
});
