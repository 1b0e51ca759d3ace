import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { text, type UserAggregate } from '#domain';
import { AccessPolicy } from './access-policy.js';
import { DirectoryReadModel } from './directory-read-model.js';
import { DirectoryWriter } from './directory-writer.js';
import { CurrentPrincipal, type Principal } from './principal.js';
import { httpProblem } from './auth-problems.js';
import { requireAdmin } from './require-role.js';

function view(user: UserAggregate) {
  const { userId, username, displayName, role, organisationId } = user;
  return { userId, username, displayName, role, organisationId, active: user.status === 'active' };
}

@Controller('users')
export class UsersController {
  constructor(
    private readonly writer: DirectoryWriter,
    private readonly directory: DirectoryReadModel,
    private readonly policy: AccessPolicy,
  ) {}

  /** Registers a user in the administrator's region; 200 when the same registration already stood. */
  @Post()
  async register(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    requireAdmin(principal);
    const { state, position } = await this.writer.registerUser(body ?? {}, principal);
    void reply.status(position === null ? 200 : 201);
    return view(state);
  }

  @Get('me')
  async me(@CurrentPrincipal() principal: Principal) {
    const user = await this.directory.user(principal.userId);
    if (!user) throw httpProblem(404, 'USER_NOT_FOUND', text('用户不存在', 'the user does not exist'));
    const lineage = await Promise.all((await this.directory.lineage(user.organisationId)).map((id) => this.directory.organisation(id)));
    const organisations = lineage.filter((o) => o !== null).map(({ organisationId, kind, name }) => ({ organisationId, kind, name }));
    return {
      userId: user.userId,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      organisationId: user.organisationId,
      organisation: organisations[0] ?? null,
      /** The organisation and its ancestors, nearest first. */
      lineage: organisations,
      scopeRootId: await this.policy.scopeRoot(principal),
    };
  }

  /** Users change their own password (with the current one); the old tokens stop working. */
  @Post('me/password')
  @HttpCode(204)
  async changeOwnPassword(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<void> {
    await this.writer.changePassword(principal.userId, body ?? {}, principal);
  }

  /** An administrator resets the password of a user of their region. */
  @Post(':userId/password')
  @HttpCode(204)
  async resetPassword(@CurrentPrincipal() principal: Principal, @Param('userId') userId: string, @Body() body: unknown): Promise<void> {
    requireAdmin(principal);
    await this.writer.changePassword(userId, body ?? {}, principal);
  }

  @Post(':userId/deactivate')
  @HttpCode(200)
  async deactivate(@CurrentPrincipal() principal: Principal, @Param('userId') userId: string, @Body() body: unknown) {
    requireAdmin(principal);
    const { state } = await this.writer.deactivateUser(userId, body ?? {}, principal);
    return view(state);
  }
}
