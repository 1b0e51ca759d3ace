import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Role } from '#domain';

/** The authenticated caller, as the auth guard puts it on the request. */
export interface Principal {
  userId: string;
  role: Role;
  organisationId: string;
  displayName: string;
}

export const PRINCIPAL_KEY = 'principal';
export const IS_PUBLIC_KEY = 'isPublic';

/** Marks a route that needs no token (health, login, API docs). */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<{ [PRINCIPAL_KEY]?: Principal }>();
  const principal = request[PRINCIPAL_KEY];
  if (!principal) throw new Error('no principal on the request: is the route missing the auth guard?');
  return principal;
});

/**
 * Where an organisation sits in the tree (finance bureau → departments → units). Everyone acts
 * inside their own subtree; auditors see their whole region.
 */
export abstract class OrganisationDirectory {
  /** True when `organisationId` is `ancestorId` or below it. */
  abstract isWithin(organisationId: string, ancestorId: string): Promise<boolean>;
  /** The organisation and its ancestors, nearest first; empty when unknown. */
  abstract lineage(organisationId: string): Promise<string[]>;
  /** The ids of the organisation and every organisation below it. */
  abstract subtree(organisationId: string): Promise<string[]>;
}
