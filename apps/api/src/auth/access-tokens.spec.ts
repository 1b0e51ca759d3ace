import { describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { loadConfig } from '#config';
import { AccessTokenError, AccessTokens } from './access-tokens.js';
import { DEVELOPMENT_JWT_SECRET, resolveAuthSettings } from './auth-settings.js';
import type { Principal } from './principal.js';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const principal: Principal = { userId: 'demo-user-filler', role: 'unit_filler', organisationId: 'demo-unit-people-hospital', displayName: '张填报' };
const issuedAt = new Date('2026-03-01T08:00:00.000Z');
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function rejection(promise: Promise<unknown>): Promise<AccessTokenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AccessTokenError);
  return error as AccessTokenError;
}

describe('access tokens (HS256)', () => {
  const tokens = new AccessTokens(secret, 3600);

  it('signs the claims sub, role, org, name, iat and exp, and verifies them back', async () => {
    const issued = await tokens.sign(principal, issuedAt);
    expect(issued).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600 });
    const header = JSON.parse(Buffer.from(issued.accessToken.split('.')[0]!, 'base64url').toString('utf8')) as unknown;
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    const expected = { sub: 'demo-user-filler', role: 'unit_filler', org: 'demo-unit-people-hospital', name: '张填报', iat: seconds(issuedAt), exp: seconds(issuedAt) + 3600 };
    expect(payloadOf(issued.accessToken)).toEqual(expected);
    expect(await tokens.verify(issued.accessToken, new Date(issuedAt.getTime() + 3599_000))).toEqual(expected);
  });

  it('remembers a verified token until its exp, then calls it expired', async () => {
    const { accessToken } = await tokens.sign(principal, issuedAt);
    const first = await tokens.verify(accessToken, issuedAt);
    expect(await tokens.verify(accessToken, new Date(issuedAt.getTime() + 3599_999))).toBe(first);
    expect((await rejection(tokens.verify(accessToken, new Date(issuedAt.getTime() + 3600_000)))).reason).toBe('expired');
  });

  it('calls a token expired from its exp on', async () => {
    const { accessToken } = await tokens.sign(principal, issuedAt);
    expect((await rejection(tokens.verify(accessToken, new Date(issuedAt.getTime() + 3600_000)))).reason).toBe('expired');
  });

  it('refuses a token signed with another secret, a tampered payload, alg none and garbage as invalid', async () => {
    const { accessToken } = await new AccessTokens('another-secret-that-is-long-enough-9876543210', 3600).sign(principal, issuedAt);
    expect((await rejection(tokens.verify(accessToken, issuedAt))).reason).toBe('invalid');

    const genuine = (await tokens.sign(principal, issuedAt)).accessToken;
    const [head, , signature] = genuine.split('.');
    const promoted = Buffer.from(JSON.stringify({ ...payloadOf(genuine), role: 'admin' })).toString('base64url');
    expect((await rejection(tokens.verify(`${head}.${promoted}.${signature}`, issuedAt))).reason).toBe('invalid');

    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(payloadOf(genuine))).toString('base64url')}.`;
    expect((await rejection(tokens.verify(none, issuedAt))).reason).toBe('invalid');
    expect((await rejection(tokens.verify('not.a.token', issuedAt))).reason).toBe('invalid');
  });

  it('refuses an expired forgery as invalid, not as expired (the signature is checked first)', async () => {
    const { accessToken } = await new AccessTokens('another-secret-that-is-long-enough-9876543210', 60).sign(principal, issuedAt);
    expect((await rejection(tokens.verify(accessToken, new Date(issuedAt.getTime() + 3600_000)))).reason).toBe('invalid');
  });

  it('refuses a genuine signature over claims it does not understand', async () => {
    const key = new TextEncoder().encode(secret);
    const odd = await new SignJWT({ role: 'superuser', org: 'x', name: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setIssuedAt(seconds(issuedAt)).setExpirationTime(seconds(issuedAt) + 60).sign(key);
    expect((await rejection(tokens.verify(odd, issuedAt))).reason).toBe('invalid');
    const noExpiry = await new SignJWT({ role: 'admin', org: 'x', name: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setIssuedAt(seconds(issuedAt)).sign(key);
    expect((await rejection(tokens.verify(noExpiry, issuedAt))).reason).toBe('invalid');
  });
});

describe('auth settings', () => {
  it('uses the documented development secret outside production, and says so', () => {
    expect(resolveAuthSettings({ NODE_ENV: 'development' })).toEqual({ jwtSecret: DEVELOPMENT_JWT_SECRET, jwtTtlSeconds: 3600, usingDevelopmentSecret: true });
    expect(resolveAuthSettings(loadConfig({ NODE_ENV: 'test' }))).toMatchObject({ jwtSecret: DEVELOPMENT_JWT_SECRET, usingDevelopmentSecret: true });
    expect(resolveAuthSettings(loadConfig({ JWT_SECRET: secret, JWT_TTL_SECONDS: '900' }))).toEqual({ jwtSecret: secret, jwtTtlSeconds: 900, usingDevelopmentSecret: false });
  });

  it('refuses to start in production without a secret of its own, and anywhere with a short one', () => {
    expect(() => resolveAuthSettings({ NODE_ENV: 'production' })).toThrow('JWT_SECRET');
    expect(() => resolveAuthSettings({ NODE_ENV: 'production', JWT_SECRET: DEVELOPMENT_JWT_SECRET })).toThrow('required when NODE_ENV=production');
    expect(() => resolveAuthSettings({ NODE_ENV: 'development', JWT_SECRET: 'short' })).toThrow('at least 32 characters');
    expect(resolveAuthSettings({ NODE_ENV: 'production', JWT_SECRET: secret })).toMatchObject({ jwtSecret: secret, usingDevelopmentSecret: false });
  });
});
