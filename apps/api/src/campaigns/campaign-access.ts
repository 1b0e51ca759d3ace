import { Injectable } from '@nestjs/common';
import type { Role } from '#domain';
import { AccessPolicy } from '../auth/access-policy.js';
import { DirectoryReadModel } from '../auth/directory-read-model.js';
import type { Principal } from '../auth/principal.js';
import { requireRole } from '../auth/require-role.js';
import { HttpProblem } from '../http/http-problem.js';

/** Campaigns are run by the finance bureau's performance office; its reviewers and auditors follow them. */
export const campaignManagers: readonly Role[] = ['performance_officer', 'admin'];
export const campaignReaders: readonly Role[] = ['performance_officer', 'admin', 'finance_reviewer', 'department_reviewer', 'auditor'];

export function campaignNotFound(campaignId: string): HttpProblem {
  return HttpProblem.of(404, 'CAMPAIGN_NOT_FOUND', 'campaignId', `没有编号为${campaignId}的评价任务`, `No campaign ${campaignId}`);
}

/** Where campaigns meet the organisation directory: the caller's region, its units, what the caller may see. */
@Injectable()
export class CampaignAccess {
  constructor(
    private readonly directory: DirectoryReadModel,
    private readonly access: AccessPolicy,
  ) {}

  requireManager(principal: Principal): void {
    requireRole(principal, ...campaignManagers);
  }

  requireReader(principal: Principal): void {
    requireRole(principal, ...campaignReaders);
  }

  /** The finance bureau at the root of the caller's lineage; null when the directory does not know the organisation. */
  async regionOf(principal: Principal): Promise<string | null> {
    return (await this.directory.lineage(principal.organisationId)).at(-1) ?? null;
  }

  /**
   * Which of the ids are budget units of the region: known, of kind unit, their lineage ending at
   * the bureau. Resolved in order up to the first that is not: the decider refuses at the first
   * bad entry, so nothing after it is ever asked about (and a long list of unknown ids costs one lookup).
   */
  async unitsOfRegion(unitIds: readonly string[], regionId: string | null): Promise<Set<string>> {
    const units = new Set<string>();
    if (regionId === null) return units;
    for (const unitId of new Set(unitIds)) {
      const organisation = await this.directory.organisation(unitId);
      const lineage = organisation?.kind === 'unit' ? await this.directory.lineage(unitId) : [];
      if (lineage.at(-1) !== regionId) break;
      units.add(unitId);
    }
    return units;
  }

  /** The organisations whose progress the caller may see: their own subtree, or the whole region for auditors and admins. */
  async visibleOrganisations(principal: Principal): Promise<Set<string>> {
    return new Set(await this.access.visibleOrganisations(principal));
  }

  async unitNames(unitIds: readonly string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const unitId of unitIds) {
      const organisation = await this.directory.organisation(unitId);
      if (organisation) names.set(unitId, organisation.name);
    }
    return names;
  }
}
