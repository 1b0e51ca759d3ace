import { Injectable } from '@nestjs/common';
import type { Principal } from './principal.js';
import { OrganisationDirectory } from './principal.js';

/**
 * Who sees what: everyone acts inside the subtree of their own organisation; auditors and admins
 * see their whole region (the finance bureau at the root of their lineage).
 */
@Injectable()
export class AccessPolicy {
  constructor(private readonly directory: OrganisationDirectory) {}

  async scopeRoot(principal: Principal): Promise<string> {
    if (principal.role === 'auditor' || principal.role === 'admin') {
      const lineage = await this.directory.lineage(principal.organisationId);
      return lineage[lineage.length - 1] ?? principal.organisationId;
    }
    return principal.organisationId;
  }

  async canSee(principal: Principal, organisationId: string): Promise<boolean> {
    return this.directory.isWithin(organisationId, await this.scopeRoot(principal));
  }

  /** The organisations whose reports the principal may list. */
  async visibleOrganisations(principal: Principal): Promise<string[]> {
    return this.directory.subtree(await this.scopeRoot(principal));
  }
}
