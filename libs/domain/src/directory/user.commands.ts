import { z } from 'zod';
import { commandMetadataSchema } from '../shared/actor.js';
import { parseOrThrow } from '../shared/zod-problems.js';
import { directoryIdSchema, displayNameSchema, passwordHashSchema, roleSchema, usernameSchema } from './directory.model.js';

// Passwords never reach the domain: the application hashes them and passes the hash in.
export const userCommandDataSchemas = {
  RegisterUser: z
    .object({
      userId: directoryIdSchema,
      username: usernameSchema,
      displayName: displayNameSchema,
      role: roleSchema,
      organisationId: directoryIdSchema,
      passwordHash: passwordHashSchema,
    })
    .strict(),
  ChangePassword: z.object({ passwordHash: passwordHashSchema }).strict(),
  DeactivateUser: z.object({ reason: z.string().trim().max(2000).nullable().default(null) }).strict(),
} as const;

export type UserCommandType = keyof typeof userCommandDataSchemas;

function commandSchema<T extends UserCommandType>(type: T) {
  return z.object({ type: z.literal(type), data: userCommandDataSchemas[type], metadata: commandMetadataSchema }).strict();
}

export const userCommandSchema = z.discriminatedUnion('type', [commandSchema('RegisterUser'), commandSchema('ChangePassword'), commandSchema('DeactivateUser')]);

export type UserCommand = z.output<typeof userCommandSchema>;
export type UserCommandInput = z.input<typeof userCommandSchema>;
export type UserCommandOf<T extends UserCommandType> = Extract<UserCommand, { type: T }>;

export function parseUserCommand(input: unknown): UserCommand {
  return parseOrThrow(userCommandSchema, input, 'COMMAND_INVALID');
}
