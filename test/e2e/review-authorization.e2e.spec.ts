import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { reportStreamId } from '#domain';
import { SystemClock } from '#platform';
import { DirectoryWriter } from '../../apps/api/src/auth/directory-writer.js';
import { PasswordHasher } from '../../apps/api/src/auth/password-hasher.js';
import { demoSeedActor, demoUsers } from '../../apps/cli/src/seed-demo.js';
import { commandEventsSince } from '../support/command-events.js';
import { startApi, type ApiClient, type Response, type RunningApi } from '../support/api-server.js';
import { indicators, projectHeader } from './reports-api.e2e.js';

/**
 * The review endpoints × every demo role × a report inside the caller's subtree and one outside.
 * For each endpoint the report is brought to the state the action needs; then every role that
 * must not act tries first (403 inside the subtree, 404 outside, and nothing is appended), and
 * the one role that may act succeeds last.
 */
interface ReviewEndpoint {
  name: string;
  method: 'POST' | 'PUT';
  path: string;
  body: unknown;
  /** How far through the default chain the report must be: approvals given before the action. */
  approvals: number;
  allowed: string;
}

/** Who approves each stage of the default chain, for the hospital's and the insurance centre's reports. */
const chains = {
  'demo.filler': ['demo.leader', 'demo.reviewer.health', 'demo.finance', 'demo.performance'],
  'demo.filler2': ['insurance.leader', 'demo.reviewer.medsec', 'demo.finance', 'demo.performance'],
} as const;
const stages = ['unit_signoff', 'department_review', 'finance_review', 'performance_review'] as const;

const endpoints: ReviewEndpoint[] = [
  { name: 'approve', method: 'POST', path: '/approve', body: { stageId: 'unit_signoff' }, approvals: 0, allowed: 'demo.leader' },
  { name: 'return', method: 'POST', path: '/return', body: { stageId: 'finance_review', opinion: '请补充' }, approvals: 2, allowed: 'demo.finance' },
  {
    name: 'reviewer score',
    method: 'PUT',
    path: '/reviewer-scores',
    body: { stageId: 'performance_review', path: 'indicators[out-1]', score: '40', reason: '核减' },
    approvals: 3,
    allowed: 'demo.performance',
  },
  { name: 'publish', method: 'POST', path: '/publish', body: {}, approvals: 4, allowed: 'demo.performance' },
  { name: 'reopen', method: 'POST', path: '/reopen', body: { reason: '更正' }, approvals: 4, allowed: 'demo.performance' },
];

describe('authorisation matrix of the review workflow: endpoint × role × own / other organisation', () => {
  let api: RunningApi;
  const clients = new Map<string, ApiClient>();

  beforeAll(async () => {
    api = await startApi('pglite://memory');
    for (const user of demoUsers) clients.set(user.username, await api.as(user.username));
    // The demo region has a unit leader for the hospital only; the insurance centre gets one here.
    const writer = new DirectoryWriter(api.eventStore, new SystemClock(), new PasswordHasher());
    await writer.registerUser(
      { userId: 'insurance-leader', username: 'insurance.leader', displayName: '钱主任', role: 'unit_leader', organisationId: 'demo-unit-insurance-centre', password: 'insurance-leader-2026' },
      demoSeedActor,
    );
    clients.set('insurance.leader', await login('insurance.leader', 'insurance-leader-2026'));
  });

  async function login(username: string, password: string): Promise<ApiClient> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const response = await api.anonymous.request('POST', '/auth/login', { body: { username, password } });
      if (response.status === 200) {
        const token = response.body.accessToken as string;
        return { request: (method, path, options = {}) => api.anonymous.request(method, path, { ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${token}` } }) };
      }
      if (Date.now() > deadline) throw new Error(`login of ${username}: ${response.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const approver = (username: string) => clients.get(username)!;
  afterAll(async () => api?.close());

  const etag = (response: Response) => response.headers.get('etag')!;

  /** A report of the given unit's filler, submitted and approved through `approvals` stages. */
  async function reportAt(fillerName: 'demo.filler' | 'demo.filler2', approvals: number): Promise<{ id: string; etag: string }> {
    const filler = clients.get(fillerName)!;
    const created = await filler.request('POST', '/reports', { body: { kind: 'project', header: projectHeader } });
    const id = created.body.id as string;
    let tag = etag(created);
    for (const [method, path, body] of [
      ['PUT', '/budget/total', { initial: '100.00', adjusted: '100.00', executed: '95.00' }],
      ['PUT', '/budget/fiscal', { initial: '100.00', adjusted: '100.00', executed: '95.00' }],
      ...indicators.map((i) => ['POST', '/indicators', i] as const),
      ['POST', '/submit', {}],
    ] as const) {
      const response = await filler.request(method, `/reports/${id}${path}`, { body, headers: { 'if-match': tag } });
      expect([path, response.status]).toEqual([path, 200]);
      tag = etag(response);
    }
    for (let stage = 0; stage < approvals; stage++) {
      const response = await approver(chains[fillerName][stage]!).request('POST', `/reports/${id}/approve`, { body: { stageId: stages[stage] }, headers: { 'if-match': tag } });
      expect([stages[stage], response.status]).toEqual([stages[stage], 200]);
      tag = etag(response);
    }
    return { id, etag: tag };
  }

  it.each(endpoints.map((e) => [e.name, e] as const))('%s: only its role inside the subtree acts; everyone else is refused and nothing is appended', async (_name, endpoint) => {
    const own = await reportAt('demo.filler', endpoint.approvals);
    const other = await reportAt('demo.filler2', endpoint.approvals);
    const call = (username: string, report: { id: string; etag: string }) =>
      clients.get(username)!.request(endpoint.method, `/reports/${report.id}${endpoint.path}`, { body: endpoint.body, headers: { 'if-match': report.etag } });
    const before = await api.eventStore.headPosition();

    const outcomes: Record<string, [number, number]> = {};
    for (const user of demoUsers.filter((u) => u.username !== endpoint.allowed)) {
      outcomes[user.username] = [(await call(user.username, own)).status, (await call(user.username, other)).status];
    }
    // The insurance centre's report is inside medsec's and filler2's subtree, outside the hospital's.
    const seesInsurance = new Set(['demo.filler2', 'demo.reviewer.medsec', 'demo.finance', 'demo.performance', 'demo.auditor', 'demo.admin']);
    const seesHospital = new Set(['demo.filler', 'demo.leader', 'demo.reviewer.health', 'demo.finance', 'demo.performance', 'demo.auditor', 'demo.admin']);
    const expected = Object.fromEntries(
      Object.keys(outcomes).map((username) => [username, [seesHospital.has(username) ? 403 : 404, seesInsurance.has(username) ? 403 : 404]]),
    );
    expect(outcomes).toEqual(expected);
    expect(await commandEventsSince(api.eventStore, before)).toBe(0);

    // The allowed role: outside its subtree the report does not exist for it; inside it acts.
    const allowedOther = await call(endpoint.allowed, other);
    const outsideStatus = seesInsurance.has(endpoint.allowed) ? 200 : 404;
    expect(allowedOther.status).toBe(outsideStatus);
    const revision = await api.eventStore.streamRevision(reportStreamId(own.id));
    const allowedOwn = await call(endpoint.allowed, own);
    expect([allowedOwn.status, allowedOwn.body.code]).toEqual([200, undefined]);
    expect(await api.eventStore.streamRevision(reportStreamId(own.id))).toBeGreaterThan(revision!);
  });
});
