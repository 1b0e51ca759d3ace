import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/domain-error.js';
import { defaultProfileJson } from './profiles/default.profile.js';
import { getRuleProfile, ruleProfiles } from './profiles/index.js';
import { parseRuleProfile } from './rule-profile.js';

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.problems.map((p) => [p.code, p.path]);
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('rule profiles', () => {
  it('ships the guide’s default and the Hubei 2020 variant, each with id and version', () => {
    expect(Object.values(ruleProfiles).map((p) => [p.id, p.version, p.execution.weight.toFixed(), p.indicators.total.toFixed(), p.indicators.formulas.lessIsBetter])).toEqual([
      ['default', 1, '10', '90', 'le.linear'],
      ['hubei-2020', 1, '20', '80', 'le.ratio'],
    ]);
  });

  it('refuses a profile whose execution weight and indicator total miss its total', () => {
    expect(problemsOf(() => parseRuleProfile({ ...defaultProfileJson, execution: { ...defaultProfileJson.execution, weight: '20' } }))).toEqual([['PROFILE_INVALID', 'total']]);
  });

  it('refuses a formula it does not know, and grades that do not fall to 0', () => {
    const formulas = { ...defaultProfileJson.indicators.formulas, lessIsBetter: 'le.quadratic' };
    expect(problemsOf(() => parseRuleProfile({ ...defaultProfileJson, indicators: { ...defaultProfileJson.indicators, formulas } }))).toEqual([
      ['PROFILE_INVALID', 'indicators.formulas.lessIsBetter'],
    ]);
    expect(problemsOf(() => parseRuleProfile({ ...defaultProfileJson, grades: [{ grade: '优', min: '90' }, { grade: '差', min: '10' }] }))).toEqual([['PROFILE_INVALID', 'grades']]);
  });

  it('names the available profiles when asked for an unknown one', () => {
    expect(() => getRuleProfile('sichuan-2024')).toThrow('unknown rule profile: sichuan-2024 (available: default, hubei-2020)');
  });
});
