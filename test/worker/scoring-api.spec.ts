import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Dec, getRuleProfile } from '#domain';
import type { ApiClient, RunningApi } from '../support/api-server.js';
import { startApi } from '../support/api-server.js';
import { createScratchDatabase } from '../support/databases.js';
import { deleteQueueKeys, waitFor } from '../../apps/worker/src/scoring/testing/scoring-harness.js';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const header = { unit: '示范市人民医院', year: 2025, projectCode: '51172322T000007299749', projectName: '医疗设备购置项目' };
const indicators = [
  { indicatorId: 'out-1', indicator: { level1: 'output', level2: 'quantity', name: '购置设备数量', comparator: '≥', target: '20', unit: '台', actual: '15', weight: '50' } },
  { indicatorId: 'ben-1', indicator: { level1: 'benefit', level2: 'social-benefit', name: '门诊检查能力提升', comparator: '≥', target: '95%', unit: '%', actual: '96%', weight: '30' } },
  { indicatorId: 'sat-1', indicator: { level1: 'satisfaction', level2: 'service-satisfaction', name: '患者满意度', comparator: '≥', target: '90%', unit: '%', actual: '93%', weight: '10' } },
];

/** The built-in default with execution 20 and indicators 80, without id and version (the server assigns them). */
function heavierDefault(): Record<string, unknown> {
  const { id: _id, version: _version, ...rules } = structuredClone(getRuleProfile('default').json);
  return { ...rules, execution: { ...rules.execution, weight: '20' }, indicators: { ...rules.indicators, total: '80' } };
}

describe('score records and rule profiles over HTTP (the API runs the scoring worker in-process)', () => {
  let api: RunningApi;
  let filler: ApiClient;
  let admin: ApiClient;
  let drop: () => Promise<void>;
  const prefix = `jxtest-scoreapi-${randomBytes(4).toString('hex')}`;
  let reportId: string;
  let etag: string;

  beforeAll(async () => {
    const db = await createScratchDatabase('jx_scoreapi');
    drop = db.drop;
    api = await startApi(db.url, { QUEUE_PREFIX: prefix, REDIS_URL: redisUrl, RECONCILE_INTERVAL_MS: '0' });
    filler = await api.as('demo.filler');
    admin = await api.as('demo.admin');
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await deleteQueueKeys(redisUrl, prefix);
    await drop?.();
  });

  const scoreRecord = (id = reportId) => filler.request('GET', `/reports/${id}/score-record`);

  it('records the score of the latest revision beside the report, and the filler’s next edit is not refused', async () => {
    const created = await filler.request('POST', '/reports', { body: { kind: 'project', header } });
    expect(created.status).toBe(201);
    reportId = created.body.id;
    etag = created.headers.get('etag')!;
    for (const [method, path, body] of [['PUT', '/budget/total', { initial: '100.00', adjusted: '100.00', executed: '95.00' }], ...indicators.map((i) => ['POST', '/indicators', i])] as Array<[string, string, unknown]>) {
      const response = await filler.request(method, `/reports/${reportId}${path}`, { body, headers: { 'if-match': etag } });
      expect(response.status).toBe(200);
      etag = response.headers.get('etag')!;
    }
    const revision = Number(JSON.parse(etag));
    const current = await waitFor('a current score record', async () => {
      const response = await scoreRecord();
      return response.body.state === 'current' && response.body.record.reportRevision === revision ? response : null;
    });
    expect(current.status).toBe(200);
    const shown = await filler.request('GET', `/reports/${reportId}`);
    expect(current.body.record).toMatchObject({ reportRevision: revision, profileId: 'default', profileVersion: 1, total: shown.body.score.total, grade: shown.body.score.grade });
    expect(current.body.record.indicators.map((i: { indicatorId: string }) => i.indicatorId)).toEqual(['out-1', 'ben-1', 'sat-1']);

    // The record was appended after the filler's last save; her If-Match still holds.
    const edited = await filler.request('PATCH', `/reports/${reportId}/indicators/out-1`, { body: { actual: '18' }, headers: { 'if-match': etag } });
    expect(edited.status).toBe(200);
    etag = edited.headers.get('etag')!;
    await waitFor('the record to follow the edit', async () => (await scoreRecord()).body.record?.reportRevision === revision + 1);
  });

  it('hides the score record of a report outside the caller’s organisation', async () => {
    const other = await api.as('demo.filler2');
    expect((await other.request('GET', `/reports/${reportId}/score-record`)).status).toBe(404);
    expect((await filler.request('GET', '/reports/no-such-report/score-record')).status).toBe(404);
  });

  it('lets an administrator define the next version of a profile, re-scores its reports, and reports progress', async () => {
    const listed = await filler.request('GET', '/rule-profiles');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p: { id: string; version: number }) => `${p.id}@${p.version}`)).toEqual(expect.arrayContaining(['default@1', 'hubei-2020@1']));
    const shown = await filler.request('GET', '/rule-profiles/default');
    expect([shown.status, shown.headers.get('etag'), shown.body.builtIn]).toEqual([200, '"1"', true]);

    // Refusals change nothing.
    expect((await filler.request('PUT', '/rule-profiles/default', { body: heavierDefault(), headers: { 'if-match': '"1"' } })).status).toBe(403);
    expect((await admin.request('PUT', '/rule-profiles/default', { body: heavierDefault() })).status).toBe(428);
    const invalid = await admin.request('PUT', '/rule-profiles/default', { body: { ...heavierDefault(), indicators: { ...(heavierDefault().indicators as object), total: '90' } }, headers: { 'if-match': '"1"' } });
    expect([invalid.status, invalid.body.errors[0].code, invalid.body.errors[0].path]).toEqual([422, 'PROFILE_INVALID', 'profile.total']);
    expect((await admin.request('GET', '/rule-profiles/default')).headers.get('etag')).toBe('"1"');

    const defined = await admin.request('PUT', '/rule-profiles/default', { body: heavierDefault(), headers: { 'if-match': '"1"' } });
    expect([defined.status, defined.headers.get('etag'), defined.body.version, defined.body.execution.weight, defined.body.builtIn]).toEqual([200, '"2"', 2, '20', false]);
    expect((await admin.request('PUT', '/rule-profiles/default', { body: heavierDefault(), headers: { 'if-match': '"1"' } })).status).toBe(412);
    // What GET answers can be edited and sent back as it is.
    const fetched = (await admin.request('GET', '/rule-profiles/default')).body;
    const round = await admin.request('PUT', '/rule-profiles/default', { body: { ...fetched, checks: { budgetAdjustmentPercent: '40' } }, headers: { 'if-match': '"2"' } });
    expect([round.status, round.headers.get('etag'), round.body.checks.budgetAdjustmentPercent]).toEqual([200, '"3"', '40']);

    const progress = await waitFor('the re-score to complete', async () => {
      const response = await admin.request('GET', '/rule-profiles/default/rescore');
      return response.body.complete ? response : null;
    });
    expect(progress.body).toMatchObject({ profileId: 'default', version: 3, trackedVersion: 3, remaining: 0, complete: true });
    expect(progress.body.done).toBe(progress.body.total);
    expect(progress.body.total).toBeGreaterThanOrEqual(1);

    const record = await waitFor('the record under version 3', async () => {
      const response = await scoreRecord();
      return response.body.record?.profileVersion === 3 ? response : null;
    });
    // Execution 95 % of 20 points instead of 10: the total moves up by 9.50.
    const before = (await filler.request('GET', `/reports/${reportId}`)).body.score.total as string;
    expect(new Dec(record.body.record.total).minus(before).toFixed(2)).toBe('9.50');
    expect(record.body.state).toBe('current');

    const metrics = await api.anonymous.request('GET', '/metrics');
    expect(metrics.body).toMatch(/jixiao_rescore_reports\{profile="default",state="done"\} [1-9]/);
    expect(metrics.body).toMatch(/jixiao_queue_depth\{queue="jixiao-scoring",state="waiting"\} 0/);
    expect(metrics.body).toMatch(/jixiao_scoring_tracker_lag_events \d+/);

    // Still no conflict for the filler after the re-score.
    const edited = await filler.request('PUT', `/reports/${reportId}/narrative/goal`, { body: { text: '完成医疗设备购置' }, headers: { 'if-match': etag } });
    expect(edited.status).toBe(200);
  });

  it('reconciles on demand for administrators only', async () => {
    expect((await filler.request('POST', '/rule-profiles/reconcile')).status).toBe(403);
    const reconciled = await admin.request('POST', '/rule-profiles/reconcile');
    expect(reconciled.status).toBe(200);
    expect(typeof reconciled.body.pending).toBe('number');
  });
});
