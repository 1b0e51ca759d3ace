import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';
import { parseOrThrow, text } from '#domain';
import { Clock } from '#platform';
import { AccessTokens } from './access-tokens.js';
import { DirectoryReadModel } from './directory-read-model.js';
import { PasswordHasher } from './password-hasher.js';
import { Public, type Principal } from './principal.js';
import { httpProblem } from './auth-problems.js';

const loginSchema = z.object({ username: z.string().min(1).max(128), password: z.string().min(1).max(4096) }).strict();

export const invalidCredentials = text('用户名或密码错误', 'wrong username or password');

@Controller('auth')
export class AuthController {
  constructor(
    private readonly directory: DirectoryReadModel,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccessTokens,
    private readonly clock: Clock,
  ) {}

  /**
   * One answer for an unknown user, a wrong password and a deactivated account, and the same
   * scrypt work for each, so neither the body nor the timing tells which usernames exist.
   */
  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: unknown) {
    const { username, password } = parseOrThrow(loginSchema, body ?? {}, 'COMMAND_INVALID');
    const user = await this.directory.credentials(username);
    const verified = user ? await this.hasher.verify(password, user.passwordHash) : await this.hasher.verifyUnknown(password);
    if (!user || !verified || !user.active) throw httpProblem(401, 'AUTH_INVALID_CREDENTIALS', invalidCredentials);
    const principal: Principal = { userId: user.userId, role: user.role, organisationId: user.organisationId, displayName: user.displayName };
    const token = await this.tokens.sign(principal, this.clock.now());
    return { ...token, user: principal };
  }
}
