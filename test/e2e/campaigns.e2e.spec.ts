import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { campaignStreamId } from '#domain';
import type { SqlClient } from '#eventstore';
import { Clock, READ_STORE } from '#platform';
import { readModelProjections } from '#read-models';
import { waitForPosition } from '../../apps/api/src/auth/wait-for-position.js';
import { demoOrganisations } from '../../apps/cli/src/seed-demo.js';
import { startApi, type ApiClient, type RunningApi } from '../support/api-server.js';
import { indicators, projectHeader } from './reports-api.e2e.js';

/** The platform clock, moved by the test: deadlines are judged against it (and access tokens expire by it, so it moves by minutes). */
class TestClock extends Clock {
  constructor(private instant: string) {
    super();
  }
  set(instant: string): void {
    this.instant = instant;
  }
  now(): Date {
    return new Date(this.instant);
  }
}

const { hospital, cdc, insuranceCentre, health } = demoOrganisations;
const opening = {
  campaignId: 'c-2025',
  year: 2025,
  name: '2025年度项目支出绩效自评',
  kind: 'project',
  unitIds: [hospital.organisationId, cdc.organisationId, insuranceCentre.organisationId],
  submissionDeadline: '2026-04-30',
};

describe('campaigns API end to end on pglite', () => {
  const clock = new TestClock('2026-04-30T23:30:00+08:00');
  let api: RunningApi;
  let performance: ApiClient;

  beforeAll(async () => {
    api = await startApi('pglite://memory', {}, clock);
    performance = await api.as('demo.performance');
  });
  afterAll(async () => {
    await api?.close();
  });

  const revision = () => api.eventStore.streamRevision(campaignStreamId('c-2025'));
  const caughtUp = async () => {
    const names = readModelProjections.map((p) => p.name);
    expect(await waitForPosition(api.app.get<SqlClient>(READ_STORE), names, await api.eventStore.headPosition(), { timeoutMs: 20_000 })).toBe(true);
  };

  async function draftReport(username: string, unit: string) {
    const client = await api.as(username);
    const created = await client.request('POST', '/reports', { body: { kind: 'project', header: { ...projectHeader, unit } } });
    expect(created.status).toBe(201);
    let etag = created.headers.get('etag')!;
    const steps: Array<[string, string, unknown]> = [
      ['PUT', '/budget/total', { initial: '100.00', adjusted: '100.00', executed: '95.00' }],
      ['PUT', '/budget/fiscal', { initial: '100.00', adjusted: '100.00', executed: '95.00' }],
      ...indicators.map((i): [string, string, unknown] => ['POST', '/indicators', i]),
    ];
    for (const [method, path, body] of steps) {
      const response = await client.request(method, `/reports/${created.body.id}${path}`, { body, headers: { 'if-match': etag } });
      expect([response.status, response.body?.code]).toEqual([200, undefined]);
      etag = response.headers.get('etag')!;
    }
    return { client, id: created.body.id as string, etag };
  }

  it('opens a campaign once per Idempotency-Key, and refuses other roles and units outside the region', async () => {
    const headers = { 'idempotency-key': 'open-c-2025' };
    const opened = await performance.request('POST', '/campaigns', { body: opening, headers });
    expect([opened.status, opened.headers.get('etag'), opened.headers.get('location')]).toEqual([201, '"0"', '/campaigns/c-2025']);
    expect(opened.body).toMatchObject({ campaignId: 'c-2025', financeBureauId: 'demo-finance-bureau', kind: 'project', unitDeadlines: {}, revision: 0, extensions: [] });

    const repeated = await performance.request('POST', '/campaigns', { body: opening, headers });
    expect([repeated.status, repeated.headers.get('idempotent-replayed'), repeated.body]).toEqual([201, 'true', opened.body]);
    expect(await revision()).toBe(0);

    const finance = await api.as('demo.finance');
    const byFinance = await finance.request('POST', '/campaigns', { body: { ...opening, campaignId: 'c-finance' } });
    expect([byFinance.status, byFinance.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);

    for (const stranger of ['no-such-unit', health.organisationId]) {
      const refused = await performance.request('POST', '/campaigns', { body: { ...opening, campaignId: 'c-bad', unitIds: [hospital.organisationId, stranger] } });
      expect(refused.status).toBe(422);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.errors[0]).toMatchObject({ code: 'CAMPAIGN_UNIT_UNKNOWN', path: 'unitIds[1]' });
    }
    const malformed = await performance.request('POST', '/campaigns', { body: { ...opening, campaignId: 'c-bad', submissionDeadline: '2026-02-30' } });
    expect([malformed.status, malformed.body.errors[0].path]).toEqual([400, 'submissionDeadline']);
    expect(await api.eventStore.streamRevision(campaignStreamId('c-bad'))).toBeNull();
    expect(await api.eventStore.streamRevision(campaignStreamId('c-finance'))).toBeNull();

    const differentOpening = await performance.request('POST', '/campaigns', { body: { ...opening, name: '另一个任务' } });
    expect([differentOpening.status, differentOpening.body.code]).toEqual([409, 'CAMPAIGN_ALREADY_EXISTS']);
  });

  it('extends one unit’s deadline with If-Match, a later day and a reason, once per Idempotency-Key', async () => {
    const extension = { unitId: insuranceCentre.organisationId, deadline: '2026-05-20', reason: '单位财务系统升级' };
    const withoutIfMatch = await performance.request('POST', '/campaigns/c-2025/extensions', { body: extension });
    expect([withoutIfMatch.status, withoutIfMatch.body.code]).toEqual([428, 'IF_MATCH_REQUIRED']);

    const headers = { 'if-match': '"0"', 'idempotency-key': 'extend-insurance' };
    const extended = await performance.request('POST', '/campaigns/c-2025/extensions', { body: extension, headers });
    expect([extended.status, extended.headers.get('etag')]).toEqual([200, '"1"']);
    expect(extended.body.unitDeadlines).toEqual({ [insuranceCentre.organisationId]: '2026-05-20' });
    expect(extended.body.extensions).toEqual([
      { at: '2026-04-30T15:30:00.000Z', by: { userId: 'demo-user-performance', role: 'performance_officer', organisationId: 'demo-finance-bureau' }, ...extension },
    ]);
    const repeated = await performance.request('POST', '/campaigns/c-2025/extensions', { body: extension, headers });
    expect([repeated.status, repeated.headers.get('idempotent-replayed'), repeated.headers.get('etag')]).toEqual([200, 'true', '"1"']);
    expect(await revision()).toBe(1);

    const notLater = await performance.request('POST', '/campaigns/c-2025/extensions', { body: { deadline: '2026-04-30', reason: '顺延' }, headers: { 'if-match': '"1"' } });
    expect([notLater.status, notLater.body.errors[0]]).toEqual([422, expect.objectContaining({ code: 'DEADLINE_NOT_LATER', path: 'deadline', details: { current: '2026-04-30' } })]);
    const stale = await performance.request('POST', '/campaigns/c-2025/extensions', { body: { deadline: '2026-05-10', reason: '顺延' }, headers: { 'if-match': '"0"' } });
    expect([stale.status, stale.headers.get('etag')]).toEqual([412, '"1"']);
    const byAuditor = await (await api.as('demo.auditor')).request('POST', '/campaigns/c-2025/extensions', { body: { deadline: '2026-05-10', reason: '顺延' }, headers: { 'if-match': '"1"' } });
    expect(byAuditor.status).toBe(403);
    const unknown = await performance.request('POST', '/campaigns/no-such/extensions', { body: { deadline: '2026-05-10', reason: '顺延' }, headers: { 'if-match': '"0"' } });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'CAMPAIGN_NOT_FOUND']);
    expect(await revision()).toBe(1);

    const current = await performance.request('GET', '/campaigns/c-2025');
    expect([current.status, current.headers.get('etag'), current.body.extensions.length]).toEqual([200, '"1"', 1]);
  });

  it('follows progress: not started, draft, in review at unit sign-off; on time, pending, then late once the deadline day is over', async () => {
    const hospitalReport = await draftReport('demo.filler', hospital.name);
    const submitted = await hospitalReport.client.request('POST', `/reports/${hospitalReport.id}/submit`, { body: {}, headers: { 'if-match': hospitalReport.etag } });
    expect([submitted.status, submitted.body.status]).toEqual([200, 'submitted']);
    const insuranceReport = await draftReport('demo.filler2', insuranceCentre.name);
    await caughtUp();

    const progress = await performance.request('GET', '/campaigns/c-2025/progress');
    expect(progress.status).toBe(200);
    expect(progress.body.units.map((u: any) => [u.unitId, u.unitName, u.state, u.timeliness, u.deadline])).toEqual([
      [hospital.organisationId, hospital.name, 'in_review', 'on_time', '2026-04-30'],
      [cdc.organisationId, cdc.name, 'not_started', 'pending', '2026-04-30'],
      [insuranceCentre.organisationId, insuranceCentre.name, 'draft', 'pending', '2026-05-20'],
    ]);
    expect(progress.body.units[0].reports).toEqual([
      expect.objectContaining({ reportId: hospitalReport.id, state: 'in_review', stage: expect.objectContaining({ id: 'unit_signoff' }), firstSubmittedAt: '2026-04-30T15:30:00.000Z', timeliness: 'on_time' }),
    ]);
    expect(progress.body.units[2].reports.map((r: any) => r.reportId)).toEqual([insuranceReport.id]);
    expect(progress.body.totals).toMatchObject({
      units: 3,
      reports: 2,
      unitsByState: { not_started: 1, draft: 1, in_review: 1 },
      inReviewByStage: [{ stageId: 'unit_signoff', stageName: { 'zh-CN': '单位负责人审签', en: 'unit sign-off' }, reports: 1 }],
      unitsByTimeliness: { on_time: 1, late: 0, pending: 2 },
      grades: { 优: 1 },
    });
    expect(progress.body.totals.scoreHistogram.find((bin: any) => bin.reports > 0)).toEqual({ from: 90, to: 100, reports: 1 });
    expect(progress.body.campaign).toMatchObject({ campaignId: 'c-2025', revision: 1 });

    // Past the campaign's deadline day, but not the insurance centre's extended one.
    clock.set('2026-05-01T00:00:00+08:00');
    const later = await performance.request('GET', '/campaigns/c-2025/progress');
    expect(later.body.units.map((u: any) => [u.unitId, u.timeliness])).toEqual([
      [hospital.organisationId, 'on_time'],
      [cdc.organisationId, 'late'],
      [insuranceCentre.organisationId, 'pending'],
    ]);
    expect(later.body.asOf).toBe('2026-04-30T16:00:00.000Z');
  });

  it('lets the region’s reviewers and auditors read, a department only its own units; units and other ids get 403 or 404', async () => {
    const auditor = await api.as('demo.auditor');
    const list = await auditor.request('GET', '/campaigns?year=2025');
    expect([list.status, list.body.total, list.body.items.map((c: any) => [c.campaignId, c.revision])]).toEqual([200, 1, [['c-2025', 1]]]);
    expect((await auditor.request('GET', '/campaigns?year=2024')).body.total).toBe(0);
    expect((await auditor.request('GET', '/campaigns?colour=red')).status).toBe(400);

    const department = await api.as('demo.reviewer.health');
    const own = await department.request('GET', '/campaigns/c-2025/progress');
    expect([own.status, own.body.units.map((u: any) => u.unitId)]).toEqual([200, [hospital.organisationId, cdc.organisationId]]);
    expect(own.body.totals.units).toBe(2);

    const filler = await api.as('demo.filler');
    expect((await filler.request('GET', '/campaigns')).status).toBe(403);
    expect((await filler.request('GET', '/campaigns/c-2025/progress')).status).toBe(403);
    expect((await auditor.request('GET', '/campaigns/nope')).status).toBe(404);
    expect((await auditor.request('GET', '/campaigns/nope/progress')).status).toBe(404);
  });

  it('documents the routes in OpenAPI with the bodies their schemas accept', async () => {
    const { body } = await api.anonymous.request('GET', '/docs-json');
    expect(Object.keys(body.paths).filter((path) => path.startsWith('/campaigns'))).toEqual(['/campaigns', '/campaigns/{campaignId}', '/campaigns/{campaignId}/extensions', '/campaigns/{campaignId}/progress']);
    const extend = body.paths['/campaigns/{campaignId}/extensions'].post;
    expect(Object.keys(extend.requestBody.content['application/json'].schema.properties)).toEqual(['unitId', 'deadline', 'reason']);
    expect(extend.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['campaignId', 'If-Match', 'Idempotency-Key']));
    expect(body.paths['/campaigns'].post.requestBody.content['application/json'].schema.required).not.toContain('campaignId');
  });

  // Last: it moves the clock by weeks, past every token issued so far.
  it('lists reports as overdue at the clock’s time: drafts past their unit’s deadline, reports in review past their stage’s due day', async () => {
    // 2026-05-01 00:00: the campaign's deadline day (04-30) is over for the hospital, not for the insurance centre (05-20).
    const lateDraft = await draftReport('demo.filler', hospital.name);
    await caughtUp();
    type Item = { reportId: string; organisationId: string; status: string; overdue: boolean; review: { dueAt: string | null } | null };
    const listed = async (client: ApiClient, query = '') => {
      const response = await client.request<{ items: Item[]; total: number }>('GET', `/reports?pageSize=100${query}`);
      expect(response.status).toBe(200);
      return response.body;
    };
    /** The overdue reports as [unit, status, which report], checked against overdue=false and against every item's flag. */
    const overdueNow = async (client: ApiClient) => {
      const [all, only, others] = await Promise.all([listed(client), listed(client, '&overdue=true'), listed(client, '&overdue=false')]);
      expect(all.total).toBe(3);
      const flagged = all.items.filter((i) => i.overdue).map((i) => i.reportId).sort();
      expect(only.items.map((i) => i.reportId).sort()).toEqual(flagged);
      expect(only.total).toBe(flagged.length);
      expect(others.items.map((i) => i.reportId).sort()).toEqual(all.items.filter((i) => !i.overdue).map((i) => i.reportId).sort());
      return only.items.map((i) => [i.organisationId, i.status, i.reportId === lateDraft.id ? 'new draft' : 'earlier']).sort();
    };

    clock.set('2026-05-01T00:00:00+08:00');
    expect(await overdueNow(performance)).toEqual([[hospital.organisationId, 'draft', 'new draft']]);
    // The hospital's submitted report entered unit sign-off on 04-30: three working days after the May Day holidays end on 05-08.
    const inReview = (await listed(performance, '&status=submitted')).items;
    expect(inReview.map((i) => [i.organisationId, i.overdue, i.review?.dueAt])).toEqual([[hospital.organisationId, false, '2026-05-08T15:59:59.999Z']]);

    clock.set('2026-05-08T23:59:00+08:00');
    expect(await overdueNow(await api.as('demo.performance', { fresh: true }))).toEqual([[hospital.organisationId, 'draft', 'new draft']]);

    clock.set('2026-05-09T00:00:00+08:00');
    const performanceLater = await api.as('demo.performance', { fresh: true });
    expect(await overdueNow(performanceLater)).toEqual([
      [hospital.organisationId, 'draft', 'new draft'],
      [hospital.organisationId, 'submitted', 'earlier'],
    ]);
    // The export takes the same filter, at the same instant.
    const exported = await performanceLater.request('GET', '/reports/export.xlsx?overdue=true');
    expect([exported.status, exported.headers.get('x-report-count')]).toEqual([200, '2']);
    // The inbox says the same of the report its leader must sign off.
    const inbox = await (await api.as('demo.leader', { fresh: true })).request('GET', '/inbox');
    expect(inbox.body.items.map((i: any) => [i.status, i.overdue, i.due?.overdue, i.due?.dueAt])).toEqual([['submitted', true, true, '2026-05-08T15:59:59.999Z']]);

    // The insurance centre's extension is over too.
    clock.set('2026-05-21T00:00:00+08:00');
    expect(await overdueNow(await api.as('demo.performance', { fresh: true }))).toEqual([
      [insuranceCentre.organisationId, 'draft', 'earlier'],
      [hospital.organisationId, 'draft', 'new draft'],
      [hospital.organisationId, 'submitted', 'earlier'],
    ]);

    // A filter value that is neither true nor false is refused, naming the field, in the caller's language.
    const performanceNow = await api.as('demo.performance', { fresh: true });
    for (const [language, pattern] of [
      ['zh-CN', /[\u4e00-\u9fff]/],
      ['en', /^[A-Za-z]/],
    ] as const) {
      const refused = await performanceNow.request('GET', '/reports?overdue=maybe', { headers: { 'accept-language': language } });
      expect([refused.status, refused.headers.get('content-type'), refused.body.code, refused.body.errors[0].path]).toEqual([
        400,
        expect.stringContaining('application/problem+json'),
        'QUERY_INVALID',
        'overdue',
      ]);
      expect(refused.body.errors[0].message).toMatch(pattern);
    }
    // The OpenAPI document says what the filter means.
    const { body: docs } = await api.anonymous.request('GET', '/docs-json');
    const overdueParameter = docs.paths['/reports'].get.parameters.find((p: any) => p.name === 'overdue');
    expect(overdueParameter).toMatchObject({ in: 'query', required: false, schema: { enum: ['true', 'false'] } });
    expect(overdueParameter.description).toMatch(/time limit.*campaign/s);
  });
});
