import { z } from 'zod';
import { eventPayload } from '../../shared/event-payload.js';
import { DomainError } from '../../shared/domain-error.js';
import { text } from '../../shared/i18n.js';
import { parseOrThrow } from '../../shared/zod-problems.js';
import { ruleProfileSchema } from '../rule-profile.js';

/**
 * A rule profile's versions, one after another, in `rule-profile-<profileId>`. The built-in
 * profiles (libs/domain/src/scoring/profiles) are the version 1 defaults of their ids: the first
 * definition of `default` is its version 2.
 */
export function ruleProfileStreamId(profileId: string): string {
  return `rule-profile-${profileId}`;
}

const PROFILE_PREFIX = ruleProfileStreamId('');

export function profileIdOfStream(streamId: string): string | null {
  return streamId.startsWith(PROFILE_PREFIX) ? streamId.slice(PROFILE_PREFIX.length) : null;
}

export const RULE_PROFILE_DEFINED = 'RuleProfileDefined';

export const ruleProfileEventSchemas = {
  RuleProfileDefined: {
    version: 1,
    schema: eventPayload({ profileId: z.string().min(1).max(64), version: z.number().int().min(1), profile: ruleProfileSchema }).superRefine((data, ctx) => {
      if (data.profile.id !== data.profileId) ctx.addIssue({ code: 'custom', path: ['profile', 'id'], message: `must be ${data.profileId}` });
      if (data.profile.version !== data.version) ctx.addIssue({ code: 'custom', path: ['profile', 'version'], message: `must be ${data.version}` });
    }),
  },
} as const;

export type RuleProfileDefinedData = z.output<(typeof ruleProfileEventSchemas)['RuleProfileDefined']['schema']>;
export type RuleProfileEvent = { type: 'RuleProfileDefined'; data: RuleProfileDefinedData };

export function isRuleProfileEventType(type: string): type is RuleProfileEvent['type'] {
  return type === RULE_PROFILE_DEFINED;
}

export function parseStoredRuleProfileEvent(stored: { type: string; schemaVersion: number; data: unknown }): RuleProfileEvent {
  if (stored.type !== RULE_PROFILE_DEFINED) {
    throw DomainError.of('EVENT_TYPE_UNKNOWN', 'type', text(`未知的事件类型：${stored.type}`, `unknown event type: ${stored.type}`));
  }
  if (stored.schemaVersion !== ruleProfileEventSchemas.RuleProfileDefined.version) {
    throw DomainError.of(
      'EVENT_VERSION_UNSUPPORTED',
      'schemaVersion',
      text(`事件 RuleProfileDefined 的版本 ${stored.schemaVersion} 不受支持`, `RuleProfileDefined version ${stored.schemaVersion} is not supported`),
    );
  }
  return { type: RULE_PROFILE_DEFINED, data: parseOrThrow(ruleProfileEventSchemas.RuleProfileDefined.schema, stored.data, 'EVENT_INVALID', 'data') };
}
