import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { text, type LocalizedText } from '#domain';
import { Clock } from '#platform';
import { AccessTokenError, AccessTokens, type AccessTokenClaims } from './access-tokens.js';
import { DirectoryReadModel } from './directory-read-model.js';
import { IS_PUBLIC_KEY, PRINCIPAL_KEY, type Principal } from './principal.js';
import type { HttpProblem } from '../http/http-problem.js';
import { httpProblem } from './auth-problems.js';

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;

export const authMessages = {
  required: text('需要登录：请在 Authorization 请求头中以 Bearer 方式提供访问令牌', 'authentication required: send an access token as "Authorization: Bearer <token>"'),
  malformed: text('Authorization 请求头格式不正确，应为 "Bearer <访问令牌>"', 'the Authorization header is not "Bearer <token>"'),
  invalid: text('访问令牌无效，请重新登录', 'the access token is not valid; log in again'),
  expired: text('访问令牌已过期，请重新登录', 'the access token has expired; log in again'),
  deactivated: text('该账户已停用', 'the account is deactivated'),
  passwordChanged: text('密码已修改，请重新登录', 'the password has changed since this token was issued; log in again'),
} satisfies Record<string, LocalizedText>;

function unauthorized(code: 'AUTH_REQUIRED' | 'AUTH_TOKEN_INVALID' | 'AUTH_TOKEN_EXPIRED', message: LocalizedText): HttpProblem {
  // RFC 6750: say which scheme is expected, and that the token (not the request) is at fault.
  const challenge = code === 'AUTH_REQUIRED' ? 'Bearer realm="jixiao"' : 'Bearer realm="jixiao", error="invalid_token"';
  return httpProblem(401, code, message, { 'www-authenticate': challenge });
}

/**
 * Every route needs `Authorization: Bearer <token>` unless marked @Public(). The principal is
 * built from the directory, not from the claims alone: a deactivated user, or a token issued
 * before the last password change, is refused even while the token has time left.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokens,
    private readonly directory: DirectoryReadModel,
    private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { [PRINCIPAL_KEY]?: Principal }>();
    request[PRINCIPAL_KEY] = await this.authenticate(request.headers.authorization);
    return true;
  }

  async authenticate(header: string | undefined): Promise<Principal> {
    if (header === undefined || header.trim() === '') throw unauthorized('AUTH_REQUIRED', authMessages.required);
    const match = BEARER.exec(header.trim());
    if (!match) throw unauthorized('AUTH_TOKEN_INVALID', authMessages.malformed);
    let claims: AccessTokenClaims;
    try {
      claims = await this.tokens.verify(match[1]!, this.clock.now());
    } catch (error) {
      if (error instanceof AccessTokenError) {
        throw error.reason === 'expired' ? unauthorized('AUTH_TOKEN_EXPIRED', authMessages.expired) : unauthorized('AUTH_TOKEN_INVALID', authMessages.invalid);
      }
      throw error;
    }
    const user = await this.directory.user(claims.sub);
    if (!user) throw unauthorized('AUTH_TOKEN_INVALID', authMessages.invalid);
    if (!user.active) throw unauthorized('AUTH_TOKEN_INVALID', authMessages.deactivated);
    if (user.passwordChangedAt !== null && claims.iat < Math.floor(Date.parse(user.passwordChangedAt) / 1000)) {
      throw unauthorized('AUTH_TOKEN_INVALID', authMessages.passwordChanged);
    }
    return { userId: user.userId, role: user.role, organisationId: user.organisationId, displayName: user.displayName };
  }
}
