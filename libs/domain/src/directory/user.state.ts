import type { Actor, Role } from '../shared/actor.js';
import type { UserEvent } from './directory.events.js';

export interface UserAggregate {
  status: 'active' | 'deactivated';
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  organisationId: string;
  regionId: string;
  passwordHash: string;
  registeredAt: string;
  registeredBy: Actor;
  passwordChangedAt: string | null;
  deactivatedAt: string | null;
}

export type UserState = { status: 'none' } | UserAggregate;

export function initialUserState(): UserState {
  return { status: 'none' };
}

function corrupt(event: UserEvent, why: string): never {
  throw new Error(`User stream is inconsistent: ${event.type} ${why}`);
}

export function evolveUser(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered': {
      if (state.status !== 'none') return corrupt(event, 'on an existing user');
      const d = event.data;
      return {
        status: 'active',
        userId: d.userId,
        username: d.username,
        displayName: d.displayName,
        role: d.role,
        organisationId: d.organisationId,
        regionId: d.regionId,
        passwordHash: d.passwordHash,
        registeredAt: d.at,
        registeredBy: d.by,
        passwordChangedAt: null,
        deactivatedAt: null,
      };
    }
    case 'UserPasswordChanged':
      if (state.status === 'none') return corrupt(event, 'before UserRegistered');
      return { ...state, passwordHash: event.data.passwordHash, passwordChangedAt: event.data.at };
    case 'UserDeactivated':
      if (state.status === 'none') return corrupt(event, 'before UserRegistered');
      return { ...state, status: 'deactivated', deactivatedAt: event.data.at };
    default: {
      const unhandled: never = event;
      return corrupt(unhandled, 'is not a user event');
    }
  }
}

export function evolveUserAll(events: readonly UserEvent[], from: UserState = initialUserState()): UserState {
  return events.reduce(evolveUser, from);
}
