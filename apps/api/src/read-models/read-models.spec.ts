import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Global, Injectable, Module, type CanActivate, type DynamicModule, type ExecutionContext } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#config';
import { EventStore, type Actor, type NewEvent } from '#eventstore';
import { createLogger, PlatformModule, READ_STORE } from '#platform';
import { organisationTrail, type AuditEntry, type ReportList } from '#read-models';
import type { SqlClient } from '#eventstore';
import { appendHistories, reportHistories } from '../../../../libs/read-models/src/testing/report-histories.js';
import { AccessPolicy } from '../auth/access-policy.js';
import { OrganisationDirectory, PRINCIPAL_KEY, type Principal } from '../auth/principal.js';
import { ProblemFilter } from '../http/problem.filter.js';
import { ProjectionHealth, ReadModelsModule } from './read-models.module.js';
import { trailCsvHeader } from './trail-export.js';

// ── a directory and a principal for the test ────────────────────────────────

/**
 * The organisation tree as an in-memory adapter of the directory port: two regions; region 1 has
 * departments org-dept-0 … 9 and units org-unit-N under org-dept-(N mod 10), as the generated
 * histories assume.
 */
class TreeDirectory extends OrganisationDirectory {
  private readonly parent = new Map<string, string | null>([
    ['org-bureau', null],
    ['org-bureau-2', null],
    ['org-dept-x', 'org-bureau-2'],
    ['org-unit-x', 'org-dept-x'],
  ]);

  constructor(units: number) {
    super();
    for (let d = 0; d < 10; d++) this.parent.set(`org-dept-${d}`, 'org-bureau');
    for (let u = 0; u < units; u++) this.parent.set(`org-unit-${u}`, `org-dept-${u % 10}`);
  }

  async lineage(organisationId: string): Promise<string[]> {
    const out: string[] = [];
    for (let id: string | null | undefined = organisationId; id; id = this.parent.get(id)) {
      if (!this.parent.has(id)) break;
      out.push(id);
    }
    return out;
  }

  async isWithin(organisationId: string, ancestorId: string): Promise<boolean> {
    return (await this.lineage(organisationId)).includes(ancestorId);
  }

  async subtree(organisationId: string): Promise<string[]> {
    if (!this.parent.has(organisationId)) return [];
    const below = [...this.parent].filter(([, parent]) => parent === organisationId).map(([id]) => id);
    return [organisationId, ...(await Promise.all(below.map((id) => this.subtree(id)))).flat()];
  }
}

/** Stands in for the token guard: the principal comes in a header. */
@Injectable()
class HeaderPrincipalGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; [PRINCIPAL_KEY]?: Principal }>();
    const header = request.headers['x-test-principal'];
    if (header) request[PRINCIPAL_KEY] = JSON.parse(header) as Principal;
    return true;
  }
}

const UNITS = 12;

@Global()
@Module({
  providers: [{ provide: OrganisationDirectory, useValue: new TreeDirectory(UNITS) }, AccessPolicy, { provide: APP_GUARD, useClass: HeaderPrincipalGuard }],
  exports: [OrganisationDirectory, AccessPolicy],
})
class TestAuthModule {}

@Module({})
class TestAppModule {
  static async forRoot(): Promise<DynamicModule> {
    const config = loadConfig({ DATABASE_URL: 'pglite://memory', LOG_LEVEL: 'silent' });
    return {
      module: TestAppModule,
      imports: [await PlatformModule.forRoot(config, createLogger('silent', 'test')), TestAuthModule, ReadModelsModule.forRoot({ imports: [TestAuthModule] })],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}

const principal = (role: Principal['role'], organisationId: string): Principal => ({ userId: `u-${role}-${organisationId}`, role, organisationId, displayName: role });
const auditor = principal('auditor', 'org-bureau');
const admin = principal('admin', 'org-dept-3');
const reviewer = principal('department_reviewer', 'org-dept-1');
const filler = principal('unit_filler', 'org-unit-1');
const otherAuditor = principal('auditor', 'org-bureau-2');

// ── an RFC 4180 reader, to check what a spreadsheet would see ───────────────

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  expect(cell).toBe('');
  expect(row).toEqual([]);
  return rows;
}

const OPINION = '请核对执行数, 并补充 "偏差原因"\n第二行';
const FORMULA = '=HYPERLINK("http://example.com")';

describe('read models over HTTP', () => {
  let app: NestFastifyApplication;
  let base: string;
  let sql: SqlClient;

  const get = async (path: string, as: Principal | null) => {
    const response = await fetch(`${base}${path}`, { headers: as ? { 'x-test-principal': JSON.stringify(as), 'accept-language': 'en' } : {} });
    const bytes = Buffer.from(await response.arrayBuffer());
    // Decoded as bytes, not with response.text(): the WHATWG decoder drops a byte order mark.
    return { status: response.status, type: response.headers.get('content-type') ?? '', disposition: response.headers.get('content-disposition'), bytes, text: bytes.toString('utf8') };
  };
  const json = async <T>(path: string, as: Principal | null) => {
    const response = await get(path, as);
    return { ...response, body: JSON.parse(response.text) as T };
  };

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(await TestAppModule.forRoot(), new FastifyAdapter(), { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = await app.getUrl();
    sql = app.get<SqlClient>(READ_STORE);
    const store = app.get(EventStore);
    await appendHistories(store, reportHistories({ events: 1500, seed: 5, units: UNITS, window: 6 }), { lanes: 1 });
    const by: Actor = { userId: 'u-dept-1', role: 'department_reviewer', organisationId: 'org-dept-1' };
    const at = '2025-06-01T02:00:00.000Z';
    const returned: NewEvent = {
      id: randomUUID(),
      type: 'ReportReturned',
      data: { at, by, stage: null, opinion: OPINION },
      metadata: { actor: by, correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: at, schemaVersion: 1 },
    };
    const withdrawn: NewEvent = {
      ...returned,
      id: randomUUID(),
      type: 'ReportWithdrawn',
      data: { at, by: { userId: 'u-filler-1', role: 'unit_filler', organisationId: 'org-unit-1' }, reason: FORMULA },
    };
    // r-1 belongs to org-unit-1; the two events need not be a valid workflow to be recorded and projected.
    const revision = (await store.streamRevision('report-r-1'))!;
    await store.append('report-r-1', [returned, withdrawn], revision);
    const health = app.get(ProjectionHealth);
    const deadline = Date.now() + 30_000;
    while ((await health.status()).lag > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it('runs the projections in process and reports their health', async () => {
    const status = await app.get(ProjectionHealth).status();
    expect(status).toMatchObject({ status: 'up', lag: 0, lastError: null });
    expect(status.projections.map((p) => p.name)).toEqual(['report_documents', 'audit_entries', 'campaigns', 'campaign_units', 'report_scores']);
    expect(status.head).toBe(String(1502));
  });

  describe('GET /reports', () => {
    it('lists what the caller may see: the whole region, a department’s units, one unit', async () => {
      const all = (await json<ReportList>('/reports?pageSize=100', auditor)).body;
      expect(all.total).toBeGreaterThan(30);
      const ofDepartment = (await json<ReportList>('/reports?pageSize=100', reviewer)).body;
      expect(ofDepartment.total).toBeGreaterThan(0);
      expect(new Set(ofDepartment.items.map((i) => i.organisationId))).toEqual(new Set(['org-unit-1', 'org-unit-11']));
      const ofUnit = (await json<ReportList>('/reports?pageSize=100', filler)).body;
      expect(new Set(ofUnit.items.map((i) => i.organisationId))).toEqual(new Set(['org-unit-1']));
      expect((await json<ReportList>('/reports', otherAuditor)).body).toEqual({ items: [], total: 0, page: 1, pageSize: 20 });
      // A department filter is that department’s subtree, and never widens what the caller sees.
      const filtered = (await json<ReportList>('/reports?pageSize=100&departmentId=org-dept-1', auditor)).body;
      expect(filtered.items.map((i) => i.reportId).sort()).toEqual(ofDepartment.items.map((i) => i.reportId).sort());
      expect((await json<ReportList>('/reports?departmentId=org-dept-2', reviewer)).body.total).toBe(0);
    });

    it('filters, pages and sorts as asked', async () => {
      const all = (await json<ReportList>('/reports?pageSize=100', auditor)).body.items;
      const year = all[0]!.year;
      const { status, body } = await json<ReportList>(`/reports?year=${year}&kind=project&status=submitted&sort=-computedTotal&pageSize=100&unitId=${all[0]!.organisationId}`, auditor);
      expect(status).toBe(200);
      const expected = all.filter((i) => i.year === year && i.kind === 'project' && i.status === 'submitted' && i.organisationId === all[0]!.organisationId);
      expect(body.items.map((i) => i.reportId).sort()).toEqual(expected.map((i) => i.reportId).sort());
      const page2 = (await json<ReportList>('/reports?page=2&pageSize=3&sort=unit', auditor)).body;
      const sorted = (await json<ReportList>('/reports?pageSize=100&sort=unit', auditor)).body.items;
      expect(page2).toMatchObject({ page: 2, pageSize: 3, total: all.length });
      expect(page2.items).toEqual(sorted.slice(3, 6));
      const unitName = all[0]!.unitName;
      const found = (await json<ReportList>(`/reports?pageSize=100&q=${encodeURIComponent(unitName)}`, auditor)).body.items;
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((i) => i.unitName === unitName)).toBe(true);
      expect((await json<ReportList>('/reports?overdue=true', auditor)).body.total).toBe(0);
    });

    it('refuses unknown and malformed parameters with 400 naming them', async () => {
      for (const [query, path] of [
        ['colour=red', 'colour'],
        ['pageSize=101', 'pageSize'],
        ['year=twenty', 'year'],
        ['kind=both', 'kind'],
        ['sort=name', 'sort'],
        ['overdue=yes', 'overdue'],
        ['year=2022&year=2023', 'year'],
      ] as const) {
        const response = await json<{ status: number; code: string; errors: Array<{ path: string; code: string }> }>(`/reports?${query}`, auditor);
        expect({ query, status: response.status, code: response.body.code, path: response.body.errors[0]!.path }).toEqual({ query, status: 400, code: 'QUERY_INVALID', path });
        expect(response.type).toContain('application/problem+json');
      }
    });
  });

  describe('GET /audit/organisations/:organisationId/trail', () => {
    it('exports the trail of an organisation and its subtree as CSV for Excel: BOM, Chinese and English header, RFC 4180 quoting', async () => {
      const response = await get('/audit/organisations/org-dept-1/trail?format=csv', auditor);
      expect(response.status).toBe(200);
      expect(response.type).toBe('text/csv; charset=utf-8');
      expect(response.disposition).toBe('attachment; filename="audit-trail-org-dept-1.csv"');
      expect([...response.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const [header, ...rows] = parseCsv(response.text.slice(1));
      expect(header).toEqual(trailCsvHeader);
      expect(header![0]).toBe('时间(time, Asia/Shanghai)');
      const { entries } = await organisationTrail(sql, { organisationIds: ['org-dept-1', 'org-unit-1', 'org-unit-11'], limit: 10_000 });
      expect(rows).toHaveLength(entries.length);
      expect(rows.map((r) => r[14])).toEqual(entries.map((e) => e.eventId));
      const returned = rows.find((r) => r[6] === 'ReportReturned' && r[1] === '2025-06-01T02:00:00.000Z')!;
      expect(returned.slice(0, 4)).toEqual(['2025-06-01 10:00:00', '2025-06-01T02:00:00.000Z', 'org-unit-1', 'r-1']);
      // Comma, quotes and a line break survive the round trip.
      expect(returned[9]).toBe(OPINION);
      expect(returned[7]).toBe('退回修改');
      expect(returned[8]).toBe('returned the report for revision');
      // A cell that a spreadsheet would run as a formula is kept as text.
      expect(rows.find((r) => r[6] === 'ReportWithdrawn' && r[1] === '2025-06-01T02:00:00.000Z')![9]).toBe(`'${FORMULA}`);
    });

    it('exports JSON, between days or instants', async () => {
      const whole = await json<{ organisationId: string; entries: AuditEntry[] }>('/audit/organisations/org-unit-1/trail', admin);
      expect(whole.status).toBe(200);
      expect(whole.type).toBe('application/json; charset=utf-8');
      expect(whole.body.organisationId).toBe('org-unit-1');
      expect(whole.body.entries.length).toBeGreaterThan(10);
      const { entries } = await organisationTrail(sql, { organisationIds: ['org-unit-1'], limit: 10_000 });
      expect(whole.body.entries).toEqual(entries);
      // 2025-06-01 in Shanghai runs from 2025-05-31T16:00Z to 2025-06-01T16:00Z.
      const day = await json<{ from: string; to: string; entries: AuditEntry[] }>('/audit/organisations/org-unit-1/trail?from=2025-06-01&to=2025-06-01', auditor);
      expect(day.body).toMatchObject({ from: '2025-05-31T16:00:00.000Z', to: '2025-06-01T16:00:00.000Z' });
      expect(day.body.entries.map((e) => e.type)).toEqual(['ReportReturned', 'ReportWithdrawn']);
      const instants = await json<{ entries: AuditEntry[] }>(`/audit/organisations/org-unit-1/trail?from=${encodeURIComponent('2025-06-01T10:00:00+08:00')}&to=${encodeURIComponent('2025-06-01T10:00:01+08:00')}`, auditor);
      expect(instants.body.entries).toHaveLength(2);
    });

    it('is for auditors and administrators, of organisations they can see', async () => {
      expect((await json<{ code: string }>('/audit/organisations/org-unit-1/trail', filler)).status).toBe(403);
      expect((await json<{ code: string }>('/audit/organisations/org-unit-1/trail', reviewer)).status).toBe(403);
      const hidden = await json<{ code: string }>('/audit/organisations/org-unit-1/trail', otherAuditor);
      expect({ status: hidden.status, code: hidden.body.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
      const unknown = await json<{ code: string }>('/audit/organisations/org-nowhere/trail', auditor);
      expect({ status: unknown.status, code: unknown.body.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    });

    it('refuses bad bounds and unknown parameters', async () => {
      for (const query of ['from=yesterday', 'format=xlsx', 'limit=5', 'from=2025-06-02&to=2025-06-01']) {
        const response = await json<{ code: string }>(`/audit/organisations/org-unit-1/trail?${query}`, auditor);
        expect({ query, status: response.status, code: response.body.code }).toEqual({ query, status: 400, code: 'QUERY_INVALID' });
      }
    });
  });
});
