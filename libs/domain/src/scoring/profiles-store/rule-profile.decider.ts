import { z } from 'zod';
import { commandMetadataSchema, type Actor } from '../../shared/actor.js';
import { DomainError } from '../../shared/domain-error.js';
import { text } from '../../shared/i18n.js';
import { parseOrThrow } from '../../shared/zod-problems.js';
import { parseRuleProfile, type RuleProfile, type RuleProfileJson } from '../rule-profile.js';
import type { RuleProfileEvent } from './rule-profile.events.js';

export const defineRuleProfileCommandSchema = z
  .object({
    type: z.literal('DefineRuleProfile'),
    data: z
      .object({
        profileId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: 'id' }),
        /** The profile as ruleProfileSchema describes it; `id` and `version` may be left out (the server assigns them). */
        profile: z.record(z.string(), z.unknown()),
      })
      .strict(),
    metadata: commandMetadataSchema,
  })
  .strict();
export type DefineRuleProfile = z.output<typeof defineRuleProfileCommandSchema>;

export function parseDefineRuleProfile(input: unknown): DefineRuleProfile {
  return parseOrThrow(defineRuleProfileCommandSchema, input, 'COMMAND_INVALID');
}

export type RuleProfileState =
  | { status: 'none' }
  | { status: 'defined'; profile: RuleProfile; definedAt: string; definedBy: Actor };

export function initialRuleProfileState(): RuleProfileState {
  return { status: 'none' };
}

export function evolveRuleProfile(_state: RuleProfileState, event: RuleProfileEvent): RuleProfileState {
  return { status: 'defined', profile: parseRuleProfile(event.data.profile), definedAt: event.data.at, definedBy: event.data.by };
}

/** The profile in force: the latest definition, else the built-in default of that id (if any). */
export function currentRuleProfile(state: RuleProfileState, builtIn: RuleProfile | undefined): RuleProfile | undefined {
  return state.status === 'defined' ? state.profile : builtIn;
}

const sameRules = (a: RuleProfile, b: RuleProfile) => JSON.stringify({ ...a.json, version: 0 }) === JSON.stringify({ ...b.json, version: 0 });

/**
 * Defines the next version of a rule profile (administrators only). Defining the rules already in
 * force changes nothing; anything else is a new version, which re-scores every report naming the
 * profile. `id` and `version` in the body are optional; given, they must be this id and the next
 * version.
 */
export function decideRuleProfile(command: DefineRuleProfile, state: RuleProfileState, builtIn: RuleProfile | undefined): RuleProfileEvent[] {
  const { actor, at } = command.metadata;
  if (actor.role !== 'admin') {
    throw DomainError.of('ROLE_NOT_ALLOWED', '', text('只有系统管理员可以修改评分规则', 'only an administrator may change rule profiles'), { role: actor.role });
  }
  const { profileId, profile: body } = command.data;
  const current = currentRuleProfile(state, builtIn);
  const version = (current?.version ?? 0) + 1;
  if (body.id !== undefined && body.id !== profileId) {
    throw DomainError.of('PROFILE_ID_MISMATCH', 'profile.id', text(`规则编号应为 ${profileId}`, `the profile id must be ${profileId}`), { expected: profileId });
  }
  if (body.version !== undefined && body.version !== version) {
    throw DomainError.of('PROFILE_VERSION_MISMATCH', 'profile.version', text(`下一版本应为 ${version}`, `the next version is ${version}`), { expected: version });
  }
  let next: RuleProfile;
  try {
    next = parseRuleProfile({ ...body, id: profileId, version } as RuleProfileJson);
  } catch (error) {
    // The same problems, pointed at the body's fields.
    if (error instanceof DomainError) throw new DomainError(error.problems.map((p) => ({ ...p, path: p.path === '' ? 'profile' : `profile.${p.path}` })));
    throw error;
  }
  if (current && sameRules(current, next)) return [];
  return [{ type: 'RuleProfileDefined', data: { at, by: actor, profileId, version, profile: next.json } }];
}
