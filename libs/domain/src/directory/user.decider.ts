import { organisationKindLabels, organisationKindOfRole, roleLabels, usernamePattern } from './directory.model.js';
import { directoryEvent, type UserEvent } from './directory.events.js';
import { refuse, requireAdmin, requireSameRegion } from './directory.refusals.js';
import type { OrganisationState } from './organisation.state.js';
import type { UserCommand } from './user.commands.js';
import type { UserState } from './user.state.js';

export interface UserContext {
  /** The region (id of the finance bureau) of the acting user's organisation; null when unknown. */
  actorRegionId: string | null;
  /** RegisterUser: the organisation the user will belong to, as its stream stands. */
  organisation?: OrganisationState;
}

/**
 * Registers users, changes their passwords and deactivates them. Uniqueness of usernames is not
 * decided here: the application reserves `username-<lower>` with expected revision no_stream.
 */
export function decideUser(command: UserCommand, state: UserState, context: UserContext): UserEvent[] {
  const { actor } = command.metadata;
  const meta = { at: command.metadata.at, by: actor };

  switch (command.type) {
    case 'RegisterUser': {
      requireAdmin(actor);
      const d = command.data;
      if (state.status !== 'none') {
        // A retried registration is a no-op; re-registering never replaces a password (ChangePassword does).
        if (state.username === d.username && state.displayName === d.displayName && state.role === d.role && state.organisationId === d.organisationId) return [];
        return refuse('USER_ALREADY_EXISTS', 'userId', `用户${d.userId}已存在`, `user ${d.userId} already exists`);
      }
      if (!usernamePattern.test(d.username)) {
        refuse(
          'USERNAME_INVALID',
          'username',
          '用户名为3至64个字母、数字或 . _ @ -，以字母或数字开头',
          'a username is 3 to 64 letters, digits or . _ @ -, starting with a letter or digit',
        );
      }
      const organisation = context.organisation;
      if (organisation === undefined || organisation.status === 'none') {
        return refuse('ORGANISATION_NOT_FOUND', 'organisationId', `组织${d.organisationId}不存在`, `organisation ${d.organisationId} does not exist`);
      }
      if (organisation.organisationId !== d.organisationId) throw new Error(`context holds organisation ${organisation.organisationId}, not ${d.organisationId}`);
      requireSameRegion(organisation.regionId, context.actorRegionId, 'ORGANISATION_OUTSIDE_REGION', 'organisationId');
      const required = organisationKindOfRole[d.role];
      if (organisation.kind !== required) {
        const role = roleLabels[d.role];
        const kind = organisationKindLabels[required];
        refuse(
          'ROLE_ORGANISATION_MISMATCH',
          'role',
          `${role['zh-CN']}必须属于${kind['zh-CN']}，而${d.organisationId}是${organisationKindLabels[organisation.kind]['zh-CN']}`,
          `a ${role.en} belongs to a ${kind.en}; ${d.organisationId} is a ${organisationKindLabels[organisation.kind].en}`,
          { role: d.role, organisationKind: organisation.kind },
        );
      }
      return [
        directoryEvent('UserRegistered', {
          ...meta,
          userId: d.userId,
          username: d.username,
          displayName: d.displayName,
          role: d.role,
          organisationId: d.organisationId,
          regionId: organisation.regionId,
          passwordHash: d.passwordHash,
        }),
      ];
    }
    case 'ChangePassword': {
      if (state.status === 'none') return refuse('USER_NOT_FOUND', '', '用户不存在', 'the user does not exist');
      if (actor.userId !== state.userId) {
        requireAdmin(actor);
        requireSameRegion(state.regionId, context.actorRegionId, 'USER_OUTSIDE_REGION', '');
      }
      if (state.status === 'deactivated') refuse('USER_DEACTIVATED', '', '该用户已停用', 'the user is deactivated');
      if (state.passwordHash === command.data.passwordHash) return [];
      return [directoryEvent('UserPasswordChanged', { ...meta, userId: state.userId, passwordHash: command.data.passwordHash })];
    }
    case 'DeactivateUser': {
      requireAdmin(actor);
      if (state.status === 'none') return refuse('USER_NOT_FOUND', '', '用户不存在', 'the user does not exist');
      requireSameRegion(state.regionId, context.actorRegionId, 'USER_OUTSIDE_REGION', '');
      if (actor.userId === state.userId) refuse('USER_CANNOT_DEACTIVATE_SELF', '', '不能停用自己的账户', 'you cannot deactivate your own account');
      if (state.status === 'deactivated') return [];
      return [directoryEvent('UserDeactivated', { ...meta, userId: state.userId, reason: command.data.reason })];
    }
    default: {
      const unhandled: never = command;
      throw new Error(`unknown user command ${(unhandled as { type: string }).type}`);
    }
  }
}
