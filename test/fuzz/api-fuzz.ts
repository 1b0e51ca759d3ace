import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { DEVELOPMENT_JWT_SECRET } from '#config';
import { commandEventsSince } from '../support/command-events.js';
import { startApi, type RunningApi } from '../support/api-server.js';

/**
 * Generated bad input against the real HTTP API: every request here is invalid by construction,
 * so each must answer 4xx and append nothing. `runs` is per property; `npm run fuzz -- --runs N`
 * raises it for long runs, `npm test` keeps it modest.
 */

interface Target {
  name: string;
  method: string;
  path: (reportId: string) => string;
  /** A valid body for the route, which the mutations break. */
  body: Record<string, unknown>;
  /** Fields whose values are amounts, scores or closed vocabularies: any other text is invalid. */
  strict: string[];
  /** Fields of free text with a length limit. */
  text: Array<[field: string, max: number]>;
}

const indicator = { level1: 'output', level2: 'quantity', name: '设备数量', comparator: '≥', target: '20', unit: '台', actual: '20', weight: '10' };

const targets: Target[] = [
  { name: 'header', method: 'PATCH', path: (id) => `/reports/${id}/header`, body: { projectName: '改名', year: 2025 }, strict: ['year'], text: [['projectName', 500]] },
  {
    name: 'budget row',
    method: 'PUT',
    path: (id) => `/reports/${id}/budget/total`,
    body: { initial: '100.00', adjusted: '100.00', executed: '95.00' },
    strict: ['initial', 'adjusted', 'executed'],
    text: [],
  },
  { name: 'add indicator', method: 'POST', path: (id) => `/reports/${id}/indicators`, body: { indicatorId: 'fz-1', indicator }, strict: ['indicatorId'], text: [] },
  { name: 'update indicator', method: 'PATCH', path: (id) => `/reports/${id}/indicators/out-1`, body: { weight: '10', comparator: '≥' }, strict: ['weight', 'comparator'], text: [] },
  { name: 'self total', method: 'PUT', path: (id) => `/reports/${id}/self-total`, body: { value: '90.00' }, strict: ['value'], text: [] },
  { name: 'narrative', method: 'PUT', path: (id) => `/reports/${id}/narrative/goal`, body: { text: '目标' }, strict: [], text: [['text', 20000]] },
  { name: 'approve', method: 'POST', path: (id) => `/reports/${id}/approve`, body: { stageId: 'unit_signoff' }, strict: ['stageId'], text: [] },
];

const injections = [
  "'; DROP TABLE es_events; --",
  "1' OR '1'='1",
  '<script>alert(1)</script>',
  '{{7*7}}${7*7}',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  '\u202e\u0631\u202d',
  '\ud800',
  '𠜎𠜱𠝹',
  '١٢٣',
  '１００．００',
  'NaN',
  'Infinity',
  '1e309',
  '-0.001',
  '9'.repeat(400),
];

/** A value of a type no field accepts where text is expected. */
// No nulls (many fields are nullable) and no integers (a year is one): only what is wrong everywhere.
const wrongType = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** Text that no amount, score, id or vocabulary field accepts ('NaN' is a fine id, so not here). */
const badText = fc.oneof(fc.constantFrom(...injections.filter((s) => !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(s))), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((s) => `x${s}§`));

type Case = { label: string; body: string; headers?: Record<string, string>; path?: string };

function mutations(target: Target): fc.Arbitrary<Case> {
  const json = (value: unknown) => JSON.stringify(value);
  const fields = Object.keys(target.body);
  const cases: Array<fc.Arbitrary<Case>> = [
    fc.string({ maxLength: 60 }).filter((s) => !parses(s)).map((raw) => ({ label: 'malformed JSON', body: raw })),
    fc.nat({ max: Math.max(0, json(target.body).length - 2) }).map((cut) => ({ label: 'truncated JSON', body: json(target.body).slice(0, cut + 1) })),
    fc.tuple(fc.constantFrom(...fields), wrongType).map(([field, value]) => ({ label: `wrong type at ${field}`, body: json({ ...target.body, [field]: value }) })),
    fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((key) => !fields.includes(key) && key !== '__proto__')
      .map((key) => ({ label: `unknown field ${JSON.stringify(key)}`, body: `{${json(key)}:1,${json(target.body).slice(1)}` })),
    fc.constantFrom('[]', '"text"', '42', '[{"a":1}]').map((raw) => ({ label: `not an object: ${raw}`, body: raw })),
  ];
  if (target.strict.length > 0) {
    cases.push(fc.tuple(fc.constantFrom(...target.strict), badText).map(([field, value]) => ({ label: `bad text at ${field}`, body: json({ ...target.body, [field]: value }) })));
  }
  if (target.text.length > 0) {
    cases.push(
      fc.constantFrom(...target.text).map(([field, max]) => ({ label: `over-long ${field}`, body: json({ ...target.body, [field]: '长'.repeat(max + 1) }) })),
    );
  }
  return fc.oneof(...cases);
}

function encodable(raw: string): boolean {
  try {
    encodeURIComponent(raw);
    return true;
  } catch {
    return false;
  }
}

function parses(raw: string): boolean {
  try {
    JSON.parse(raw);
    return true;
  } catch {
    return false;
  }
}

export function apiFuzzSuite(runs: number): void {
  describe(`HTTP API fuzz (${runs} runs per property)`, () => {
    let api: RunningApi;
    let token: string;
    let reportId: string;
    let etag: string;

    beforeAll(async () => {
      api = await startApi('pglite://memory');
      const filler = await api.as('demo.filler');
      const created = await filler.request('POST', '/reports', { body: { kind: 'project', header: { unit: '示范市人民医院', year: 2025, projectName: '模糊测试' } } });
      reportId = created.body.id;
      const added = await filler.request('POST', `/reports/${reportId}/indicators`, { body: { indicatorId: 'out-1', indicator }, headers: { 'if-match': created.headers.get('etag')! } });
      etag = added.headers.get('etag')!;
      const login = await api.anonymous.request('POST', '/auth/login', { body: { username: 'demo.filler', password: 'demo-unit_filler-2026' } });
      token = login.body.accessToken;
    });
    afterAll(async () => api?.close());

    async function send(method: string, path: string, body: string | undefined, headers: Record<string, string>) {
      const response = await fetch(`${api.baseUrl}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body }) });
      await response.arrayBuffer();
      return response.status;
    }

    /** Every case: a 4xx and no event appended. */
    async function refusedWithoutEffect(method: string, path: string, body: string | undefined, headers: Record<string, string>, label: string) {
      const before = await api.eventStore.headPosition();
      const status = await send(method, path, body, headers);
      expect({ label, path, status: status >= 400 && status < 500 }).toEqual({ label, path, status: true });
      expect(await commandEventsSince(api.eventStore, before)).toBe(0);
    }

    it('refuses malformed, mistyped, over-long and unknown-field bodies on every command route', async () => {
      const arbitrary = fc.constantFrom(...targets).chain((target) => mutations(target).map((c) => ({ target, c })));
      await fc.assert(
        fc.asyncProperty(arbitrary, async ({ target, c }) => {
          await refusedWithoutEffect(target.method, target.path(reportId), c.body, { authorization: `Bearer ${token}`, 'if-match': etag }, `${target.name}: ${c.label}`);
        }),
        { numRuns: runs * targets.length },
      );
    });

    it('refuses garbage and injection in path ids', async () => {
      const id = fc.oneof(fc.constantFrom(...injections), fc.string({ unit: 'grapheme', minLength: 65, maxLength: 80 }), fc.string({ minLength: 1, maxLength: 20 }).map((s) => `${s}/..;`));
      await fc.assert(
        // A lone surrogate cannot be put in a URL at all: the client, not the server, refuses it.
        fc.asyncProperty(fc.constantFrom(...targets), id.filter(encodable), async (target, raw) => {
          await refusedWithoutEffect(target.method, target.path(encodeURIComponent(raw)), JSON.stringify(target.body), { authorization: `Bearer ${token}`, 'if-match': etag }, `${target.name}: id ${raw}`);
        }),
        { numRuns: runs },
      );
    });

    it('refuses stale and garbage If-Match, and garbage Idempotency-Key, on a valid body', async () => {
      const current = Number(etag.replace(/"/g, ''));
      const ifMatch = fc.oneof(
        fc.integer({ min: 0, max: current - 1 }).map((n) => `"${n}"`),
        fc.integer({ min: current + 1, max: 1_000_000 }).map((n) => `"${n}"`),
        fc.stringMatching(/^[\x21-\x7e]{1,20}$/).filter((s) => !/^(?:W\/)?"?\d{1,9}"?$/.test(s)),
      );
      const idempotencyKey = fc.oneof(fc.constant('x'.repeat(256)), fc.stringMatching(/^[\x21-\x7e]{1,10} [\x21-\x7e]{1,10}$/), fc.constant('ab\tcd'));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...targets.filter((t) => t.name !== 'approve')), fc.oneof(ifMatch.map((v) => ({ 'if-match': v })), idempotencyKey.map((k) => ({ 'if-match': etag, 'idempotency-key': k }))), async (target, headers) => {
          await refusedWithoutEffect(target.method, target.path(reportId), JSON.stringify(target.body), { authorization: `Bearer ${token}`, ...headers }, `${target.name}: ${JSON.stringify(headers)}`);
        }),
        { numRuns: runs },
      );
    });

    it('refuses forged, expired, malformed and unsigned tokens', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { role: 'unit_filler', org: 'demo-unit-people-hospital', name: '张填报' };
      const sign = (secret: string, iat: number, exp: number) =>
        new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject('demo-user-filler').setIssuedAt(iat).setExpirationTime(exp).sign(new TextEncoder().encode(secret));
      const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, sub: 'demo-user-filler', iat: now, exp: now + 600 })).toString('base64url')}.`;
      const token$ = fc.oneof(
        fc.string({ minLength: 32, maxLength: 48 }).filter((s) => s !== DEVELOPMENT_JWT_SECRET).map((secret) => ({ label: 'forged', make: () => sign(secret, now, now + 600) })),
        fc.integer({ min: 1, max: 100_000 }).map((ago) => ({ label: 'expired', make: () => sign(DEVELOPMENT_JWT_SECRET, now - ago - 3600, now - ago) })),
        fc.constant({ label: 'alg none', make: async () => unsigned }),
        fc.string({ maxLength: 40 }).map((s) => ({ label: 'garbage', make: async () => s.replace(/[^\x21-\x7e]/g, 'a') || 'a' })),
        fc.constant({ label: 'tampered', make: async () => (await sign(DEVELOPMENT_JWT_SECRET, now, now + 600)).replace(/\.([^.]*)\./, (_m, body: string) => `.${body.slice(0, -2)}AA.`) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...targets), token$, async (target, t) => {
          await refusedWithoutEffect(target.method, target.path(reportId), JSON.stringify(target.body), { authorization: `Bearer ${await t.make()}`, 'if-match': etag }, `${target.name}: ${t.label} token`);
        }),
        { numRuns: runs },
      );
    });
  });
}
