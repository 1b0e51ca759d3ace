// Rule profiles as admin-managed data: versions in an event stream per profile id.
export {
  isRuleProfileEventType,
  parseStoredRuleProfileEvent,
  profileIdOfStream,
  RULE_PROFILE_DEFINED,
  ruleProfileEventSchemas,
  ruleProfileStreamId,
  type RuleProfileDefinedData,
  type RuleProfileEvent,
} from './rule-profile.events.js';
export {
  currentRuleProfile,
  decideRuleProfile,
  defineRuleProfileCommandSchema,
  evolveRuleProfile,
  initialRuleProfileState,
  parseDefineRuleProfile,
  type DefineRuleProfile,
  type RuleProfileState,
} from './rule-profile.decider.js';
