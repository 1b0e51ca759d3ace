import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import type { AppConfig } from '#config';
import { EventStore, type SqlClient } from '#eventstore';
import { APP_CONFIG, Clock, LOGGER, READ_STORE } from '#platform';
import { AccessPolicy } from './access-policy.js';
import { AccessTokens } from './access-tokens.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { resolveAuthSettings, type AuthSettings } from './auth-settings.js';
import { DirectoryReadModel } from './directory-read-model.js';
import { DirectoryWriter } from './directory-writer.js';
import { directoryProjections } from './directory.projections.js';
import { OrganisationsController } from './organisations.controller.js';
import { PasswordHasher } from './password-hasher.js';
import { OrganisationDirectory } from './principal.js';
import { UsersController } from './users.controller.js';
import { waitForPosition } from './wait-for-position.js';

export { directoryProjections } from './directory.projections.js';

export const AUTH_SETTINGS = Symbol('AUTH_SETTINGS');
/** How long a write waits for the directory projections before answering anyway. */
export const READ_YOUR_WRITES_TIMEOUT_MS = 5000;

const projectionNames = directoryProjections.map((p) => p.name);

/**
 * Login, access tokens, the global guard, the organisation directory and its admin endpoints.
 * Needs EventStore, READ_STORE, APP_CONFIG, LOGGER and Clock from the global PlatformModule and
 * the global ProblemFilter (apps/api/src/http) to render its HttpProblems; the projections in
 * `directoryProjections` must run in a ProjectionRunner (in this process or the worker).
 * Global: every feature module asks AccessPolicy or OrganisationDirectory who may see what.
 */
@Global()
@Module({
  controllers: [AuthController, OrganisationsController, UsersController],
  providers: [
    {
      provide: AUTH_SETTINGS,
      inject: [APP_CONFIG, LOGGER],
      useFactory: (config: AppConfig, logger: Logger): AuthSettings => {
        const settings = resolveAuthSettings(config);
        if (settings.usingDevelopmentSecret) logger.warn('JWT_SECRET is not set: access tokens are signed with the documented development secret');
        return settings;
      },
    },
    { provide: AccessTokens, inject: [AUTH_SETTINGS], useFactory: (settings: AuthSettings) => new AccessTokens(settings.jwtSecret, settings.jwtTtlSeconds) },
    { provide: PasswordHasher, useFactory: () => new PasswordHasher().warmUp() },
    { provide: DirectoryReadModel, inject: [READ_STORE], useFactory: (sql: SqlClient) => new DirectoryReadModel(sql) },
    { provide: OrganisationDirectory, useExisting: DirectoryReadModel },
    AccessPolicy,
    {
      provide: DirectoryWriter,
      inject: [EventStore, Clock, PasswordHasher, READ_STORE, DirectoryReadModel, LOGGER],
      useFactory: (eventStore: EventStore, clock: Clock, hasher: PasswordHasher, sql: SqlClient, directory: DirectoryReadModel, logger: Logger) =>
        new DirectoryWriter(eventStore, clock, hasher, {
          // Read-your-writes: answer once the directory shows the change, so the caller's next request sees it.
          afterAppend: async (position) => {
            const reached = await waitForPosition(sql, projectionNames, position, { timeoutMs: READ_YOUR_WRITES_TIMEOUT_MS });
            if (!reached) logger.warn({ position: position.toString(), projections: projectionNames }, 'directory projections did not reach the write in time; is a projection runner running?');
            await directory.refresh();
          },
        }),
    },
    AuthGuard,
    { provide: APP_GUARD, useExisting: AuthGuard },
  ],
  exports: [OrganisationDirectory, DirectoryReadModel, AccessPolicy, AuthGuard, AccessTokens, PasswordHasher, DirectoryWriter],
})
export class AuthModule {}
