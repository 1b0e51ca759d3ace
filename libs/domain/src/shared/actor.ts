import { z } from 'zod';

export const roles = [
  'unit_filler',
  'unit_leader',
  'department_reviewer',
  'finance_reviewer',
  'performance_officer',
  'auditor',
  'admin',
] as const;
export type Role = (typeof roles)[number];

export const actorSchema = z
  .object({
    userId: z.string().min(1).max(128),
    role: z.enum(roles),
    organisationId: z.string().min(1).max(128),
  })
  .strict();
export type Actor = z.output<typeof actorSchema>;

/** Who acts and when: supplied by the caller, so that deciders stay free of clocks. */
export const commandMetadataSchema = z
  .object({
    at: z.iso.datetime({ offset: true }),
    actor: actorSchema,
  })
  .strict();
export type CommandMetadata = z.output<typeof commandMetadataSchema>;
