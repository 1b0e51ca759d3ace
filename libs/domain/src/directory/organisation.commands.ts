import { z } from 'zod';
import { commandMetadataSchema } from '../shared/actor.js';
import { parseOrThrow } from '../shared/zod-problems.js';
import { directoryIdSchema, organisationKindSchema, organisationNameSchema } from './directory.model.js';

// `data` is what an HTTP body carries; `metadata` (who, when) comes from the authenticated user
// and the application clock.
export const organisationCommandDataSchemas = {
  RegisterOrganisation: z
    .object({
      organisationId: directoryIdSchema,
      kind: organisationKindSchema,
      name: organisationNameSchema,
      /** null only for a finance bureau. */
      parentId: directoryIdSchema.nullable(),
    })
    .strict(),
  RenameOrganisation: z.object({ name: organisationNameSchema }).strict(),
} as const;

export type OrganisationCommandType = keyof typeof organisationCommandDataSchemas;

function commandSchema<T extends OrganisationCommandType>(type: T) {
  return z.object({ type: z.literal(type), data: organisationCommandDataSchemas[type], metadata: commandMetadataSchema }).strict();
}

export const organisationCommandSchema = z.discriminatedUnion('type', [commandSchema('RegisterOrganisation'), commandSchema('RenameOrganisation')]);

export type OrganisationCommand = z.output<typeof organisationCommandSchema>;
export type OrganisationCommandInput = z.input<typeof organisationCommandSchema>;
export type OrganisationCommandOf<T extends OrganisationCommandType> = Extract<OrganisationCommand, { type: T }>;

export function parseOrganisationCommand(input: unknown): OrganisationCommand {
  return parseOrThrow(organisationCommandSchema, input, 'COMMAND_INVALID');
}
