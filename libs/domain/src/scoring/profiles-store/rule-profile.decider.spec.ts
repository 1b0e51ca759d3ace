import { describe, expect, it } from '@jest/globals';
import type { Actor } from '../../shared/actor.js';
import { DomainError } from '../../shared/domain-error.js';
import { builtInProfiles } from '../profiles/index.js';
import { currentRuleProfile, decideRuleProfile, evolveRuleProfile, initialRuleProfileState, parseDefineRuleProfile, type RuleProfileState } from './rule-profile.decider.js';
import { parseStoredRuleProfileEvent, ruleProfileEventSchemas, type RuleProfileEvent } from './rule-profile.events.js';

const AT = '2026-03-02T09:00:00.000+08:00';
const admin: Actor = { userId: 'u-admin', role: 'admin', organisationId: 'org-czj' };
const fold = (events: RuleProfileEvent[]) => events.reduce<RuleProfileState>(evolveRuleProfile, initialRuleProfileState());
const rulesOf = (id: string) => {
  const { id: _id, version: _version, ...rules } = structuredClone(builtInProfiles(id)!.json);
  return rules;
};
const heavier = () => {
  const rules = rulesOf('default');
  return { ...rules, execution: { ...rules.execution, weight: '20' }, indicators: { ...rules.indicators, total: '80' } };
};
const define = (profileId: string, profile: Record<string, unknown>, actor: Actor = admin) =>
  parseDefineRuleProfile({ type: 'DefineRuleProfile', data: { profileId, profile }, metadata: { at: AT, actor } });

function refusal(work: () => unknown): { code: string; path: string } {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, path: error.path };
    throw error;
  }
  throw new Error('not refused');
}

describe('rule profiles as versioned data', () => {
  it('starts from the built-in default as version 1, and numbers each change after it', () => {
    const none = initialRuleProfileState();
    expect(currentRuleProfile(none, builtInProfiles('default'))?.version).toBe(1);
    const first = decideRuleProfile(define('default', heavier()), none, builtInProfiles('default'));
    expect(first).toMatchObject([{ type: 'RuleProfileDefined', data: { profileId: 'default', version: 2, profile: { id: 'default', version: 2, execution: { weight: '20' } } } }]);
    const after = currentRuleProfile(fold(first), builtInProfiles('default'))!;
    expect([after.version, after.execution.weight.toFixed()]).toEqual([2, '20']);
    const back = decideRuleProfile(define('default', rulesOf('default')), fold(first), builtInProfiles('default'));
    expect(back).toMatchObject([{ data: { version: 3, profile: { execution: { weight: '10' } } } }]);
  });

  it('changes nothing when the rules in force are defined again', () => {
    expect(decideRuleProfile(define('default', rulesOf('default')), initialRuleProfileState(), builtInProfiles('default'))).toEqual([]);
    const first = decideRuleProfile(define('default', heavier()), initialRuleProfileState(), builtInProfiles('default'));
    expect(decideRuleProfile(define('default', heavier()), fold(first), builtInProfiles('default'))).toEqual([]);
  });

  it('starts a new profile id at version 1', () => {
    expect(decideRuleProfile(define('sichuan-2024', rulesOf('hubei-2020')), initialRuleProfileState(), undefined)).toMatchObject([{ data: { profileId: 'sichuan-2024', version: 1 } }]);
  });

  it('refuses anyone but an administrator, and profiles that do not add up, naming the field', () => {
    const filler: Actor = { userId: 'u-filler', role: 'unit_filler', organisationId: 'org-unit' };
    expect(refusal(() => decideRuleProfile(define('default', heavier(), filler), initialRuleProfileState(), builtInProfiles('default')))).toEqual({ code: 'ROLE_NOT_ALLOWED', path: '' });
    const unbalanced = { ...heavier(), indicators: { ...heavier().indicators, total: '90' } };
    expect(refusal(() => decideRuleProfile(define('default', unbalanced), initialRuleProfileState(), builtInProfiles('default')))).toEqual({ code: 'PROFILE_INVALID', path: 'profile.total' });
    expect(refusal(() => decideRuleProfile(define('default', { ...heavier(), execution: { weight: 20 } }), initialRuleProfileState(), builtInProfiles('default')))).toMatchObject({ code: 'PROFILE_INVALID' });
    expect(refusal(() => decideRuleProfile(define('default', { ...heavier(), id: 'hubei-2020' }), initialRuleProfileState(), builtInProfiles('default')))).toEqual({ code: 'PROFILE_ID_MISMATCH', path: 'profile.id' });
    expect(refusal(() => decideRuleProfile(define('default', { ...heavier(), version: 7 }), initialRuleProfileState(), builtInProfiles('default')))).toEqual({ code: 'PROFILE_VERSION_MISMATCH', path: 'profile.version' });
    expect(refusal(() => define('Default!', heavier()))).toMatchObject({ code: 'COMMAND_INVALID', path: 'data.profileId' });
  });

  it('reads stored definitions back, refusing a profile that does not match its event', () => {
    const [event] = decideRuleProfile(define('default', heavier()), initialRuleProfileState(), builtInProfiles('default'));
    const stored = { type: event!.type, schemaVersion: ruleProfileEventSchemas.RuleProfileDefined.version, data: JSON.parse(JSON.stringify(event!.data)) };
    expect(parseStoredRuleProfileEvent(stored)).toEqual(event);
    expect(refusal(() => parseStoredRuleProfileEvent({ ...stored, data: { ...stored.data, version: 3 } }))).toMatchObject({ code: 'EVENT_INVALID' });
    expect(refusal(() => parseStoredRuleProfileEvent({ ...stored, schemaVersion: 2 }))).toMatchObject({ code: 'EVENT_VERSION_UNSUPPORTED' });
  });
});
