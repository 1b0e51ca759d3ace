import type { RecordedEvent } from '#eventstore';
import { organisationEventTypes, parseStoredDirectoryEvent, userEventTypes, usernameKey, type OrganisationKind, type Role } from '#domain';
import type { Projection } from '#projections';

// Type aliases rather than interfaces: they fit the projection's Row (a string-keyed record)
// without an index signature of their own, so Omit<> and friends keep the known fields.

/** rm_directory_organisations: one row per organisation, keyed by its id. */
export type OrganisationRow = {
  organisationId: string;
  kind: OrganisationKind;
  name: string;
  parentId: string | null;
  regionId: string;
  registeredAt: string;
  updatedAt: string;
};

/** rm_directory_users: one row per user, keyed by user id; looked up by lower-cased username at login. */
export type UserRow = {
  userId: string;
  username: string;
  usernameKey: string;
  displayName: string;
  role: Role;
  organisationId: string;
  regionId: string;
  active: boolean;
  passwordHash: string;
  registeredAt: string;
  passwordChangedAt: string | null;
  deactivatedAt: string | null;
};

function parse(event: RecordedEvent) {
  return parseStoredDirectoryEvent({ type: event.type, schemaVersion: event.metadata.schemaVersion, data: event.data });
}

export const organisationsProjection: Projection<OrganisationRow> = {
  name: 'directory_organisations',
  version: 1,
  handles: organisationEventTypes,
  keys: (event) => [(event.data as { organisationId: string }).organisationId],
  evolve(row, recorded) {
    const event = parse(recorded);
    switch (event.type) {
      case 'OrganisationRegistered': {
        const d = event.data;
        return { organisationId: d.organisationId, kind: d.kind, name: d.name, parentId: d.parentId, regionId: d.regionId, registeredAt: d.at, updatedAt: d.at };
      }
      case 'OrganisationRenamed':
        return row === null ? null : { ...row, name: event.data.name, updatedAt: event.data.at };
      default:
        return row;
    }
  },
  // The directory's freshness check reads max(position).
  extraSchema: 'CREATE INDEX IF NOT EXISTS rm_directory_organisations_position ON rm_directory_organisations (position);',
};

export const usersProjection: Projection<UserRow> = {
  name: 'directory_users',
  version: 1,
  handles: userEventTypes,
  keys: (event) => [(event.data as { userId: string }).userId],
  evolve(row, recorded) {
    const event = parse(recorded);
    switch (event.type) {
      case 'UserRegistered': {
        const d = event.data;
        return {
          userId: d.userId,
          username: d.username,
          usernameKey: usernameKey(d.username),
          displayName: d.displayName,
          role: d.role,
          organisationId: d.organisationId,
          regionId: d.regionId,
          active: true,
          passwordHash: d.passwordHash,
          registeredAt: d.at,
          passwordChangedAt: null,
          deactivatedAt: null,
        };
      }
      case 'UserPasswordChanged':
        return row === null ? null : { ...row, passwordHash: event.data.passwordHash, passwordChangedAt: event.data.at };
      case 'UserDeactivated':
        return row === null ? null : { ...row, active: false, deactivatedAt: event.data.at };
      default:
        return row;
    }
  },
  // Not unique: the username reservation streams guarantee that; a read model must never refuse an event.
  extraSchema: `CREATE INDEX IF NOT EXISTS rm_directory_users_username ON rm_directory_users ((doc->>'usernameKey'));
CREATE INDEX IF NOT EXISTS rm_directory_users_position ON rm_directory_users (position);`,
};

/** Add these to the projection runner: the directory, the guard and login read them. */
export const directoryProjections: readonly Projection[] = [organisationsProjection as unknown as Projection, usersProjection as unknown as Projection];
