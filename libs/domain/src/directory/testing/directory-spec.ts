import type { Actor } from '../../shared/actor.js';
import { deciderOutcome as outcome } from '../../testing/decider-outcome.js';
import type { OrganisationEvent, UserEvent } from '../directory.events.js';
import { parseOrganisationCommand, type OrganisationCommandInput } from '../organisation.commands.js';
import { decideOrganisation, type OrganisationContext } from '../organisation.decider.js';
import { evolveOrganisationAll } from '../organisation.state.js';
import { parseUserCommand, type UserCommandInput } from '../user.commands.js';
import { decideUser, type UserContext } from '../user.decider.js';
import { evolveUserAll } from '../user.state.js';

/** A command as a test writes it: possibly invalid, since the schema is part of what is tested. */
export interface LooseCommand {
  type: string;
  data: Record<string, unknown>;
  metadata: { at: string; actor: Actor };
}

/**
 * given(events of the stream).with(context from other streams).when(command).then(events).
 * Commands go through the command schema first, as they would from an HTTP body.
 */
export function givenOrganisation(events: readonly OrganisationEvent[]) {
  let context: OrganisationContext = { actorRegionId: null };
  const api = {
    with(next: { actorRegionId?: string | null; parent?: readonly OrganisationEvent[] }) {
      context = {
        actorRegionId: next.actorRegionId ?? null,
        ...(next.parent === undefined ? {} : { parent: evolveOrganisationAll(next.parent) }),
      };
      return api;
    },
    when: (command: OrganisationCommandInput | LooseCommand) => outcome(() => decideOrganisation(parseOrganisationCommand(command), evolveOrganisationAll(events), context)),
  };
  return api;
}

export function givenUser(events: readonly UserEvent[]) {
  let context: UserContext = { actorRegionId: null };
  const api = {
    with(next: { actorRegionId?: string | null; organisation?: readonly OrganisationEvent[] }) {
      context = {
        actorRegionId: next.actorRegionId ?? null,
        ...(next.organisation === undefined ? {} : { organisation: evolveOrganisationAll(next.organisation) }),
      };
      return api;
    },
    when: (command: UserCommandInput | LooseCommand) => outcome(() => decideUser(parseUserCommand(command), evolveUserAll(events), context)),
  };
  return api;
}
