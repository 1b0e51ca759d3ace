import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Inject, Module, Param, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#config';
import { EventStore, type SqlClient } from '#eventstore';
import { Clock, createLogger, PlatformModule, READ_STORE } from '#platform';
import { ProjectionRunner } from '#projections';
import { AccessPolicy } from '../../apps/api/src/auth/access-policy.js';
import { AccessTokens } from '../../apps/api/src/auth/access-tokens.js';
import { AuthModule, directoryProjections } from '../../apps/api/src/auth/auth.module.js';
import { DirectoryWriter } from '../../apps/api/src/auth/directory-writer.js';
import { PasswordHasher } from '../../apps/api/src/auth/password-hasher.js';
import { CurrentPrincipal, Public, type Principal } from '../../apps/api/src/auth/principal.js';
import { waitForPosition } from '../../apps/api/src/auth/wait-for-position.js';
import { ProblemFilter } from '../../apps/api/src/http/problem.filter.js';
import { demoOrganisations as o, seedDemoRegion } from '../../apps/cli/src/seed-demo.js';

/** Real time plus an offset the tests can push forward (token expiry). */
class MovableClock extends Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

@Controller('probe')
class ProbeController {
  constructor(private readonly policy: AccessPolicy) {}

  @Public()
  @Get('open')
  open() {
    return { open: true };
  }

  @Get('whoami')
  whoami(@CurrentPrincipal() principal: Principal) {
    return principal;
  }

  @Get('can-see/:organisationId')
  async canSee(@CurrentPrincipal() principal: Principal, @Param('organisationId') organisationId: string) {
    return { canSee: await this.policy.canSee(principal, organisationId) };
  }
}

/** What the API's read-model module does for real: run the directory projections in this process. */
class DirectoryProjectionRunner implements OnApplicationBootstrap, OnModuleDestroy {
  readonly runner: ProjectionRunner;
  constructor(@Inject(EventStore) eventStore: EventStore, @Inject(READ_STORE) sql: SqlClient) {
    this.runner = new ProjectionRunner(eventStore, sql, directoryProjections, { idleMs: 10 });
  }
  onApplicationBootstrap(): void {
    this.runner.start();
  }
  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }
}

@Module({ imports: [AuthModule], controllers: [ProbeController], providers: [DirectoryProjectionRunner] })
class ProbeModule {}

const password = (role: string) => `demo-${role}-2026`;

describe('authentication and authorisation over HTTP', () => {
  let app: NestFastifyApplication;
  let base: string;
  const clock = new MovableClock();

  async function call(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${base}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const raw = await response.text();
    return { status: response.status, headers: response.headers, body: (raw === '' ? null : JSON.parse(raw)) as Record<string, any> };
  }

  async function login(username: string, secret: string = password(roleOf(username))): Promise<string> {
    const response = await call('POST', '/auth/login', { body: { username, password: secret } });
    expect(response.status).toBe(200);
    return response.body.accessToken as string;
  }

  const roles: Record<string, string> = {
    'demo.filler': 'unit_filler',
    'demo.filler2': 'unit_filler',
    'demo.leader': 'unit_leader',
    'demo.reviewer.health': 'department_reviewer',
    'demo.reviewer.medsec': 'department_reviewer',
    'demo.finance': 'finance_reviewer',
    'demo.performance': 'performance_officer',
    'demo.auditor': 'auditor',
    'demo.admin': 'admin',
  };
  const roleOf = (username: string) => roles[username]!;

  beforeAll(async () => {
    const config = loadConfig({ DATABASE_URL: 'pglite://memory', LOG_LEVEL: 'silent' });
    const logger = createLogger('silent', 'auth-e2e');
    @Module({
      imports: [await PlatformModule.forRoot(config, logger, { clock }), AuthModule, ProbeModule],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    })
    class AuthTestModule {}
    app = await NestFactory.create<NestFastifyApplication>(AuthTestModule, new FastifyAdapter(), { logger: false, abortOnError: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = await app.getUrl();

    const eventStore = app.get(EventStore);
    await seedDemoRegion(eventStore, clock, { hasher: new PasswordHasher({ ln: 12, r: 8, p: 1 }) });
    // A second region, founded by its own bootstrap admin, for the "outside the region" cases.
    const founder = { userId: 'seed-other', role: 'admin' as const, organisationId: 'other-finance-bureau' };
    const writer = new DirectoryWriter(eventStore, clock, new PasswordHasher({ ln: 12, r: 8, p: 1 }));
    await writer.registerOrganisation({ organisationId: 'other-finance-bureau', kind: 'finance_bureau', name: '邻市财政局', parentId: null }, founder);
    await writer.registerOrganisation({ organisationId: 'other-dept', kind: 'department', name: '邻市教育局', parentId: 'other-finance-bureau' }, founder);
    const names = directoryProjections.map((p) => p.name);
    expect(await waitForPosition(app.get<SqlClient>(READ_STORE), names, await eventStore.headPosition(), { timeoutMs: 20_000 })).toBe(true);
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('the guard', () => {
    it('lets @Public() routes through without a token', async () => {
      expect(await call('GET', '/probe/open')).toMatchObject({ status: 200, body: { open: true } });
    });

    it('answers a missing token with 401 AUTH_REQUIRED as a problem, in Chinese by default and in English on request', async () => {
      const zh = await call('GET', '/probe/whoami');
      expect(zh.status).toBe(401);
      expect(zh.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(zh.headers.get('www-authenticate')).toBe('Bearer realm="jixiao"');
      expect(zh.body).toMatchObject({ status: 401, code: 'AUTH_REQUIRED', detail: expect.stringContaining('需要登录') });
      const en = await call('GET', '/probe/whoami', { headers: { 'accept-language': 'en-GB,en;q=0.9,zh-CN;q=0.5' } });
      expect(en.body).toMatchObject({ code: 'AUTH_REQUIRED', detail: expect.stringContaining('authentication required') });
    });

    it('answers a malformed header, a forged token and garbage with 401 AUTH_TOKEN_INVALID', async () => {
      for (const authorization of ['Basic ZGVtbzpkZW1v', 'Bearer', 'Bearer not-a-jwt', 'Bearer a.b.c']) {
        const response = await call('GET', '/probe/whoami', { headers: { authorization } });
        expect([authorization, response.status, response.body.code]).toEqual([authorization, 401, 'AUTH_TOKEN_INVALID']);
      }
      const forged = await new AccessTokens('someone-elses-secret-that-is-long-enough-000', 3600).sign(
        { userId: 'demo-user-admin', role: 'admin', organisationId: o.bureau.organisationId, displayName: '郑管理' },
        clock.now(),
      );
      const response = await call('GET', '/probe/whoami', { token: forged.accessToken });
      expect(response).toMatchObject({ status: 401, body: { code: 'AUTH_TOKEN_INVALID' } });
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="jixiao", error="invalid_token"');
    });

    it('answers an expired token with 401 AUTH_TOKEN_EXPIRED', async () => {
      const token = await login('demo.leader');
      expect((await call('GET', '/probe/whoami', { token })).status).toBe(200);
      clock.advance(3601_000);
      try {
        const expired = await call('GET', '/probe/whoami', { token, headers: { 'accept-language': 'en' } });
        expect(expired).toMatchObject({ status: 401, body: { code: 'AUTH_TOKEN_EXPIRED', detail: 'the access token has expired; log in again' } });
      } finally {
        clock.advance(-3601_000);
      }
    });
  });

  describe('login', () => {
    it('issues a bearer token whose principal the guard puts on the request', async () => {
      const response = await call('POST', '/auth/login', { body: { username: 'demo.filler', password: password('unit_filler') } });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        tokenType: 'Bearer',
        expiresIn: 3600,
        user: { userId: 'demo-user-filler', displayName: '张填报', role: 'unit_filler', organisationId: o.hospital.organisationId },
      });
      const whoami = await call('GET', '/probe/whoami', { token: response.body.accessToken as string });
      expect(whoami.body).toEqual(response.body.user);
    });

    it('takes the username regardless of case', async () => {
      expect(await login('DEMO.Auditor', password('auditor'))).toEqual(expect.any(String));
    });

    it('gives one answer for a wrong password and an unknown user', async () => {
      const wrong = await call('POST', '/auth/login', { body: { username: 'demo.filler', password: 'not-the-password' } });
      const unknown = await call('POST', '/auth/login', { body: { username: 'nobody.here', password: 'not-the-password' } });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS', detail: '用户名或密码错误' });
      expect({ ...unknown, headers: null }).toEqual({ ...wrong, headers: null });
    });

    it('refuses a body without the fields with 400', async () => {
      const response = await call('POST', '/auth/login', { body: { username: 'demo.filler' } });
      expect(response).toMatchObject({ status: 400, body: { code: 'COMMAND_INVALID', errors: [{ path: 'password' }] } });
    });
  });

  describe('organisations', () => {
    it('shows each caller the tree of their own scope', async () => {
      const region = await call('GET', '/organisations', { token: await login('demo.auditor') });
      expect(region.status).toBe(200);
      expect(region.body.scopeRootId).toBe(o.bureau.organisationId);
      expect(region.body.root.children.map((c: { name: string; children: unknown[] }) => [c.name, c.children.length]).sort()).toEqual(
        [
          ['示范市医疗保障局', 2],
          ['示范市卫生健康委员会', 2],
        ].sort(),
      );
      const department = await call('GET', '/organisations', { token: await login('demo.reviewer.health') });
      expect(department.body.root).toMatchObject({ organisationId: o.health.organisationId, children: [{}, {}] });
      const unit = await call('GET', '/organisations', { token: await login('demo.filler') });
      expect(unit.body.root).toEqual({ organisationId: o.hospital.organisationId, kind: 'unit', name: '示范市人民医院', parentId: o.health.organisationId, children: [] });
    });

    it('lets an admin register a unit that everyone concerned sees on their very next request', async () => {
      const admin = await login('demo.admin');
      const body = { organisationId: 'demo-unit-blood-centre', kind: 'unit', name: '示范市中心血站', parentId: o.health.organisationId };
      const created = await call('POST', '/organisations', { token: admin, body });
      expect(created).toMatchObject({ status: 201, body: { ...body, regionId: o.bureau.organisationId } });
      const reviewer = await login('demo.reviewer.health');
      expect((await call('GET', '/probe/can-see/demo-unit-blood-centre', { token: reviewer })).body).toEqual({ canSee: true });
      expect((await call('GET', '/probe/can-see/demo-unit-blood-centre', { token: await login('demo.reviewer.medsec') })).body).toEqual({ canSee: false });
      const tree = await call('GET', '/organisations', { token: reviewer });
      expect(tree.body.root.children.map((c: { organisationId: string }) => c.organisationId)).toContain('demo-unit-blood-centre');
      // The same request again is answered with what stands, not a conflict.
      expect(await call('POST', '/organisations', { token: admin, body })).toMatchObject({ status: 200, body });
      const renamed = await call('PATCH', '/organisations/demo-unit-blood-centre', { token: admin, body: { name: '示范市血液中心' } });
      expect(renamed).toMatchObject({ status: 200, body: { organisationId: 'demo-unit-blood-centre', name: '示范市血液中心' } });
      const after = await call('GET', '/organisations', { token: reviewer });
      expect(after.body.root.children.find((c: { organisationId: string }) => c.organisationId === 'demo-unit-blood-centre').name).toBe('示范市血液中心');
      expect(await call('PATCH', '/organisations/demo-unit-blood-centre', { token: reviewer, body: { name: 'X' } })).toMatchObject({ status: 403 });
    });

    it('refuses non-admins, another region, a wrong parent kind and a taken id', async () => {
      const admin = await login('demo.admin');
      const unit = { organisationId: 'demo-unit-x', kind: 'unit', name: 'X', parentId: o.health.organisationId };
      expect(await call('POST', '/organisations', { token: await login('demo.auditor'), body: unit })).toMatchObject({ status: 403, body: { code: 'ROLE_NOT_ALLOWED' } });
      expect(await call('POST', '/organisations', { token: admin, body: { ...unit, parentId: 'other-dept' } })).toMatchObject({
        status: 403,
        body: { code: 'ORGANISATION_OUTSIDE_REGION', errors: [{ path: 'parentId' }] },
      });
      expect(await call('POST', '/organisations', { token: admin, body: { ...unit, parentId: o.bureau.organisationId } })).toMatchObject({
        status: 422,
        body: { code: 'ORGANISATION_PARENT_KIND_INVALID', detail: '预算单位的上级必须是主管部门，而demo-finance-bureau是财政局' },
      });
      expect(await call('POST', '/organisations', { token: admin, body: { ...unit, organisationId: o.cdc.organisationId } })).toMatchObject({
        status: 409,
        body: { code: 'ORGANISATION_ALREADY_EXISTS' },
      });
      expect(await call('POST', '/organisations', { token: admin, body: { ...unit, kind: 'ministry' } })).toMatchObject({ status: 400, body: { code: 'COMMAND_INVALID', errors: [{ path: 'kind' }] } });
    });
  });

  describe('users', () => {
    const newUser = { userId: 'demo-user-cdc-filler', username: 'cdc.filler', displayName: '孙填报', role: 'unit_filler', organisationId: o.cdc.organisationId, password: 'cdc-filler-initial-1' };

    it('GET /users/me describes the caller with the lineage of their organisation', async () => {
      const me = await call('GET', '/users/me', { token: await login('demo.filler') });
      expect(me.body).toEqual({
        userId: 'demo-user-filler',
        username: 'demo.filler',
        displayName: '张填报',
        role: 'unit_filler',
        organisationId: o.hospital.organisationId,
        organisation: { organisationId: o.hospital.organisationId, kind: 'unit', name: '示范市人民医院' },
        lineage: [
          { organisationId: o.hospital.organisationId, kind: 'unit', name: '示范市人民医院' },
          { organisationId: o.health.organisationId, kind: 'department', name: '示范市卫生健康委员会' },
          { organisationId: o.bureau.organisationId, kind: 'finance_bureau', name: '示范市财政局' },
        ],
        scopeRootId: o.hospital.organisationId,
      });
    });

    it('lets an admin register a user who can log in at once; the username is unique regardless of case', async () => {
      const admin = await login('demo.admin');
      const created = await call('POST', '/users', { token: admin, body: newUser });
      expect(created).toMatchObject({ status: 201, body: { userId: newUser.userId, username: 'cdc.filler', role: 'unit_filler', active: true } });
      expect(created.body).not.toHaveProperty('password');
      expect(created.body).not.toHaveProperty('passwordHash');
      const token = await login('cdc.filler', newUser.password);
      expect((await call('GET', '/probe/whoami', { token })).body).toMatchObject({ userId: newUser.userId, organisationId: o.cdc.organisationId });
      expect(await call('POST', '/users', { token: admin, body: newUser })).toMatchObject({ status: 200 });
      expect(await call('POST', '/users', { token: admin, body: { ...newUser, userId: 'demo-user-someone-else', username: 'CDC.Filler' } })).toMatchObject({
        status: 409,
        body: { code: 'USERNAME_TAKEN', errors: [{ path: 'username' }] },
      });
    });

    it('refuses a role in the wrong kind of organisation, non-admins, and another region', async () => {
      const admin = await login('demo.admin');
      const body = { ...newUser, userId: 'demo-user-y', username: 'demo.y' };
      expect(await call('POST', '/users', { token: admin, body: { ...body, role: 'auditor' } })).toMatchObject({ status: 422, body: { code: 'ROLE_ORGANISATION_MISMATCH', errors: [{ path: 'role' }] } });
      expect(await call('POST', '/users', { token: await login('demo.finance'), body })).toMatchObject({ status: 403, body: { code: 'ROLE_NOT_ALLOWED' } });
      expect(await call('POST', '/users', { token: admin, body: { ...body, role: 'department_reviewer', organisationId: 'other-dept' } })).toMatchObject({
        status: 403,
        body: { code: 'ORGANISATION_OUTSIDE_REGION' },
      });
      expect(await call('POST', '/users', { token: admin, body: { ...body, password: 'short' } })).toMatchObject({ status: 400, body: { errors: [{ path: 'password' }] } });
    });

    it('ends the sessions of a user whose password changed, and accepts the new password only', async () => {
      const token = await login('cdc.filler', newUser.password);
      const wrong = await call('POST', '/users/me/password', { token, body: { currentPassword: 'not-it', newPassword: 'cdc-filler-changed-2' } });
      expect(wrong).toMatchObject({ status: 422, body: { code: 'PASSWORD_INCORRECT' } });
      // Tokens carry whole seconds: step past the second the token was issued in.
      clock.advance(1000);
      expect(await call('POST', '/users/me/password', { token, body: { currentPassword: newUser.password, newPassword: 'cdc-filler-changed-2' } })).toMatchObject({ status: 204 });
      expect(await call('GET', '/probe/whoami', { token })).toMatchObject({ status: 401, body: { code: 'AUTH_TOKEN_INVALID' } });
      expect((await call('POST', '/auth/login', { body: { username: 'cdc.filler', password: newUser.password } })).status).toBe(401);
      expect(await login('cdc.filler', 'cdc-filler-changed-2')).toEqual(expect.any(String));
    });

    it('shuts a deactivated user out: the live token stops working and login fails', async () => {
      const token = await login('cdc.filler', 'cdc-filler-changed-2');
      const admin = await login('demo.admin');
      expect(await call('POST', `/users/${newUser.userId}/deactivate`, { token: admin, body: { reason: '调离' } })).toMatchObject({ status: 200, body: { active: false } });
      const refused = await call('GET', '/probe/whoami', { token, headers: { 'accept-language': 'en' } });
      expect(refused).toMatchObject({ status: 401, body: { code: 'AUTH_TOKEN_INVALID', detail: 'the account is deactivated' } });
      const login401 = await call('POST', '/auth/login', { body: { username: 'cdc.filler', password: 'cdc-filler-changed-2' } });
      expect(login401).toMatchObject({ status: 401, body: { code: 'AUTH_INVALID_CREDENTIALS' } });
      expect(await call('POST', '/users/demo-user-admin/deactivate', { token: admin, body: {} })).toMatchObject({ status: 403, body: { code: 'USER_CANNOT_DEACTIVATE_SELF' } });
    });
  });
});
