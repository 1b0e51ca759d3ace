import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { reportStreamId } from '#domain';
import type { SqlClient } from '#eventstore';
import { READ_STORE } from '#platform';
import type { ApiClient, RunningApi } from '../support/api-server.js';
import { startApi } from '../support/api-server.js';

export const projectHeader = { unit: '示范市人民医院', year: 2025, projectCode: '51172322T000007299749', projectName: '医疗设备购置项目' };

export const indicators = [
  { indicatorId: 'out-1', indicator: { level1: 'output', level2: 'quantity', name: '购置设备数量', comparator: '≥', target: '20', unit: '台', actual: '20', weight: '50' } },
  { indicatorId: 'ben-1', indicator: { level1: 'benefit', level2: 'social-benefit', name: '门诊检查能力提升', comparator: '≥', target: '95%', unit: '%', actual: '96%', weight: '30' } },
  { indicatorId: 'sat-1', indicator: { level1: 'satisfaction', level2: 'service-satisfaction', name: '患者满意度', comparator: '≥', target: '90%', unit: '%', actual: '93%', weight: '10' } },
];

/**
 * The HTTP API end to end on one store: the life of a report, its audit trail, concurrency,
 * idempotency and every class of bad input. Each adapter's spec calls this once.
 */
export function reportsApiSuite(adapter: string, database: () => Promise<{ url: string; drop: () => Promise<void> }>): void {
  describe(`reports API end to end on ${adapter}`, () => {
    let api: RunningApi;
    let filler: ApiClient;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      const db = await database();
      drop = db.drop;
      api = await startApi(db.url);
      filler = await api.as('demo.filler');
    });
    afterAll(async () => {
      await api?.close();
      await drop?.();
    });

    async function createReport(client: ApiClient = filler) {
      const created = await client.request('POST', '/reports', { body: { kind: 'project', header: projectHeader } });
      expect(created.status).toBe(201);
      return { id: created.body.id as string, etag: created.headers.get('etag')! };
    }

    async function edit(id: string, etag: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      return filler.request(method, `/reports/${id}${path}`, { body, headers: { 'if-match': etag, ...headers } });
    }

    async function revisionOf(id: string) {
      return api.eventStore.streamRevision(reportStreamId(id));
    }

    it('creates, edits, submits, and serves history, diff, time travel, verification and export', async () => {
      const { id, etag } = await createReport();
      expect(etag).toBe('"0"');
      let tag = etag;
      const steps: Array<[string, string, unknown]> = [
        ['PUT', '/budget/total', { initial: '100.00', adjusted: '100.00', executed: '95.00' }],
        ['PUT', '/budget/fiscal', { initial: '100.00', adjusted: '100.00', executed: '95.00' }],
        ...indicators.map((i): [string, string, unknown] => ['POST', '/indicators', i]),
        ['PUT', '/narrative/goal', { text: '完成医疗设备购置，提升检查能力' }],
      ];
      for (const [method, path, body] of steps) {
        const response = await edit(id, tag, method, path, body);
        expect([response.status, response.body?.code]).toEqual([200, undefined]);
        tag = response.headers.get('etag')!;
      }
      const beforeFix = tag;
      const fixed = await edit(id, tag, 'PATCH', '/indicators/out-1', { actual: '21' });
      tag = fixed.headers.get('etag')!;

      const current = await filler.request('GET', `/reports/${id}`);
      expect(current.status).toBe(200);
      expect(current.headers.get('etag')).toBe(tag);
      expect(current.body.score.total).toBe('99.50');
      expect(current.body.score.execution.rate).toBe('95.00');
      expect(current.body.checkSummary).toMatchObject({ errors: 0, submittable: true });

      const submitted = await edit(id, tag, 'POST', '/submit', {});
      expect([submitted.status, submitted.body.status]).toEqual([200, 'submitted']);
      const finalRevision = Number(submitted.headers.get('etag')!.replace(/"/g, ''));
      // The submission and the first review stage it enters: two events.
      expect(finalRevision).toBe(steps.length + 3);

      const history = await filler.request('GET', `/reports/${id}/history?pageSize=5&page=2`);
      expect(history.status).toBe(200);
      expect(history.body.total).toBe(finalRevision + 1);
      expect(history.body.items.map((e: { revision: number }) => e.revision)).toEqual([5, 6, 7, 8, 9]);
      expect(history.body.items[0].actor).toEqual({ userId: 'demo-user-filler', role: 'unit_filler', organisationId: 'demo-unit-people-hospital' });

      const from = Number(beforeFix.replace(/"/g, ''));
      const diff = await filler.request('GET', `/reports/${id}/diff?from=${from}&to=${from + 1}`);
      expect(diff.body.changes).toEqual([
        expect.objectContaining({ path: 'report.indicators[out-1].actual', kind: 'changed', before: '20', after: '21', label: { 'zh-CN': '绩效指标“购置设备数量” · 实际完成值', en: 'Indicator “购置设备数量” · Actual' } }),
      ]);

      const asOf = await filler.request('GET', `/reports/${id}/as-of?revision=${from}`);
      expect([asOf.status, asOf.headers.get('etag')]).toEqual([200, beforeFix]);
      expect(asOf.body.report.indicators.find((i: { id: string }) => i.id === 'out-1').actual).toBe('20');
      const createdAt = history.body.items[0].at as string;
      const atInstant = await filler.request('GET', `/reports/${id}/as-of?at=${encodeURIComponent(new Date(Date.parse(createdAt) - 60_000).toISOString())}`);
      expect(atInstant.status).toBe(404);

      const verified = await filler.request('GET', `/reports/${id}/verify`);
      expect(verified.body).toMatchObject({ ok: true, events: finalRevision + 1 });

      const csv = await filler.request('GET', `/reports/${id}/trail?format=csv`);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect((csv.body as string).startsWith('\uFEFF报告(report),修订号(revision)')).toBe(true);
      expect(csv.body as string).toContain('report.indicators[out-1].actual');
      const json = await filler.request('GET', `/reports/${id}/trail?format=json`);
      expect(json.body.entries).toHaveLength(finalRevision + 1);
      expect(json.body.verification.ok).toBe(true);
    });

    it('refuses stale, missing and garbage If-Match, naming the current revision', async () => {
      const { id } = await createReport();
      await edit(id, '"0"', 'PUT', '/narrative/goal', { text: '目标一' });
      const stale = await edit(id, '"0"', 'PUT', '/narrative/goal', { text: '目标二' });
      expect(stale.status).toBe(412);
      expect(stale.headers.get('content-type')).toContain('application/problem+json');
      expect([stale.body.code, stale.body.currentRevision, stale.headers.get('etag')]).toEqual(['REVISION_CONFLICT', 1, '"1"']);
      const missing = await filler.request('PUT', `/reports/${id}/narrative/goal`, { body: { text: 'x' } });
      expect([missing.status, missing.body.code]).toEqual([428, 'IF_MATCH_REQUIRED']);
      const garbage = await edit(id, 'yesterday', 'PUT', '/narrative/goal', { text: 'x' });
      expect([garbage.status, garbage.body.code]).toEqual([400, 'IF_MATCH_INVALID']);
      expect(await revisionOf(id)).toBe(1);
    });

    it('loses no update among 20 parallel editors using If-Match', async () => {
      const { id } = await createReport();
      const editors = Array.from({ length: 20 }, (_, n) => n);
      let conflicts = 0;
      await Promise.all(
        editors.map(async (n) => {
          for (;;) {
            const current = await filler.request('GET', `/reports/${id}`);
            const response = await edit(id, current.headers.get('etag')!, 'POST', '/indicators', {
              indicatorId: `par-${n}`,
              indicator: { level1: 'output', level2: 'quantity', name: `并发指标${n}`, comparator: '≥', target: '1', unit: '个', actual: '1', weight: '1' },
            });
            if (response.status === 200) return;
            expect(response.status).toBe(412);
            conflicts++;
          }
        }),
      );
      const final = await filler.request('GET', `/reports/${id}`);
      expect(final.body.report.indicators.map((i: { id: string }) => i.id).sort()).toEqual(editors.map((n) => `par-${n}`).sort());
      expect(final.headers.get('etag')).toBe('"20"');
      expect(conflicts).toBeGreaterThan(0);
    });

    it('answers a repeated Idempotency-Key with the first response and appends nothing', async () => {
      const { id } = await createReport();
      const key = `key-${id}`;
      const first = await edit(id, '"0"', 'PUT', '/narrative/goal', { text: '只记一次' }, { 'idempotency-key': key });
      const again = await edit(id, '"0"', 'PUT', '/narrative/goal', { text: '只记一次' }, { 'idempotency-key': key });
      expect([first.status, again.status]).toEqual([200, 200]);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await revisionOf(id)).toBe(1);
      const reused = await edit(id, '"1"', 'PUT', '/narrative/goal', { text: '另一个请求' }, { 'idempotency-key': key });
      expect([reused.status, reused.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
      // The answer was lost and the key's record with it (a crash between append and answer):
      // the retry still appends nothing, because its event ids derive from the key.
      await api.app.get<SqlClient>(READ_STORE).query('DELETE FROM http_idempotency WHERE key = $1', [key]);
      const afterLoss = await edit(id, '"0"', 'PUT', '/narrative/goal', { text: '只记一次' }, { 'idempotency-key': key });
      expect([afterLoss.status, afterLoss.headers.get('etag'), afterLoss.body.report.narrative.goal]).toEqual([200, '"1"', '只记一次']);
      expect(await revisionOf(id)).toBe(1);
      const createKey = `create-${id}`;
      const created = await filler.request('POST', '/reports', { body: { kind: 'project', header: projectHeader }, headers: { 'idempotency-key': createKey } });
      const createdAgain = await filler.request('POST', '/reports', { body: { kind: 'project', header: projectHeader }, headers: { 'idempotency-key': createKey } });
      expect([created.status, createdAgain.status, createdAgain.body.id]).toEqual([201, 201, created.body.id]);
    });

    it('answers every class of bad input with a 4xx problem and appends nothing', async () => {
      const { id } = await createReport();
      const cases: Array<[string, () => Promise<{ status: number; body: any }>, number, string, string?]> = [
        ['malformed JSON', () => filler.request('PUT', `/reports/${id}/narrative/goal`, { raw: '{"text": ', headers: { 'content-type': 'application/json', 'if-match': '"0"' } }), 400, 'BODY_MALFORMED'],
        ['wrong type', () => edit(id, '"0"', 'PUT', '/budget/total', { initial: 100 }), 400, 'BODY_INVALID', 'initial'],
        ['unknown field', () => edit(id, '"0"', 'PUT', '/budget/total', { initial: '1.00', bogus: true }), 400, 'BODY_INVALID'],
        ['float amount with 3 decimals', () => edit(id, '"0"', 'PUT', '/budget/total', { initial: '1.005' }), 400, 'BODY_INVALID', 'initial'],
        ['array body', () => edit(id, '"0"', 'PATCH', '/header', [1, 2]), 400, 'BODY_INVALID'],
        ['oversized body', () => edit(id, '"0"', 'PUT', '/narrative/goal', { text: 'x'.repeat(1_200_000) }), 413, 'BODY_TOO_LARGE'],
        ['not JSON', () => filler.request('PUT', `/reports/${id}/narrative/goal`, { raw: 'text=1', headers: { 'content-type': 'text/plain', 'if-match': '"0"' } }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
        ['unknown report', () => edit('no-such-report', '"0"', 'PUT', '/narrative/goal', { text: 'x' }), 404, 'REPORT_NOT_FOUND'],
        ['bad id', () => filler.request('GET', `/reports/${encodeURIComponent('../etc')}`), 404, 'NOT_FOUND'],
        ['unknown indicator', () => edit(id, '"0"', 'PATCH', '/indicators/nope', { actual: '1' }), 404, 'INDICATOR_NOT_FOUND'],
        ['unknown route', () => filler.request('GET', '/nowhere'), 404, 'ROUTE_NOT_FOUND'],
        ['bad query', () => filler.request('GET', `/reports/${id}/diff?from=a&to=1`), 400, 'QUERY_INVALID'],
        ['unknown query parameter', () => filler.request('GET', `/reports/${id}/history?sort=up`), 400, 'QUERY_INVALID'],
      ];
      for (const [name, call, status, code, pathFragment] of cases) {
        const response = await call();
        expect({ name, status: response.status, code: response.body?.code }).toEqual({ name, status, code });
        if (pathFragment) expect(response.body.errors[0].path).toContain(pathFragment);
        expect(typeof response.body.detail).toBe('string');
      }
      expect(await revisionOf(id)).toBe(0);
    });

    it('speaks the caller’s language', async () => {
      const { id } = await createReport();
      const zh = await edit(id, '"0"', 'PUT', '/budget/total', { initial: 100 });
      const en = await edit(id, '"0"', 'PUT', '/budget/total', { initial: 100 }, { 'accept-language': 'en-US,en;q=0.9' });
      expect(zh.body.errors[0].message).toMatch(/^[\u4e00-\u9fff]/);
      expect(en.body.errors[0].message).toMatch(/^[A-Za-z]/);
      expect(en.body.title).toBe('Bad request');
    });

    it('serves OpenAPI and metrics', async () => {
      const docs = await api.anonymous.request('GET', '/docs-json');
      expect(docs.status).toBe(200);
      expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/reports', '/reports/{reportId}/indicators/{indicatorId}', '/reports/{reportId}/diff']));
      expect(docs.body.paths['/reports/{reportId}/budget/{source}'].put.requestBody.content['application/json'].schema.properties.executed).toBeDefined();
      const metrics = await api.anonymous.request('GET', '/metrics');
      expect(metrics.body as string).toContain('jixiao_http_request_duration_seconds_bucket');
      expect(metrics.body as string).toMatch(/jixiao_events_appended_total\{type="ReportCreated"\} \d+/);
    });
  });
}
