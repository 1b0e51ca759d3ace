import { z } from 'zod';
import { actorSchema } from '../shared/actor.js';
import { parseOrThrow } from '../shared/zod-problems.js';
import { createUpcaster, type UpcasterSteps } from '../report/report.events.js';
import {
  directoryIdSchema,
  displayNameSchema,
  organisationKindSchema,
  organisationNameSchema,
  passwordHashSchema,
  roleSchema,
  usernameSchema,
} from './directory.model.js';

// As in the report events, who and when travel inside the payload.
const meta = { at: z.iso.datetime({ offset: true }), by: actorSchema };

function payload<S extends z.ZodRawShape>(shape: S) {
  return z.object({ ...meta, ...shape }).strict();
}

/** Stable event type names of organisations (`organisation-<id>`), users (`user-<id>`) and username reservations (`username-<lower>`). */
export const directoryEventSchemas = {
  OrganisationRegistered: {
    version: 1,
    schema: payload({
      organisationId: directoryIdSchema,
      kind: organisationKindSchema,
      name: organisationNameSchema,
      parentId: directoryIdSchema.nullable(),
      /** The finance bureau at the root of the lineage (itself for a bureau). Organisations never move. */
      regionId: directoryIdSchema,
    }),
  },
  OrganisationRenamed: { version: 1, schema: payload({ organisationId: directoryIdSchema, name: organisationNameSchema }) },
  UserRegistered: {
    version: 1,
    schema: payload({
      userId: directoryIdSchema,
      username: usernameSchema,
      displayName: displayNameSchema,
      role: roleSchema,
      organisationId: directoryIdSchema,
      regionId: directoryIdSchema,
      passwordHash: passwordHashSchema,
    }),
  },
  UserPasswordChanged: { version: 1, schema: payload({ userId: directoryIdSchema, passwordHash: passwordHashSchema }) },
  UserDeactivated: { version: 1, schema: payload({ userId: directoryIdSchema, reason: z.string().max(2000).nullable() }) },
  /** The first event of `username-<lower>`: appended with expected revision no_stream, it makes usernames unique. */
  UsernameReserved: { version: 1, schema: payload({ username: usernameSchema, userId: directoryIdSchema }) },
} as const;

export type DirectoryEventType = keyof typeof directoryEventSchemas;
export const directoryEventTypes = Object.keys(directoryEventSchemas) as DirectoryEventType[];

export type DirectoryEventData<T extends DirectoryEventType> = z.output<(typeof directoryEventSchemas)[T]['schema']>;
export type DirectoryEvent = { [T in DirectoryEventType]: { type: T; data: DirectoryEventData<T> } }[DirectoryEventType];
export type DirectoryEventOf<T extends DirectoryEventType> = Extract<DirectoryEvent, { type: T }>;

export const organisationEventTypes = ['OrganisationRegistered', 'OrganisationRenamed'] as const satisfies readonly DirectoryEventType[];
export const userEventTypes = ['UserRegistered', 'UserPasswordChanged', 'UserDeactivated'] as const satisfies readonly DirectoryEventType[];
export type OrganisationEvent = DirectoryEventOf<(typeof organisationEventTypes)[number]>;
export type UserEvent = DirectoryEventOf<(typeof userEventTypes)[number]>;

export function isDirectoryEventType(type: string): type is DirectoryEventType {
  return Object.hasOwn(directoryEventSchemas, type);
}

export function directoryEvent<T extends DirectoryEventType>(type: T, data: DirectoryEventData<T>): DirectoryEventOf<T> {
  return { type, data } as DirectoryEventOf<T>;
}

/** Every payload version so far is current. Add steps here, never edit old ones. */
export const directoryEventUpcasters: UpcasterSteps = {};

const upcast = createUpcaster(Object.fromEntries(directoryEventTypes.map((type) => [type, directoryEventSchemas[type].version])), directoryEventUpcasters);

/** Validates a stored directory event on read: upcast, then check against the current schema. */
export function parseStoredDirectoryEvent(stored: { type: string; schemaVersion: number; data: unknown }): DirectoryEvent {
  const data = upcast(stored.type, stored.schemaVersion, stored.data);
  const type = stored.type as DirectoryEventType;
  return { type, data: parseOrThrow(directoryEventSchemas[type].schema, data, 'EVENT_INVALID', 'data') } as DirectoryEvent;
}
