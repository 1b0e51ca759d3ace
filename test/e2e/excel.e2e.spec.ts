import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { reportStreamId, type ReportDocument } from '#domain';
import { exportReportsWorkbook, exportReportWorkbook, loadWorkbook, readFormSheets, XLSX_MEDIA_TYPE } from '#excel';
import { importedReportId } from '../../apps/api/src/excel/import-report-sheet.js';
import { SPREADSHEET_BODY_LIMIT_BYTES } from '../../apps/api/src/excel/spreadsheet-body.js';
import { CHROMIUM_PATH } from '../../apps/api/src/excel/pdf-printer.js';
import { demoUsers } from '../../apps/cli/src/seed-demo.js';
import { asStored, seedFixtures } from '../../libs/excel/src/testing/round-trip.js';
import { rowOf } from '../../libs/excel/src/testing/sheets.js';
import { startApi, type RunningApi } from '../support/api-server.js';

const fixtures = new Map(seedFixtures().map((f) => [f.name, f.document]));
const kaifu = fixtures.get('seed-000-kaifu-2022.json')!;
const bigData = fixtures.get('seed-003-kaijiang-2024-big-data-platform.json')!;
const projects = [...fixtures.entries()].filter(([name, doc]) => name.startsWith('seed-003') && doc.kind === 'project').map(([, doc]) => doc);

interface Reply {
  status: number;
  headers: Headers;
  bytes: Buffer;
  json: any;
}

const sheetOf = (document: ReportDocument) => exportReportWorkbook({ document, status: null, revision: null, reviewerTotal: null });

async function readWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const loaded = await loadWorkbook(bytes);
  if (!loaded.ok) throw new Error(loaded.problem.message.en);
  return loaded.workbook;
}

/** The report document as served, without what the sheet does not carry. */
function stored(document: ReportDocument) {
  const { id: _id, source: _source, ...rest } = document;
  return rest;
}

describe('Excel import and export over the API (PGlite)', () => {
  let api: RunningApi;
  const tokens = new Map<string, string>();

  async function tokenOf(username: string): Promise<string> {
    if (!tokens.has(username)) {
      await api.as(username); // waits until the directory knows the user
      const password = demoUsers.find((u) => u.username === username)!.password;
      const login = await api.anonymous.request<{ accessToken: string }>('POST', '/auth/login', { body: { username, password } });
      tokens.set(username, login.body.accessToken);
    }
    return tokens.get(username)!;
  }

  async function call(username: string, method: string, path: string, options: { body?: Buffer | string; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = { authorization: `Bearer ${await tokenOf(username)}`, ...(options.headers ?? {}) };
    if (Buffer.isBuffer(options.body)) headers['content-type'] ??= XLSX_MEDIA_TYPE;
    const response = await fetch(`${api.baseUrl}${path}`, { method, headers, ...(options.body === undefined ? {} : { body: options.body }) });
    const bytes = Buffer.from(await response.arrayBuffer());
    const json = (response.headers.get('content-type') ?? '').includes('json') && bytes.length > 0 ? JSON.parse(bytes.toString('utf8')) : null;
    return { status: response.status, headers: response.headers, bytes, json };
  }

  const filler = (method: string, path: string, options?: { body?: Buffer | string; headers?: Record<string, string> }) => call('demo.filler', method, path, options);
  const revisionOf = (reportId: string) => api.eventStore.streamRevision(reportStreamId(reportId));

  beforeAll(async () => {
    api = await startApi('pglite://memory');
  });
  afterAll(async () => {
    await api?.close();
  });

  describe('round trip of the seed reports', () => {
    for (const [name, document] of [['seed 000 (部门整体支出)', kaifu], ['seed 003 大数据平台 (项目支出)', bigData]] as const) {
      it(`${name}: import makes the report, export gives a sheet that imports back to the same report`, async () => {
        const created = await filler('POST', '/reports/import', { body: await sheetOf(document) });
        expect([created.status, created.json?.code]).toEqual([201, undefined]);
        const reportId = created.json.id as string;
        expect(created.headers.get('location')).toBe(`/reports/${reportId}`);
        expect(stored(created.json.report)).toEqual(asStored(document));
        const revision = await revisionOf(reportId);
        expect(created.headers.get('etag')).toBe(`"${revision}"`);

        const exported = await filler('GET', `/reports/${reportId}/export.xlsx`);
        expect(exported.status).toBe(200);
        expect(exported.headers.get('content-type')).toBe(XLSX_MEDIA_TYPE);
        expect(exported.headers.get('content-disposition')).toMatch(/^attachment; filename="report-.+\.xlsx"; filename\*=UTF-8''.+%E8%87%AA%E8%AF%84%E8%A1%A8\.xlsx$/);
        const [reading] = readFormSheets(await readWorkbook(exported.bytes));
        expect(reading!.problems).toEqual([]);
        expect(stored(reading!.document!)).toEqual(stored(created.json.report));

        // The exported sheet shows the server's score beside the form's own.
        const sheet = (await readWorkbook(exported.bytes)).worksheets[0]!;
        const totals = rowOf(sheet, 1, '合计');
        expect(sheet.getCell(totals, 10).value).toBe(Number(document.selfTotal));
        expect(sheet.getCell(totals, 11).value).toBe(Number(created.json.score.total));
        expect(sheet.getCell(totals, 11).numFmt).toBe('0.00');

        const again = await filler('POST', '/reports/import', { body: exported.bytes });
        expect(again.status).toBe(201);
        expect(stored(again.json.report)).toEqual(stored(created.json.report));
      });
    }
  });

  describe('a sheet that cannot be read appends nothing', () => {
    let indicatorRow = 0;
    let totalRow = 0;
    async function brokenSheet(): Promise<Buffer> {
      const workbook = await readWorkbook(await sheetOf(kaifu));
      const sheet = workbook.worksheets[0]!;
      indicatorRow = rowOf(sheet, 4, '城乡居民基本医疗保险参保人数');
      totalRow = rowOf(sheet, 2, '总额');
      sheet.getCell(indicatorRow, 9).value = '十';
      sheet.getCell(totalRow, 5).value = 'n/a';
      return Buffer.from(await workbook.xlsx.writeBuffer());
    }

    it('refuses a new report with one error per cell (address and reason, zh-CN or en), and creates no stream', async () => {
      const refused = await filler('POST', '/reports/import?reportId=broken-1', { body: await brokenSheet(), headers: { 'accept-language': 'en' } });
      expect(refused.status).toBe(422);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      const sheet = '长沙市开福区医疗保障局整体支出';
      expect(refused.json.code).toBe('EXCEL_IMPORT_INVALID');
      expect(refused.json.errors.map((e: { code: string; path: string; message: string }) => [e.code, e.path, e.message])).toEqual([
        ['EXCEL_IMPORT_INVALID', sheet, `sheet "${sheet}" has 2 problems; nothing was changed`],
        ['EXCEL_CELL_UNREADABLE', `${sheet}!E${totalRow}`, 'cannot be read as an amount: “n/a”'],
        ['EXCEL_CELL_UNREADABLE', `${sheet}!I${indicatorRow}`, 'cannot be read as a score: “十”'],
      ]);
      expect(refused.json.errors[2].details).toEqual({ sheet, cell: `I${indicatorRow}`, field: 'indicators[0].weight', value: '十' });
      const zh = await filler('POST', '/reports/import?reportId=broken-1', { body: await brokenSheet() });
      expect(zh.json.errors[2].message).toBe('无法读作分值：“十”');
      expect(await revisionOf('broken-1')).toBeNull();
    });

    it('fills an existing draft only with If-Match, refuses a broken sheet at the same revision, and applies a good one in one append', async () => {
      const created = await filler('POST', '/reports/import', { body: await sheetOf(bigData) });
      const reportId = created.json.id as string;
      const revision = (await revisionOf(reportId))!;

      const edited = structuredClone(bigData);
      edited.indicators[0]!.actual = '0.5万元';
      edited.narrative.problems = '资金下达偏晚。';
      const sheet = await sheetOf(edited);

      expect((await filler('POST', `/reports/${reportId}/import`, { body: sheet })).status).toBe(428);
      const stale = await filler('POST', `/reports/${reportId}/import`, { body: sheet, headers: { 'if-match': `"${revision - 1}"` } });
      expect([stale.status, stale.json.code, stale.json.currentRevision]).toEqual([412, 'REVISION_CONFLICT', revision]);

      const broken = await readWorkbook(sheet);
      const ws = broken.worksheets[0]!;
      ws.getCell(rowOf(ws, 4, '三级指标'), 9).value = null; // the 分值 column is gone
      const refused = await filler('POST', `/reports/${reportId}/import`, { body: Buffer.from(await broken.xlsx.writeBuffer()), headers: { 'if-match': `"${revision}"` } });
      expect(refused.status).toBe(422);
      expect(refused.json.errors.map((e: { code: string }) => e.code)).toEqual(['EXCEL_IMPORT_INVALID', 'EXCEL_COLUMN_MISSING']);
      expect(await revisionOf(reportId)).toBe(revision);

      const filled = await filler('POST', `/reports/${reportId}/import`, { body: sheet, headers: { 'if-match': `"${revision}"` } });
      expect([filled.status, filled.json?.code]).toEqual([200, undefined]);
      expect(filled.json.import.events).toBe(2);
      expect(await revisionOf(reportId)).toBe(revision + 2);
      expect(filled.headers.get('etag')).toBe(`"${revision + 2}"`);
      expect(stored(filled.json.report)).toEqual(asStored(edited));
      const history = await filler('GET', `/reports/${reportId}/history?pageSize=100`);
      expect(history.json.items.slice(-2).map((e: { type: string }) => e.type)).toEqual(['IndicatorUpdated', 'NarrativeSet']);

      const unchanged = await filler('POST', `/reports/${reportId}/import`, { body: sheet, headers: { 'if-match': `"${revision + 2}"` } });
      expect([unchanged.status, unchanged.json.import.events]).toEqual([200, 0]);
      expect(await revisionOf(reportId)).toBe(revision + 2);
    });

    it('answers a repeated import with the same Idempotency-Key with the first answer, creating one report', async () => {
      const body = await sheetOf(bigData);
      const headers = { 'idempotency-key': 'excel-import-once' };
      const first = await filler('POST', '/reports/import', { body, headers });
      const second = await filler('POST', '/reports/import', { body, headers });
      expect([first.status, second.status, second.headers.get('idempotent-replayed')]).toEqual([201, 201, 'true']);
      expect(second.json.id).toBe(first.json.id);
      expect(first.json.id).toBe(importedReportId({ userId: 'demo-user-filler' } as never, 'excel-import-once', 0));
      const other = await filler('POST', '/reports/import', { body: await sheetOf(kaifu), headers });
      expect([other.status, other.json.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    });

    it('refuses what is not one readable workbook: JSON, garbage, two forms, too large', async () => {
      const json = await filler('POST', '/reports/import', { body: '{"kind":"project"}', headers: { 'content-type': 'application/json' } });
      expect([json.status, json.json.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      const garbage = await filler('POST', '/reports/import', { body: Buffer.from('not a workbook at all') });
      expect([garbage.status, garbage.json.code]).toEqual([400, 'EXCEL_FILE_UNREADABLE']);
      const two = await filler('POST', '/reports/import', { body: await exportReportsWorkbook(projects.slice(0, 2).map((document) => ({ document, status: null, revision: null, reviewerTotal: null }))) });
      expect([two.status, two.json.code]).toEqual([422, 'EXCEL_SEVERAL_FORMS']);
      const huge = await filler('POST', '/reports/import', { body: Buffer.alloc(SPREADSHEET_BODY_LIMIT_BYTES + 1) });
      expect([huge.status, huge.json.code]).toEqual([413, 'BODY_TOO_LARGE']);
      const reviewer = await call('demo.reviewer.health', 'POST', '/reports/import', { body: await sheetOf(bigData) });
      expect([reviewer.status, reviewer.json.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    });
  });

  describe('bulk', () => {
    it('imports a workbook of many project sheets as many reports, one result per sheet; a broken sheet appends nothing', async () => {
      const workbook = await readWorkbook(await exportReportsWorkbook(projects.map((document) => ({ document, status: null, revision: null, reviewerTotal: null }))));
      const broken = workbook.worksheets[2]!;
      broken.getCell(rowOf(broken, 4, '三级指标') + 1, 9).value = 'ninety';
      const key = 'excel-bulk-1';
      const response = await filler('POST', '/reports/import/bulk', { body: Buffer.from(await workbook.xlsx.writeBuffer()), headers: { 'idempotency-key': key } });
      expect(response.status).toBe(200);
      expect([response.json.sheets, response.json.created, response.json.failed]).toEqual([4, 3, 1]);
      const [one, two, three, four] = response.json.results;
      expect([one.status, two.status, three.status, four.status]).toEqual(['created', 'failed', 'created', 'created']);
      expect(two.errors.map((e: { code: string; path: string }) => e.code)).toEqual(['EXCEL_IMPORT_INVALID', 'EXCEL_CELL_UNREADABLE']);
      expect(two.errors[1].path).toMatch(/!I\d+$/);
      expect(await revisionOf(importedReportId({ userId: 'demo-user-filler' } as never, key, 2))).toBeNull();
      for (const result of [one, three, four]) {
        const report = await filler('GET', `/reports/${result.reportId}`);
        expect(report.json.report.kind).toBe('project');
        expect(await revisionOf(result.reportId)).toBe(result.revision);
      }
    });

    it('exports the reports the filters of GET /reports select as one workbook with a summary sheet', async () => {
      let exported: Reply;
      const deadline = Date.now() + 15_000;
      // The list is a read model: wait until it shows the reports imported above.
      do {
        exported = await filler('GET', '/reports/export.xlsx?year=2024&kind=project&q=51172322T000007299749');
        if (exported.headers.get('x-report-count') !== '0') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      } while (Date.now() < deadline);
      expect(exported.status).toBe(200);
      const count = Number(exported.headers.get('x-report-count'));
      expect(count).toBeGreaterThan(0);
      const workbook = await readWorkbook(exported.bytes);
      const summary = workbook.getWorksheet('汇总')!;
      expect(summary.getRow(2).values).toEqual([undefined, '序号', '单位', '类型', '年度', '项目编码', '项目名称', '自评分', '系统计算分', '核查分', '等级', '状态', '工作表']);
      const rows = Array.from({ length: count }, (_, i) => summary.getRow(3 + i));
      for (const row of rows) {
        expect([row.getCell(2).value, row.getCell(3).value, row.getCell(4).value, row.getCell(5).value]).toEqual(['开江县医疗保障局', '项目支出', 2024, '51172322T000007299749']);
        // Self score as stated; the computed one is the server's (one draft above had its actual changed: 10.00, 差); no reviewer score yet.
        const scores = [row.getCell(7).value, row.getCell(8).value, row.getCell(9).value, row.getCell(10).value, row.getCell(11).value];
        expect([[100, 100, null, '优', '草稿'], [100, 10, null, '差', '草稿']]).toContainEqual(scores);
      }
      expect(rows.filter((row) => row.getCell(8).value === 10)).toHaveLength(1);
      expect(workbook.worksheets).toHaveLength(count + 1);
      expect(readFormSheets(workbook).every((sheet) => sheet.problems.length === 0)).toBe(true);

      const bad = await filler('GET', '/reports/export.xlsx?page=2');
      expect([bad.status, bad.json.code]).toEqual([400, 'QUERY_INVALID']);
      const none = await call('demo.filler2', 'GET', '/reports/export.xlsx?year=2024');
      expect(none.headers.get('x-report-count')).toBe('0');
    });
  });

  it('describes its endpoints in the OpenAPI document', async () => {
    const docs = await api.anonymous.request('GET', '/docs-json');
    const paths = docs.body.paths as Record<string, Record<string, { requestBody?: { content: Record<string, unknown> }; tags?: string[] }>>;
    expect(Object.keys(paths['/reports/import']!)).toEqual(['post']);
    expect(Object.keys(paths['/reports/import']!.post!.requestBody!.content)).toEqual([XLSX_MEDIA_TYPE]);
    for (const path of ['/reports/{reportId}/import', '/reports/import/bulk', '/reports/export.xlsx', '/reports/{reportId}/export.xlsx', '/reports/{reportId}/print', '/reports/{reportId}/export.pdf']) {
      expect(Object.values(paths[path]!)[0]!.tags).toEqual(['excel']);
    }
  });

  describe('print', () => {
    let reportId: string;
    beforeAll(async () => {
      const withMarkup = structuredClone(bigData);
      withMarkup.narrative.problems = '<script>alert(1)</script> 资金下达偏晚';
      reportId = (await filler('POST', '/reports/import', { body: await sheetOf(withMarkup) })).json.id;
    });

    it('serves the report as an A4 print page with ruled tables and signature and seal lines, escaping what users typed', async () => {
      const page = await filler('GET', `/reports/${reportId}/print`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = page.bytes.toString('utf8');
      expect(html).toContain('@page { size: A4');
      expect(html).toContain('border: 0.75pt solid #000');
      expect(html).toContain('项目支出绩效自评表');
      expect(html).toContain('单位负责人（签字）：');
      expect(html).toContain('单位（盖章）');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).not.toContain('<script>');
      expect(html).toContain('<td class="num">170.00</td>');
    });

    it('shows nothing to those outside the unit subtree, and everything to the department above it', async () => {
      for (const path of ['print', 'export.xlsx', 'export.pdf']) {
        const outside = await call('demo.filler2', 'GET', `/reports/${reportId}/${path}`);
        expect([path, outside.status, outside.json.code]).toEqual([path, 404, 'REPORT_NOT_FOUND']);
      }
      expect((await call('demo.reviewer.health', 'GET', `/reports/${reportId}/export.xlsx`)).status).toBe(200);
      expect((await call('demo.reviewer.medsec', 'GET', `/reports/${reportId}/print`)).status).toBe(404);
    });

    if (existsSync(CHROMIUM_PATH)) {
      it('prints the page to PDF with headless Chromium', async () => {
        const pdf = await filler('GET', `/reports/${reportId}/export.pdf`);
        expect(pdf.status).toBe(200);
        expect(pdf.headers.get('content-type')).toBe('application/pdf');
        expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        expect(pdf.headers.get('content-disposition')).toContain('.pdf');
      });
    } else {
      it(`answers 501 PDF_UNAVAILABLE (the PDF itself is not tested: ${CHROMIUM_PATH} is absent on this machine)`, async () => {
        const pdf = await filler('GET', `/reports/${reportId}/export.pdf`);
        expect([pdf.status, pdf.json.code]).toEqual([501, 'PDF_UNAVAILABLE']);
      });
    }
  });
});
