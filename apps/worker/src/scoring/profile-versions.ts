import { builtInProfiles, parseRuleProfile, type RuleProfile } from '#domain';
import type { ScoringTables } from './scoring-tables.js';

/**
 * Rule profiles by id and version. A version never changes once defined, so each is read and
 * parsed once per process; version 1 of a built-in id is the built-in profile itself.
 */
export class ProfileVersions {
  private readonly known = new Map<string, RuleProfile>();

  constructor(private readonly tables: ScoringTables) {}

  async get(profileId: string, version: number): Promise<RuleProfile | undefined> {
    const key = `${profileId}\u0000${version}`;
    const cached = this.known.get(key);
    if (cached) return cached;
    const builtIn = builtInProfiles(profileId);
    let profile: RuleProfile | undefined;
    if (builtIn?.version === version) profile = builtIn;
    else {
      const stored = await this.tables.profileVersion(profileId, version);
      if (stored !== undefined) profile = parseRuleProfile(stored);
    }
    if (profile) this.known.set(key, profile);
    return profile;
  }
}
