import { organisationKindLabels, parentKindOf } from './directory.model.js';
import { directoryEvent, type OrganisationEvent } from './directory.events.js';
import { refuse, requireAdmin, requireSameRegion } from './directory.refusals.js';
import type { OrganisationCommand } from './organisation.commands.js';
import type { OrganisationState } from './organisation.state.js';

/**
 * What the application loads from other streams before deciding, so the decider stays pure.
 */
export interface OrganisationContext {
  /** The region (id of the finance bureau) of the acting user's organisation; null when unknown. */
  actorRegionId: string | null;
  /** RegisterOrganisation: the parent as its own stream stands ('none' when it does not exist). */
  parent?: OrganisationState;
}

/**
 * Registers and renames organisations. A finance bureau is the root of a new region and is
 * registered by that region's own (bootstrap) administrator; departments hang under a bureau and
 * units under a department, each registered by an administrator of the same region.
 */
export function decideOrganisation(command: OrganisationCommand, state: OrganisationState, context: OrganisationContext): OrganisationEvent[] {
  const { actor } = command.metadata;
  const meta = { at: command.metadata.at, by: actor };
  requireAdmin(actor);

  switch (command.type) {
    case 'RegisterOrganisation': {
      const d = command.data;
      if (state.status !== 'none') {
        // A retried registration is answered with what is already there.
        if (state.kind === d.kind && state.name === d.name && state.parentId === d.parentId) return [];
        return refuse('ORGANISATION_ALREADY_EXISTS', 'organisationId', `组织${d.organisationId}已存在`, `organisation ${d.organisationId} already exists`);
      }
      const expectedParentKind = parentKindOf[d.kind];
      let regionId: string;
      if (expectedParentKind === null) {
        if (d.parentId !== null) {
          refuse('ORGANISATION_PARENT_NOT_ALLOWED', 'parentId', '财政局是本地区的根组织，不能有上级组织', 'a finance bureau is the root of its region and has no parent');
        }
        if (actor.organisationId !== d.organisationId) {
          refuse(
            'ORGANISATION_OUTSIDE_REGION',
            'organisationId',
            '新地区的财政局只能由该地区自己的系统管理员（初始化程序）登记',
            "a new region's finance bureau is registered only by that region's own administrator (the bootstrap)",
          );
        }
        regionId = d.organisationId;
      } else {
        const expected = organisationKindLabels[expectedParentKind];
        const own = organisationKindLabels[d.kind];
        if (d.parentId === null) {
          return refuse('ORGANISATION_PARENT_REQUIRED', 'parentId', `${own['zh-CN']}必须有上级${expected['zh-CN']}`, `a ${own.en} needs a parent ${expected.en}`);
        }
        const parent = context.parent;
        if (parent === undefined || parent.status === 'none') {
          return refuse('ORGANISATION_PARENT_NOT_FOUND', 'parentId', `上级组织${d.parentId}不存在`, `parent organisation ${d.parentId} does not exist`);
        }
        if (parent.organisationId !== d.parentId) throw new Error(`context holds organisation ${parent.organisationId}, not the parent ${d.parentId}`);
        if (parent.kind !== expectedParentKind) {
          refuse(
            'ORGANISATION_PARENT_KIND_INVALID',
            'parentId',
            `${own['zh-CN']}的上级必须是${expected['zh-CN']}，而${d.parentId}是${organisationKindLabels[parent.kind]['zh-CN']}`,
            `the parent of a ${own.en} must be a ${expected.en}; ${d.parentId} is a ${organisationKindLabels[parent.kind].en}`,
            { parentKind: parent.kind },
          );
        }
        requireSameRegion(parent.regionId, context.actorRegionId, 'ORGANISATION_OUTSIDE_REGION', 'parentId');
        regionId = parent.regionId;
      }
      return [directoryEvent('OrganisationRegistered', { ...meta, organisationId: d.organisationId, kind: d.kind, name: d.name, parentId: d.parentId, regionId })];
    }
    case 'RenameOrganisation': {
      if (state.status === 'none') return refuse('ORGANISATION_NOT_FOUND', '', '组织不存在', 'the organisation does not exist');
      requireSameRegion(state.regionId, context.actorRegionId, 'ORGANISATION_OUTSIDE_REGION', '');
      if (state.name === command.data.name) return [];
      return [directoryEvent('OrganisationRenamed', { ...meta, organisationId: state.organisationId, name: command.data.name })];
    }
    default: {
      const unhandled: never = command;
      throw new Error(`unknown organisation command ${(unhandled as { type: string }).type}`);
    }
  }
}
