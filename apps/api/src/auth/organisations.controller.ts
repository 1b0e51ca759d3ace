import { Body, Controller, Get, Param, Patch, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { OrganisationAggregate } from '#domain';
import { AccessPolicy } from './access-policy.js';
import { DirectoryReadModel } from './directory-read-model.js';
import { DirectoryWriter } from './directory-writer.js';
import { CurrentPrincipal, type Principal } from './principal.js';
import { requireAdmin } from './require-role.js';

function view(organisation: OrganisationAggregate) {
  const { organisationId, kind, name, parentId, regionId } = organisation;
  return { organisationId, kind, name, parentId, regionId };
}

@Controller('organisations')
export class OrganisationsController {
  constructor(
    private readonly writer: DirectoryWriter,
    private readonly directory: DirectoryReadModel,
    private readonly policy: AccessPolicy,
  ) {}

  /** Registers a department or unit in the administrator's region; 200 when it already stood so. */
  @Post()
  async register(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    requireAdmin(principal);
    const { state, position } = await this.writer.registerOrganisation(body ?? {}, principal);
    void reply.status(position === null ? 200 : 201);
    return view(state);
  }

  /** Renames an organisation of the administrator's region: body `{ name }`. */
  @Patch(':organisationId')
  async rename(@CurrentPrincipal() principal: Principal, @Param('organisationId') organisationId: string, @Body() body: unknown) {
    requireAdmin(principal);
    const { state } = await this.writer.renameOrganisation(organisationId, body ?? {}, principal);
    return view(state);
  }

  /** The tree the caller may see: the whole region for auditors and admins, their own subtree for everyone else. */
  @Get()
  async tree(@CurrentPrincipal() principal: Principal) {
    const rootId = await this.policy.scopeRoot(principal);
    return { scopeRootId: rootId, root: await this.directory.tree(rootId) };
  }
}
