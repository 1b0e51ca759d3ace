import type { Actor } from '../shared/actor.js';
import type { OrganisationKind } from './directory.model.js';
import type { OrganisationEvent } from './directory.events.js';

export interface OrganisationAggregate {
  status: 'registered';
  organisationId: string;
  kind: OrganisationKind;
  name: string;
  parentId: string | null;
  regionId: string;
  registeredAt: string;
  registeredBy: Actor;
  updatedAt: string;
}

export type OrganisationState = { status: 'none' } | OrganisationAggregate;

export function initialOrganisationState(): OrganisationState {
  return { status: 'none' };
}

function corrupt(event: OrganisationEvent, why: string): never {
  throw new Error(`Organisation stream is inconsistent: ${event.type} ${why}`);
}

export function evolveOrganisation(state: OrganisationState, event: OrganisationEvent): OrganisationState {
  switch (event.type) {
    case 'OrganisationRegistered': {
      if (state.status !== 'none') return corrupt(event, 'on an existing organisation');
      const d = event.data;
      return {
        status: 'registered',
        organisationId: d.organisationId,
        kind: d.kind,
        name: d.name,
        parentId: d.parentId,
        regionId: d.regionId,
        registeredAt: d.at,
        registeredBy: d.by,
        updatedAt: d.at,
      };
    }
    case 'OrganisationRenamed':
      if (state.status === 'none') return corrupt(event, 'before OrganisationRegistered');
      return { ...state, name: event.data.name, updatedAt: event.data.at };
    default: {
      const unhandled: never = event;
      return corrupt(unhandled, 'is not an organisation event');
    }
  }
}

export function evolveOrganisationAll(events: readonly OrganisationEvent[], from: OrganisationState = initialOrganisationState()): OrganisationState {
  return events.reduce(evolveOrganisation, from);
}
