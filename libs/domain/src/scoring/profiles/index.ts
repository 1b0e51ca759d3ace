import { DomainError } from '../../shared/domain-error.js';
import { text } from '../../shared/i18n.js';
import { parseRuleProfile, type RuleProfile } from '../rule-profile.js';
import { defaultProfileJson } from './default.profile.js';
import { hubei2020ProfileJson } from './hubei-2020.profile.js';

/** The built-in profiles, validated when the module loads so a bad edit fails every test at once. */
export const ruleProfiles: Readonly<Record<string, RuleProfile>> = Object.freeze(
  Object.fromEntries([defaultProfileJson, hubei2020ProfileJson].map((json) => {
    const profile = parseRuleProfile(json);
    return [profile.id, profile];
  })),
);

export type ProfileLookup = (id: string) => RuleProfile | undefined;

export const builtInProfiles: ProfileLookup = (id) => (Object.hasOwn(ruleProfiles, id) ? ruleProfiles[id] : undefined);

export function getRuleProfile(id: string, lookup: ProfileLookup = builtInProfiles): RuleProfile {
  const profile = lookup(id);
  if (!profile) {
    const known = Object.keys(ruleProfiles).join(', ');
    throw DomainError.of('PROFILE_NOT_FOUND', 'profileId', text(`未知的评分规则：${id}（可用：${known}）`, `unknown rule profile: ${id} (available: ${known})`));
  }
  return profile;
}
