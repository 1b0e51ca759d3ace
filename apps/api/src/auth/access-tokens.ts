import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { roles } from '#domain';
import type { Principal } from './principal.js';

/** What an access token says about its bearer. `sub` is the user id. */
const claimsSchema = z.object({
  sub: z.string().min(1),
  role: z.enum(roles),
  org: z.string().min(1),
  name: z.string(),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type AccessTokenClaims = z.output<typeof claimsSchema>;

export class AccessTokenError extends Error {
  override readonly name = 'AccessTokenError';
  constructor(
    readonly reason: 'expired' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds from issue. */
  expiresIn: number;
}

/** HS256 access tokens. The algorithm is pinned on verification: no `none`, no key confusion. */
export class AccessTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async sign(principal: Principal, now: Date): Promise<IssuedToken> {
    const iat = Math.floor(now.getTime() / 1000);
    const accessToken = await new SignJWT({ role: principal.role, org: principal.organisationId, name: principal.displayName })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(principal.userId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlSeconds)
      .sign(this.key);
    return { accessToken, tokenType: 'Bearer', expiresIn: this.ttlSeconds };
  }

  /** The claims of a genuine, unexpired token; an AccessTokenError otherwise. */
  async verify(token: string, now: Date): Promise<AccessTokenClaims> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], currentDate: now, requiredClaims: ['sub', 'iat', 'exp'] }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AccessTokenError('expired', 'the token has expired');
      throw new AccessTokenError('invalid', error instanceof Error ? error.message : 'the token cannot be verified');
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new AccessTokenError('invalid', 'the token lacks required claims');
    return claims.data;
  }
}
