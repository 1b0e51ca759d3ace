import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EventStore, WrongExpectedRevisionError, type ExpectedRevision, type NewEvent, type RecordedEvent } from '#eventstore';
import {
  decideOrganisation,
  decideUser,
  directoryEvent,
  directoryEventSchemas,
  directoryIdSchema,
  displayNameSchema,
  DomainError,
  evolveOrganisationAll,
  evolveUserAll,
  organisationCommandDataSchemas,
  organisationStreamId,
  parseOrThrow,
  parseStoredDirectoryEvent,
  roleSchema,
  text,
  usernameReservationStreamId,
  usernameSchema,
  userStreamId,
  type Actor,
  type DirectoryEvent,
  type OrganisationAggregate,
  type OrganisationEvent,
  type OrganisationState,
  type UserAggregate,
  type UserEvent,
  type UserState,
} from '#domain';
import type { Clock } from '#platform';
import { MAX_PASSWORD_LENGTH, PasswordHasher } from './password-hasher.js';

/** Plain passwords are accepted here only, hashed at once, and never stored or logged. */
export const passwordSchema = z.string().min(8).max(MAX_PASSWORD_LENGTH);

export const registerOrganisationBodySchema = organisationCommandDataSchemas.RegisterOrganisation.extend({
  /** Made up by the server when absent; send one to make a retry safe. */
  organisationId: directoryIdSchema.optional(),
}).strict();

export const renameOrganisationBodySchema = organisationCommandDataSchemas.RenameOrganisation;

export const registerUserBodySchema = z
  .object({
    userId: directoryIdSchema.optional(),
    username: usernameSchema,
    displayName: displayNameSchema,
    role: roleSchema,
    organisationId: directoryIdSchema,
    password: passwordSchema,
  })
  .strict();
export type RegisterUserBody = z.input<typeof registerUserBodySchema>;

export const changePasswordBodySchema = z
  .object({
    /** Required when users change their own password; an administrator resetting another's omits it. */
    currentPassword: z.string().max(MAX_PASSWORD_LENGTH).optional(),
    newPassword: passwordSchema,
  })
  .strict();

export const deactivateUserBodySchema = z.object({ reason: z.string().trim().max(2000).nullable().default(null) }).strict();

export interface WriteResult<S> {
  state: S;
  /** Global position of the last event appended; null when the command changed nothing. */
  position: bigint | null;
}

export interface DirectoryWriterOptions {
  /** Called after every append that wrote something (the API waits there for its read model). */
  afterAppend?: (position: bigint) => Promise<void>;
  /** Attempts when a concurrent writer moved a stream between read and append. */
  attempts?: number;
}

interface Loaded<S> {
  state: S;
  expected: ExpectedRevision;
}

/**
 * The application side of the directory: loads streams, asks the deciders, appends with the
 * expected revision, and retries a decision that lost a race. Usable without NestJS (the seed).
 * Every write decides on streams, never on the read model.
 */
export class DirectoryWriter {
  private readonly attempts: number;

  constructor(
    private readonly eventStore: EventStore,
    private readonly clock: Clock,
    private readonly hasher: PasswordHasher,
    private readonly options: DirectoryWriterOptions = {},
  ) {
    this.attempts = options.attempts ?? 3;
  }

  // ── reading streams ──────────────────────────────────────────────────────

  private async read(streamId: string): Promise<{ events: DirectoryEvent[]; expected: ExpectedRevision }> {
    const recorded = await this.eventStore.readStream(streamId);
    const events = recorded.map((e: RecordedEvent) => parseStoredDirectoryEvent({ type: e.type, schemaVersion: e.metadata.schemaVersion, data: e.data }));
    return { events, expected: recorded.length === 0 ? 'no_stream' : recorded[recorded.length - 1]!.revision };
  }

  async loadOrganisation(organisationId: string): Promise<Loaded<OrganisationState>> {
    const { events, expected } = await this.read(organisationStreamId(organisationId));
    return { state: evolveOrganisationAll(events as OrganisationEvent[]), expected };
  }

  async loadUser(userId: string): Promise<Loaded<UserState>> {
    const { events, expected } = await this.read(userStreamId(userId));
    return { state: evolveUserAll(events as UserEvent[]), expected };
  }

  /** The user id holding a username, from its reservation stream; null when free. */
  async usernameHolder(username: string): Promise<string | null> {
    const [first] = (await this.read(usernameReservationStreamId(username))).events;
    return first?.type === 'UsernameReserved' ? first.data.userId : null;
  }

  /** The region of the acting user's organisation, from its stream (not the read model). */
  async regionOf(organisationId: string): Promise<string | null> {
    const { state } = await this.loadOrganisation(organisationId);
    return state.status === 'none' ? null : state.regionId;
  }

  // ── organisations ────────────────────────────────────────────────────────

  async registerOrganisation(body: unknown, actor: Actor): Promise<WriteResult<OrganisationAggregate>> {
    const input = parseOrThrow(registerOrganisationBodySchema, body, 'COMMAND_INVALID');
    const data = { ...input, organisationId: input.organisationId ?? randomUUID() };
    return this.decideOrganisation(data.organisationId, actor, async (state, metadata) => {
      const [parent, actorRegionId] = await Promise.all([
        data.parentId === null ? undefined : this.loadOrganisation(data.parentId).then((p) => p.state),
        this.regionOf(actor.organisationId),
      ]);
      return decideOrganisation({ type: 'RegisterOrganisation', data, metadata }, state, { actorRegionId, ...(parent ? { parent } : {}) });
    });
  }

  async renameOrganisation(organisationId: string, body: unknown, actor: Actor): Promise<WriteResult<OrganisationAggregate>> {
    const data = parseOrThrow(renameOrganisationBodySchema, body, 'COMMAND_INVALID');
    return this.decideOrganisation(organisationId, actor, async (state, metadata) =>
      decideOrganisation({ type: 'RenameOrganisation', data, metadata }, state, { actorRegionId: await this.regionOf(actor.organisationId) }),
    );
  }

  private async decideOrganisation(
    organisationId: string,
    actor: Actor,
    decide: (state: OrganisationState, metadata: { at: string; actor: Actor }) => Promise<OrganisationEvent[]>,
  ): Promise<WriteResult<OrganisationAggregate>> {
    return this.retrying(async () => {
      const { state, expected } = await this.loadOrganisation(organisationId);
      const events = await decide(state, this.metadata(actor));
      const next = evolveOrganisationAll(events, state);
      if (next.status === 'none') throw new Error('an organisation command left no organisation');
      return { state: next, position: await this.append(organisationStreamId(organisationId), events, expected, actor) };
    });
  }

  // ── users ────────────────────────────────────────────────────────────────

  /**
   * Registers a user and reserves the username (`username-<lower>`, expected revision no_stream).
   * A retry with the same user id finds its own reservation and carries on; a crash between the
   * two appends leaves a reservation that only that user id can complete.
   */
  async registerUser(body: unknown, actor: Actor): Promise<WriteResult<UserAggregate>> {
    const input = parseOrThrow(registerUserBodySchema, body, 'COMMAND_INVALID');
    const userId = input.userId ?? randomUUID();
    let passwordHash: string | undefined;
    return this.retrying(async () => {
      const [{ state, expected }, organisation, actorRegionId] = await Promise.all([
        this.loadUser(userId),
        this.loadOrganisation(input.organisationId).then((o) => o.state),
        this.regionOf(actor.organisationId),
      ]);
      // An existing user keeps its hash (a registration never replaces a password), so no hashing for a retry.
      passwordHash ??= state.status === 'none' ? await this.hasher.hash(input.password) : state.passwordHash;
      const metadata = this.metadata(actor);
      const data = { userId, username: input.username, displayName: input.displayName, role: input.role, organisationId: input.organisationId, passwordHash };
      const events = decideUser({ type: 'RegisterUser', data, metadata }, state, { actorRegionId, organisation });
      const next = evolveUserAll(events, state);
      if (next.status === 'none') throw new Error('RegisterUser left no user');
      if (events.length === 0) return { state: next, position: null };
      const reserved = await this.reserveUsername(input.username, userId, metadata, actor);
      const position = await this.append(userStreamId(userId), events, expected, actor);
      return { state: next, position: position ?? reserved };
    });
  }

  private async reserveUsername(username: string, userId: string, metadata: { at: string; actor: Actor }, actor: Actor): Promise<bigint | null> {
    const reservation = directoryEvent('UsernameReserved', { at: metadata.at, by: metadata.actor, username, userId });
    try {
      return await this.append(usernameReservationStreamId(username), [reservation], 'no_stream', actor, false);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if ((await this.usernameHolder(username)) === userId) return null;
      throw DomainError.of('USERNAME_TAKEN', 'username', text(`用户名${username}已被使用`, `the username ${username} is already taken`));
    }
  }

  async changePassword(userId: string, body: unknown, actor: Actor): Promise<WriteResult<UserAggregate>> {
    const input = parseOrThrow(changePasswordBodySchema, body, 'COMMAND_INVALID');
    let passwordHash: string | undefined;
    return this.retrying(async () => {
      const { state, expected } = await this.loadUser(userId);
      if (state.status !== 'none' && actor.userId === userId) {
        const current = input.currentPassword === undefined ? false : await this.hasher.verify(input.currentPassword, state.passwordHash);
        if (!current) throw DomainError.of('PASSWORD_INCORRECT', 'currentPassword', text('当前密码不正确', 'the current password is not correct'));
      }
      passwordHash ??= await this.hasher.hash(input.newPassword);
      const actorRegionId = actor.userId === userId ? null : await this.regionOf(actor.organisationId);
      const events = decideUser({ type: 'ChangePassword', data: { passwordHash }, metadata: this.metadata(actor) }, state, { actorRegionId });
      const next = evolveUserAll(events, state);
      if (next.status === 'none') throw new Error('ChangePassword left no user');
      return { state: next, position: await this.append(userStreamId(userId), events, expected, actor) };
    });
  }

  async deactivateUser(userId: string, body: unknown, actor: Actor): Promise<WriteResult<UserAggregate>> {
    const data = parseOrThrow(deactivateUserBodySchema, body ?? {}, 'COMMAND_INVALID');
    return this.retrying(async () => {
      const [{ state, expected }, actorRegionId] = await Promise.all([this.loadUser(userId), this.regionOf(actor.organisationId)]);
      const events = decideUser({ type: 'DeactivateUser', data, metadata: this.metadata(actor) }, state, { actorRegionId });
      const next = evolveUserAll(events, state);
      if (next.status === 'none') throw new Error('DeactivateUser left no user');
      return { state: next, position: await this.append(userStreamId(userId), events, expected, actor) };
    });
  }

  // ── plumbing ─────────────────────────────────────────────────────────────

  private metadata(actor: Actor): { at: string; actor: Actor } {
    return { at: this.clock.now().toISOString(), actor: { userId: actor.userId, role: actor.role, organisationId: actor.organisationId } };
  }

  /** Decisions are re-made on fresh state when a concurrent writer got there first. */
  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || i >= this.attempts) throw error;
      }
    }
  }

  private async append(streamId: string, events: readonly DirectoryEvent[], expected: ExpectedRevision, actor: Actor, notify = true): Promise<bigint | null> {
    if (events.length === 0) return null;
    const correlationId = randomUUID();
    const stored: NewEvent[] = events.map((event) => ({
      id: randomUUID(),
      type: event.type,
      data: event.data,
      metadata: {
        actor: { userId: actor.userId, role: actor.role, organisationId: actor.organisationId },
        correlationId,
        causationId: null,
        idempotencyKey: null,
        recordedAt: event.data.at,
        schemaVersion: directoryEventSchemas[event.type].version,
      },
    }));
    const result = await this.eventStore.append(streamId, stored, expected);
    if (notify) await this.options.afterAppend?.(result.position);
    return result.position;
  }
}
