// Organisations and users: event-sourced like reports, decided here, hashed and stored elsewhere.

export {
  directoryIdSchema,
  displayNameSchema,
  organisationKindLabels,
  organisationKindOfRole,
  organisationKindSchema,
  organisationKinds,
  organisationNameSchema,
  organisationStreamId,
  parentKindOf,
  passwordHashSchema,
  roleLabels,
  roleSchema,
  usernameKey,
  usernamePattern,
  usernameReservationStreamId,
  usernameSchema,
  userStreamId,
  type OrganisationKind,
} from './directory.model.js';
export {
  directoryEvent,
  directoryEventSchemas,
  directoryEventTypes,
  directoryEventUpcasters,
  isDirectoryEventType,
  organisationEventTypes,
  parseStoredDirectoryEvent,
  userEventTypes,
  type DirectoryEvent,
  type DirectoryEventData,
  type DirectoryEventOf,
  type DirectoryEventType,
  type OrganisationEvent,
  type UserEvent,
} from './directory.events.js';
export {
  organisationCommandDataSchemas,
  organisationCommandSchema,
  parseOrganisationCommand,
  type OrganisationCommand,
  type OrganisationCommandInput,
  type OrganisationCommandOf,
  type OrganisationCommandType,
} from './organisation.commands.js';
export {
  parseUserCommand,
  userCommandDataSchemas,
  userCommandSchema,
  type UserCommand,
  type UserCommandInput,
  type UserCommandOf,
  type UserCommandType,
} from './user.commands.js';
export { evolveOrganisation, evolveOrganisationAll, initialOrganisationState, type OrganisationAggregate, type OrganisationState } from './organisation.state.js';
export { evolveUser, evolveUserAll, initialUserState, type UserAggregate, type UserState } from './user.state.js';
export { decideOrganisation, type OrganisationContext } from './organisation.decider.js';
export { decideUser, type UserContext } from './user.decider.js';
