import { createSecretKey, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
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

/** Tokens whose signature was checked, each until it expires; a client sends the same token on every request. */
const VERIFIED_KEPT = 10_000;

/**
 * HS256 access tokens. The algorithm is pinned on verification: no `none`, no key confusion.
 *
 * A token is immutable and its claims are all it says, so a verified token needs no second check
 * of its signature: verify remembers it, and checks only its expiry on later calls. (The key is
 * imported once: importing it per call was a tenth of an edit's CPU.)
 */
export class AccessTokens {
  private readonly key: KeyObject;
  private readonly verified = new LRUCache<string, AccessTokenClaims>({ max: VERIFIED_KEPT });

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
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
    const known = this.verified.get(token);
    if (known !== undefined) {
      if (now.getTime() < known.exp * 1000) return known;
      this.verified.delete(token);
    }
    const claims = await this.check(token, now);
    this.verified.set(token, claims);
    return claims;
  }

  private async check(token: string, now: Date): Promise<AccessTokenClaims> {
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
