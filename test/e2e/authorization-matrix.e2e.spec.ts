import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SystemClock } from '#platform';
import { DirectoryWriter } from '../../apps/api/src/auth/directory-writer.js';
import { PasswordHasher } from '../../apps/api/src/auth/password-hasher.js';
import { demoUsers } from '../../apps/cli/src/seed-demo.js';
import { commandEventsSince } from '../support/command-events.js';
import { startApi, type ApiClient, type RunningApi } from '../support/api-server.js';
import { projectHeader } from './reports-api.e2e.js';

/**
 * Every endpoint × every role × a report of the caller's own organisation subtree and one outside
 * it. Outside: 404 (a report one may not see does not exist for them). Inside: reads for every
 * role; writes for the unit's filler only (403 for everyone else). No token: 401.
 */
const sha = 'a'.repeat(64);
const indicator = { level1: 'output', level2: 'quantity', name: '设备数量', comparator: '≥', target: '1', unit: '台', actual: '1', weight: '10' };

interface Endpoint {
  name: string;
  method: string;
  path: (id: string) => string;
  body?: (ids: { indicators: string[] }) => unknown;
  write: boolean;
}

const reads: Endpoint[] = [
  { name: 'get report', method: 'GET', path: (id) => `/reports/${id}`, write: false },
  { name: 'history', method: 'GET', path: (id) => `/reports/${id}/history`, write: false },
  { name: 'as-of', method: 'GET', path: (id) => `/reports/${id}/as-of?revision=0`, write: false },
  { name: 'diff', method: 'GET', path: (id) => `/reports/${id}/diff?from=0&to=0`, write: false },
  { name: 'verify', method: 'GET', path: (id) => `/reports/${id}/verify`, write: false },
  { name: 'trail', method: 'GET', path: (id) => `/reports/${id}/trail?format=json`, write: false },
];

// In an order in which the filler's own writes all make sense one after the other.
const writes: Endpoint[] = [
  { name: 'update header', method: 'PATCH', path: (id) => `/reports/${id}/header`, body: () => ({ projectName: '改名' }), write: true },
  { name: 'set budget row', method: 'PUT', path: (id) => `/reports/${id}/budget/total`, body: () => ({ initial: '10.00', adjusted: '10.00', executed: '9.50' }), write: true },
  { name: 'budget assessment', method: 'PATCH', path: (id) => `/reports/${id}/budget-assessment`, body: () => ({ explanation: '说明' }), write: true },
  { name: 'add indicator', method: 'POST', path: (id) => `/reports/${id}/indicators`, body: () => ({ indicatorId: 'i2', indicator }), write: true },
  { name: 'update indicator', method: 'PATCH', path: (id) => `/reports/${id}/indicators/i1`, body: () => ({ actual: '2' }), write: true },
  { name: 'reorder indicators', method: 'PUT', path: (id) => `/reports/${id}/indicator-order`, body: (ids) => ({ order: [...ids.indicators].reverse() }), write: true },
  { name: 'set evaluation item', method: 'PUT', path: (id) => `/reports/${id}/evaluation-items/e2`, body: () => ({ category: '预算管理', maximum: '10', score: '9', justification: '良好' }), write: true },
  { name: 'remove evaluation item', method: 'DELETE', path: (id) => `/reports/${id}/evaluation-items/e1`, write: true },
  { name: 'set narrative', method: 'PUT', path: (id) => `/reports/${id}/narrative/conclusion`, body: () => ({ text: '良好' }), write: true },
  { name: 'set self total', method: 'PUT', path: (id) => `/reports/${id}/self-total`, body: () => ({ value: '95.00' }), write: true },
  { name: 'attach evidence', method: 'POST', path: (id) => `/reports/${id}/evidence`, body: () => ({ evidenceId: 'v2', evidence: { fileName: '验收单.pdf', mediaType: 'application/pdf', sizeBytes: 1024, sha256: sha } }), write: true },
  { name: 'detach evidence', method: 'DELETE', path: (id) => `/reports/${id}/evidence/v1`, write: true },
  { name: 'remove indicator', method: 'DELETE', path: (id) => `/reports/${id}/indicators/i2`, write: true },
  { name: 'submit', method: 'POST', path: (id) => `/reports/${id}/submit`, body: () => ({}), write: true },
  { name: 'withdraw', method: 'POST', path: (id) => `/reports/${id}/withdraw`, body: () => ({ reason: null }), write: true },
];

describe('authorisation matrix: endpoint × role × own / other organisation', () => {
  let api: RunningApi;
  const clients = new Map<string, ApiClient>();
  const reports: Record<'hospital' | 'insurance' | 'otherRegion', string> = { hospital: '', insurance: '', otherRegion: '' };

  async function createRich(client: ApiClient): Promise<string> {
    const created = await client.request('POST', '/reports', { body: { kind: 'project', header: projectHeader } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    let etag = created.headers.get('etag')!;
    for (const [method, path, body] of [
      ['POST', '/indicators', { indicatorId: 'i1', indicator }],
      ['PUT', '/evaluation-items/e1', { category: '资产管理', maximum: '10', score: '8', justification: '一般' }],
      ['POST', '/evidence', { evidenceId: 'v1', evidence: { fileName: '合同.pdf', mediaType: 'application/pdf', sizeBytes: 10, sha256: sha } }],
    ] as const) {
      const response = await client.request(method, `/reports/${id}${path}`, { body, headers: { 'if-match': etag } });
      expect(response.status).toBe(200);
      etag = response.headers.get('etag')!;
    }
    return id;
  }

  beforeAll(async () => {
    api = await startApi('pglite://memory');
    const writer = new DirectoryWriter(api.eventStore, new SystemClock(), new PasswordHasher());
    const founder = { userId: 'seed-other', role: 'admin' as const, organisationId: 'other-bureau' };
    await writer.registerOrganisation({ organisationId: 'other-bureau', kind: 'finance_bureau', name: '邻市财政局', parentId: null }, founder);
    await writer.registerOrganisation({ organisationId: 'other-dept', kind: 'department', name: '邻市卫生健康委员会', parentId: 'other-bureau' }, founder);
    await writer.registerOrganisation({ organisationId: 'other-unit', kind: 'unit', name: '邻市人民医院', parentId: 'other-dept' }, founder);
    await writer.registerUser({ userId: 'other-filler', username: 'other.filler', displayName: '邻填报', role: 'unit_filler', organisationId: 'other-unit', password: 'other-filler-2026' }, founder);
    for (const user of demoUsers) clients.set(user.username, await api.as(user.username));
    reports.hospital = await createRich(clients.get('demo.filler')!);
    reports.insurance = await createRich(clients.get('demo.filler2')!);
    reports.otherRegion = await createRich(await loginOther());
  });
  afterAll(async () => api?.close());

  async function loginOther(): Promise<ApiClient> {
    const login = await api.anonymous.request('POST', '/auth/login', { body: { username: 'other.filler', password: 'other-filler-2026' } });
    expect(login.status).toBe(200);
    const token = login.body.accessToken as string;
    return { request: (method, path, options = {}) => api.anonymous.request(method, path, { ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${token}` } }) };
  }

  /** The report inside the caller's subtree, and one outside it. */
  function ownAndOther(username: string): { own: string; other: string; filler: boolean } {
    switch (username) {
      case 'demo.filler':
        return { own: reports.hospital, other: reports.insurance, filler: true };
      case 'demo.filler2':
        return { own: reports.insurance, other: reports.hospital, filler: true };
      case 'demo.leader':
      case 'demo.reviewer.health':
        return { own: reports.hospital, other: reports.insurance, filler: false };
      case 'demo.reviewer.medsec':
        return { own: reports.insurance, other: reports.hospital, filler: false };
      default:
        return { own: reports.hospital, other: reports.otherRegion, filler: false };
    }
  }

  async function call(client: ApiClient, endpoint: Endpoint, reportId: string) {
    const current = await clients.get('demo.auditor')!.request('GET', `/reports/${reportId}`);
    const other = current.status === 200 ? current : await clients.get('demo.filler')!.request('GET', `/reports/${reportId}`);
    const etag = other.headers.get('etag') ?? '"0"';
    const indicators = (other.body?.report?.indicators ?? []).map((i: { id: string }) => i.id);
    return client.request(endpoint.method, endpoint.path(reportId), { body: endpoint.body?.({ indicators }), headers: endpoint.write ? { 'if-match': etag } : {} });
  }

  it('answers 401 to every endpoint without a token', async () => {
    for (const endpoint of [...reads, ...writes]) {
      const response = await api.anonymous.request(endpoint.method, endpoint.path(reports.hospital), { body: endpoint.body?.({ indicators: [] }) });
      expect({ endpoint: endpoint.name, status: response.status, code: response.body.code }).toEqual({ endpoint: endpoint.name, status: 401, code: 'AUTH_REQUIRED' });
    }
  });

  it.each(demoUsers.map((u) => [u.username, u.role]))('%s (%s): reads inside the subtree, 404 outside', async (username) => {
    const client = clients.get(username)!;
    const { own, other } = ownAndOther(username);
    for (const endpoint of reads) {
      expect({ endpoint: endpoint.name, own: (await call(client, endpoint, own)).status }).toEqual({ endpoint: endpoint.name, own: 200 });
      expect({ endpoint: endpoint.name, other: (await call(client, endpoint, other)).status }).toEqual({ endpoint: endpoint.name, other: 404 });
    }
  });

  it.each(demoUsers.filter((u) => u.role !== 'unit_filler').map((u) => [u.username, u.role]))('%s (%s): may change no report, own or other', async (username) => {
    const client = clients.get(username)!;
    const { own, other } = ownAndOther(username);
    const before = await api.eventStore.headPosition();
    for (const endpoint of writes) {
      const ownResponse = await call(client, endpoint, own);
      expect({ endpoint: endpoint.name, own: ownResponse.status }).toEqual({ endpoint: endpoint.name, own: 403 });
      expect({ endpoint: endpoint.name, other: (await call(client, endpoint, other)).status }).toEqual({ endpoint: endpoint.name, other: 404 });
    }
    const create = await client.request('POST', '/reports', { body: { kind: 'project', header: projectHeader, organisationId: 'demo-unit-people-hospital' } });
    expect([403, 404]).toContain(create.status);
    expect(await commandEventsSince(api.eventStore, before)).toBe(0);
  });

  it.each(['demo.filler', 'demo.filler2'])('%s (unit_filler): every write on the own unit’s report, none on another unit’s', async (username) => {
    const client = clients.get(username)!;
    const { own, other } = ownAndOther(username);
    for (const endpoint of writes) {
      const otherResponse = await call(client, endpoint, other);
      expect({ endpoint: endpoint.name, other: otherResponse.status }).toEqual({ endpoint: endpoint.name, other: 404 });
    }
    const outcomes: Record<string, number> = {};
    for (const endpoint of writes) outcomes[endpoint.name] = (await call(client, endpoint, own)).status;
    // Everything is allowed; submit is refused on its content (the checks), withdraw because nothing was submitted.
    expect(outcomes).toEqual({ ...Object.fromEntries(writes.map((w) => [w.name, 200])), submit: 422, withdraw: 422 });
    const elsewhere = await client.request('POST', '/reports', { body: { kind: 'project', header: projectHeader, organisationId: username === 'demo.filler' ? 'demo-unit-insurance-centre' : 'demo-unit-people-hospital' } });
    expect(elsewhere.status).toBe(403);
  });

  it('lists only the reports inside each caller’s subtree', async () => {
    const expected: Record<string, string[]> = {
      'demo.filler': [reports.hospital],
      'demo.leader': [reports.hospital],
      'demo.filler2': [reports.insurance],
      'demo.reviewer.health': [reports.hospital],
      'demo.reviewer.medsec': [reports.insurance],
      'demo.finance': [reports.hospital, reports.insurance],
      'demo.performance': [reports.hospital, reports.insurance],
      'demo.auditor': [reports.hospital, reports.insurance],
      'demo.admin': [reports.hospital, reports.insurance],
    };
    for (const [username, ids] of Object.entries(expected)) {
      const deadline = Date.now() + 10_000;
      let seen: string[] = [];
      while (Date.now() < deadline) {
        const list = await clients.get(username)!.request('GET', '/reports?pageSize=100');
        expect(list.status).toBe(200);
        seen = list.body.items.map((r: { reportId: string }) => r.reportId).sort();
        if (seen.length >= ids.length) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect({ username, seen }).toEqual({ username, seen: [...ids].sort() });
    }
  });

  it('lets only auditors and admins export their own region’s organisation trail', async () => {
    for (const user of demoUsers) {
      const own = await clients.get(user.username)!.request('GET', '/audit/organisations/demo-finance-bureau/trail?format=json');
      const allowed = user.role === 'auditor' || user.role === 'admin';
      expect({ user: user.username, status: own.status }).toEqual({ user: user.username, status: allowed ? 200 : 403 });
      const other = await clients.get(user.username)!.request('GET', '/audit/organisations/other-bureau/trail?format=json');
      expect({ user: user.username, status: [403, 404].includes(other.status) }).toEqual({ user: user.username, status: true });
    }
  });

  it('lets only admins register organisations and users', async () => {
    for (const user of demoUsers) {
      const client = clients.get(user.username)!;
      const org = await client.request('POST', '/organisations', { body: { kind: 'unit', name: `新单位-${user.username}`, parentId: 'demo-dept-health' } });
      expect({ user: user.username, status: org.status }).toEqual({ user: user.username, status: user.role === 'admin' ? 201 : 403 });
      expect((await client.request('GET', '/organisations')).status).toBe(200);
      expect((await client.request('GET', '/users/me')).body.userId).toBe(user.userId);
    }
  });
});
