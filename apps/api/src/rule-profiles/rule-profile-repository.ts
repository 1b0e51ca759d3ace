import { Injectable } from '@nestjs/common';
import {
  builtInProfiles,
  currentRuleProfile,
  evolveRuleProfile,
  initialRuleProfileState,
  parseStoredRuleProfileEvent,
  ruleProfileStreamId,
  type RuleProfile,
  type RuleProfileState,
} from '#domain';
import { EventStore } from '#eventstore';

export interface LoadedRuleProfile {
  state: RuleProfileState;
  /** The built-in default of this id (its version 1), if there is one. */
  builtIn: RuleProfile | undefined;
  /** The profile in force: the latest definition, else the built-in default. */
  current: RuleProfile | undefined;
  /** Revision of the profile's stream; null while only the built-in default exists. */
  revision: number | null;
}

/** A rule profile's versions, read from `rule-profile-<id>`. */
@Injectable()
export class RuleProfileRepository {
  constructor(private readonly eventStore: EventStore) {}

  async load(profileId: string): Promise<LoadedRuleProfile> {
    const events = await this.eventStore.readStream(ruleProfileStreamId(profileId));
    let state = initialRuleProfileState();
    for (const event of events) state = evolveRuleProfile(state, parseStoredRuleProfileEvent({ type: event.type, schemaVersion: event.metadata.schemaVersion, data: event.data }));
    const builtIn = builtInProfiles(profileId);
    return { state, builtIn, current: currentRuleProfile(state, builtIn), revision: events.at(-1)?.revision ?? null };
  }
}

/** A profile as the API shows it: the rules, and where this version came from. */
export function representProfile(loaded: LoadedRuleProfile) {
  const profile = loaded.current!;
  return {
    ...profile.json,
    builtIn: loaded.state.status === 'none',
    definedAt: loaded.state.status === 'defined' ? loaded.state.definedAt : null,
    definedBy: loaded.state.status === 'defined' ? loaded.state.definedBy : null,
  };
}
