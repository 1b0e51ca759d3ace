import { randomBytes } from 'node:crypto';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { startApi, type ApiClient, type RunningApi } from '../support/api-server.js';
import { createScratchDatabase } from '../support/databases.js';
import { repoRoot } from '../support/processes.js';
import { assertWebBuilt, launchBrowser, screenshot, webRoot, type Browser } from './support/browser.js';
import { createReportViaApi, fiftyIndicators } from './support/report-fixtures.js';
import { field, logIn, logOut, poll, waitUntilSaved } from './support/workbench.js';

// These run inside the page (page.evaluate); the test program itself has no DOM library.
declare const document: any;
declare const window: any;
declare const MutationObserver: any;

const FIRST_LOAD_LIMIT = 1_000_000; // bytes of gzipped JavaScript

/** The bytes a browser downloads for a built file, gzipped as the API serves it. */
async function gzippedSize(assetUrlPath: string): Promise<number> {
  const file = join(webRoot, assetUrlPath.replace(/^\/app\//, ''));
  return gzipSync(await readFile(file), { level: 9 }).length;
}

async function indicatorRowIds(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="indicator-table"] tbody tr[data-path^="indicators["]', (rows) => rows.map((row: any) => /^indicators\[(.+)\]$/.exec(row.getAttribute('data-path') ?? '')![1]!));
}

async function text(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).first().textContent()) ?? '').trim();
}

describe('web workbench in a real browser (chromium, the real API, the demo region)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let api: RunningApi;
  let browser: Browser;
  let page: Page;
  let filler: ApiClient;
  const metrics: Record<string, unknown> = {};
  let submittedReportId = '';

  beforeAll(async () => {
    assertWebBuilt();
    database = await createScratchDatabase('jxweb');
    api = await startApi(database.url, { QUEUE_PREFIX: `jxweb-${randomBytes(4).toString('hex')}` });
    filler = await api.as('demo.filler');
    await api.as('demo.auditor');
    browser = await launchBrowser();
    page = browser.page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await database?.drop();
    await mkdir(resolve(repoRoot, 'test-results'), { recursive: true });
    await writeFile(resolve(repoRoot, 'test-results', 'web-metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  }, 60_000);

  it('ships under 1 MB of gzipped JavaScript on first load, and serves it gzipped', async () => {
    const index = await readFile(join(webRoot, 'index.html'), 'utf8');
    const declared = [...index.matchAll(/(?:src|href)="(\/app\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    const declaredBytes = (await Promise.all(declared.map(gzippedSize))).reduce((a, b) => a + b, 0);

    const loaded = new Set<string>();
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname.endsWith('.js')) loaded.add(url.pathname);
    });
    await page.goto(`${api.baseUrl}/app/`);
    await page.getByTestId('login-username').waitFor();
    await page.waitForLoadState('networkidle');
    page.removeAllListeners('response');
    const loadedBytes = (await Promise.all([...loaded].map(gzippedSize))).reduce((a, b) => a + b, 0);

    const asset = await fetch(`${api.baseUrl}${declared[0]}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect(asset.headers.get('cache-control')).toContain('immutable');

    metrics.firstLoad = { declaredFiles: declared.length, declaredGzipBytes: declaredBytes, loadedFiles: loaded.size, loadedGzipBytes: loadedBytes };
    console.log(`[web] first load: ${loaded.size} JS files, ${(loadedBytes / 1024).toFixed(1)} KiB gzipped (index.html declares ${declared.length}: ${(declaredBytes / 1024).toFixed(1)} KiB)`);
    expect(declaredBytes).toBeLessThan(FIRST_LOAD_LIMIT);
    expect(loadedBytes).toBeLessThan(FIRST_LOAD_LIMIT);
    await screenshot(page, '01-login');
  });

  it('is served by the API at /app/, without taking any path from API clients', async () => {
    const html = { accept: 'text/html,application/xhtml+xml' };
    const root = await fetch(`${api.baseUrl}/`, { headers: html, redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/app/']);
    const deepLink = await fetch(`${api.baseUrl}/app/reports/some-report/history`, { headers: html });
    expect(deepLink.status).toBe(200);
    expect(await deepLink.text()).toContain('<div id="root">');
    // API clients keep the API's own answers: a problem for an unknown path, 401 for a known one.
    const unknown = await fetch(`${api.baseUrl}/nowhere`, { headers: { accept: 'application/json' } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('ROUTE_NOT_FOUND');
    const missingAsset = await fetch(`${api.baseUrl}/app/assets/missing.js`, { headers: html });
    expect(missingAsset.status).toBe(404);
    expect((await fetch(`${api.baseUrl}/reports`, { headers: html })).status).toBe(401);
  });

  it('a filler drafts a report, sees the score and the checks follow the typing, and submits it', async () => {
    await logIn(page, api.baseUrl, 'demo.filler');
    await page.waitForURL(/\/app\/reports$/);
    await page.getByTestId('new-report').click();
    await page.getByTestId('new-project-name').fill('医疗设备更新项目');
    await page.getByTestId('new-project-code').fill('51172322T000007299749');
    await page.getByTestId('create-report').click();
    await page.getByTestId('report-form').waitFor();
    const reportId = decodeURIComponent(/\/app\/reports\/([^/?]+)/.exec(page.url())![1]!);
    submittedReportId = reportId;
    expect(await text(page, 'report-status')).toBe('草稿');

    await field(page, 'header.competentDepartment').fill('示范市卫生健康委员会');
    // Amounts are decimals of at most two places: the server refuses anything else, the field says so, nothing is saved.
    await field(page, 'budget.total.initial').fill('一百二十');
    expect(await poll(async () => (await field(page, 'budget.total.initial').getAttribute('class')) ?? '', (v) => v.includes('jx-mark-refused'))).toContain('jx-mark-refused');
    expect(await text(page, 'save-state')).toContain('输入有误');
    await field(page, 'budget.total.initial').fill('120');
    await field(page, 'budget.total.adjusted').fill('100');
    await field(page, 'budget.total.executed').fill('95');
    // The server computes the execution rate and its score while the user is still in the form.
    expect(await poll(() => text(page, 'execution-rate'), (v) => v === '95.00%', 10_000)).toBe('95.00%');
    expect(await text(page, 'execution-score')).toBe('9.50');

    const indicators = [
      { level1: 'output', level2: 'quantity', name: '设备采购数量', target: '10', unit: '台', actual: '10', weight: '40' },
      { level1: 'benefit', level2: 'social-benefit', name: '门诊服务人次', target: '50000', unit: '人次', actual: '45000', weight: '30' },
      { level1: 'satisfaction', level2: 'service-satisfaction', name: '患者满意度', target: '90', unit: '%', actual: '95', weight: '20' },
    ];
    const ids: string[] = [];
    for (const [n, indicator] of indicators.entries()) {
      await page.getByTestId('add-indicator').click();
      expect(await poll(async () => (await indicatorRowIds(page)).length, (v) => v === n + 1)).toBe(n + 1);
      const id = (await indicatorRowIds(page))[n]!;
      ids.push(id);
      const at = (name: string) => field(page, `indicators[${id}].${name}`);
      await at('level1').selectOption(indicator.level1);
      await at('level2').selectOption(indicator.level2);
      for (const name of ['name', 'target', 'unit', 'actual'] as const) await at(name).fill(indicator[name]);
      if (n === 0) {
        await at('weight').fill('40');
        // Weights of 10 + 40 do not reach 100 yet: the check says so, and the score has moved.
        expect(await poll(() => page.locator('[data-testid="check-item"][data-code="WEIGHTS_TOTAL_MISMATCH"]').count(), (v) => v === 1, 10_000)).toBe(1);
        expect(await poll(() => text(page, 'score-total'), (v) => v === '49.50')).toBe('49.50');
        await screenshot(page, '02-editor-typing');
      } else {
        await at('weight').fill(indicator.weight);
      }
    }
    expect(await poll(() => text(page, 'score-total'), (v) => v === '96.50', 10_000)).toBe('96.50');
    expect(await text(page, 'score-grade')).toBe('优');
    expect(await page.locator('[data-testid="check-item"][data-code="WEIGHTS_TOTAL_MISMATCH"]').count()).toBe(0);

    // 45000 of 50000 scores 27 of 30: an explanation is required, and the check leads to its field.
    const missing = page.locator('[data-testid="check-item"][data-code="EXPLANATION_MISSING_SCORE_BELOW_WEIGHT"]');
    expect(await poll(() => missing.count(), (v) => v === 1)).toBe(1);
    await missing.click();
    const explanation = field(page, `indicators[${ids[1]}].explanation`);
    expect(await poll(() => explanation.evaluate((element) => element === document.activeElement && element.classList.contains('jx-flash')), (v) => v === true)).toBe(true);
    await screenshot(page, '03-check-linked-to-field');
    await explanation.fill('受季节性因素影响门诊量下降，次年加强宣传');
    expect(await poll(() => missing.count(), (v) => v === 0, 10_000)).toBe(0);
    expect(await poll(() => text(page, 'check-errors'), (v) => v === '0')).toBe('0');
    const revision = await waitUntilSaved(page);
    await screenshot(page, '04-editor-ready', { fullPage: true });

    await page.getByTestId('submit-report').click();
    expect(await poll(() => text(page, 'report-status'), (v) => v === '审核中', 10_000)).toBe('审核中');
    const stored = await filler.request('GET', `/reports/${reportId}`);
    expect(stored.body.status).toBe('submitted');
    // The submission and the first review stage it enters.
    expect(stored.body.revision).toBe(revision + 2);
    expect(stored.body.score.total).toBe('96.50');
    expect(stored.body.report.indicators.map((i: { name: string }) => i.name)).toEqual(indicators.map((i) => i.name));
    expect(stored.body.report.header.competentDepartment).toBe('示范市卫生健康委员会');
    await screenshot(page, '05-editor-submitted');
  }, 180_000);

  it('a 412 is explained with who and when, and what the user typed is kept and reapplied', async () => {
    const { id } = await createReportViaApi(filler, { unit: '示范市人民医院', year: 2025, projectName: '冲突演示项目', projectCode: 'P-CONFLICT' });
    await page.goto(`${api.baseUrl}/app/reports/${id}`);
    await page.getByTestId('report-form').waitFor();

    // Someone saves first (here: the same filler through the API, as from another window).
    const other = await filler.request('PATCH', `/reports/${id}/header`, { body: { competentDepartment: '另一窗口填写的主管部门' }, headers: { 'if-match': '"0"' } });
    expect(other.status).toBe(200);

    const typed = '本页输入的实施单位';
    await field(page, 'header.implementingUnit').fill(typed);
    const banner = page.getByTestId('conflict-banner');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toMatch(/此报告已被.*修改.*请刷新/);
    expect(await poll(async () => banner.textContent(), (v) => String(v).includes('您本人'))).toContain('您本人');
    expect(await field(page, 'header.implementingUnit').inputValue()).toBe(typed);
    await screenshot(page, '06-conflict-412');

    await page.getByTestId('conflict-reapply').click();
    await banner.waitFor({ state: 'detached' });
    await waitUntilSaved(page);
    const stored = await filler.request('GET', `/reports/${id}`);
    expect(stored.body.report.header.implementingUnit).toBe(typed);
    expect(stored.body.report.header.competentDepartment).toBe('另一窗口填写的主管部门');
    expect(await field(page, 'header.competentDepartment').inputValue()).toBe('另一窗口填写的主管部门');
  }, 120_000);

  it('renders a 50-indicator report (time logged, not asserted)', async () => {
    const { id } = await createReportViaApi(filler, { unit: '示范市人民医院', year: 2025, projectName: '五十项指标的大型报告', projectCode: 'P-FIFTY' }, fiftyIndicators(), { initial: '1000', adjusted: '1000', executed: '950' });
    const rows = '[data-testid="indicator-table"] tbody tr[data-path^="indicators["]';

    // A full load of the page: from navigation start to the first paint of the loaded report.
    await page.goto(`${api.baseUrl}/app/reports/${id}`);
    await page.waitForFunction((selector) => document.querySelectorAll(selector).length === 50, rows);
    const full = await page.evaluate((reportId) => {
      const mark = performance.getEntriesByName('jx-report-rendered')[0]!;
      const fetched = performance.getEntriesByType('resource').find((entry) => new URL(entry.name).pathname === `/reports/${reportId}`) as { responseEnd: number } | undefined;
      return { renderedAtMs: mark.startTime, reportFetchedAtMs: fetched?.responseEnd ?? null };
    }, id);

    // In-app navigation from the list (the usual way in): click → 50 rows in the DOM, five times.
    await page.goto(`${api.baseUrl}/app/reports?q=${encodeURIComponent('五十项指标')}`);
    const link = page.getByTestId('report-link').first();
    expect(await poll(() => link.count(), (v) => v === 1, 15_000)).toBe(1);
    const navigations: number[] = [];
    for (let run = 0; run < 5; run++) {
      if (run > 0) {
        await page.goBack();
        await link.waitFor();
      }
      await page.evaluate((selector: string) => {
        const w = window as { jxRowsAt?: number; jxClickAt?: number };
        delete w.jxRowsAt;
        delete w.jxClickAt;
        new MutationObserver((_records: unknown, observer: { disconnect(): void }) => {
          if (document.querySelectorAll(selector).length === 50) {
            w.jxRowsAt = performance.now();
            observer.disconnect();
          }
        }).observe(document.body, { childList: true, subtree: true });
        document.addEventListener('click', () => (w.jxClickAt ??= performance.now()), { capture: true, once: true });
      }, rows);
      await link.click();
      await page.waitForFunction(() => (window as { jxRowsAt?: number }).jxRowsAt !== undefined);
      navigations.push(await page.evaluate(() => (window as { jxRowsAt: number; jxClickAt: number }).jxRowsAt - (window as { jxClickAt: number }).jxClickAt));
      expect(await page.locator(rows).count()).toBe(50);
    }
    const sorted = [...navigations].sort((a, b) => a - b);
    const report50 = {
      fullLoadToRenderedMs: Math.round(full.renderedAtMs),
      renderAfterFetchMs: full.reportFetchedAtMs === null ? null : Math.round(full.renderedAtMs - full.reportFetchedAtMs),
      inAppNavigationMs: navigations.map(Math.round),
      inAppNavigationMedianMs: Math.round(sorted[2]!),
    };
    metrics.report50 = report50;
    console.log(
      `[web] 50-indicator report: in-app navigation (click → 50 rows, incl. fetching the report) ${report50.inAppNavigationMs.join(' / ')} ms, median ${report50.inAppNavigationMedianMs} ms; ` +
        `full page load → rendered ${report50.fullLoadToRenderedMs} ms, of which rendering after the report arrived ${report50.renderAfterFetchMs} ms`,
    );
    await screenshot(page, '07-report-50-indicators');
  }, 180_000);

  it('an auditor reads the timeline, a past revision, a diff, verifies the chain and exports the trail', async () => {
    await logOut(page);
    await logIn(page, api.baseUrl, 'demo.auditor');
    expect(await text(page, 'current-user')).toContain('审计');
    // The auditor's navigation: the region's reports and the trail export.
    expect(await page.getByTestId('nav').textContent()).toContain('审计导出');
    expect(await poll(() => page.getByTestId('report-link').count(), (v) => v >= 3, 15_000)).toBeGreaterThanOrEqual(3);
    await screenshot(page, '08-report-list-auditor');
    const history = await (await api.as('demo.auditor')).request('GET', `/reports/${submittedReportId}/history?pageSize=200`);
    const latest = history.body.total - 1;

    await page.goto(`${api.baseUrl}/app/reports/${submittedReportId}/history`);
    await page.getByTestId('history-timeline').waitFor();
    expect(await page.getByTestId('history-entry').count()).toBe(history.body.total);
    expect(await page.getByTestId('history-timeline').textContent()).toContain('提交');
    await screenshot(page, '09-audit-timeline');

    await page.goto(`${api.baseUrl}/app/reports/${submittedReportId}/history?tab=as-of&revision=1`);
    await page.getByTestId('report-form').waitFor();
    expect(await text(page, 'as-of-total')).toBe('0.00');
    await screenshot(page, '10-audit-as-of');

    await page.goto(`${api.baseUrl}/app/reports/${submittedReportId}/history?tab=diff&from=0&to=${latest}`);
    const diff = page.getByTestId('diff-table');
    expect(await poll(async () => (await diff.textContent()) ?? '', (v) => String(v).includes('门诊服务人次'), 10_000)).toContain('门诊服务人次');
    await screenshot(page, '11-audit-diff');

    await page.goto(`${api.baseUrl}/app/reports/${submittedReportId}/history?tab=verify`);
    expect(await poll(async () => (await page.getByTestId('verify-result').textContent()) ?? '', (v) => String(v).includes(`哈希链完整：共 ${history.body.total} 个事件`), 10_000)).toContain(`哈希链完整：共 ${history.body.total} 个事件`);
    await screenshot(page, '12-audit-verify');

    await page.goto(`${api.baseUrl}/app/reports/${submittedReportId}/history?tab=export`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toBe(`report-${submittedReportId}-trail.csv`);
    const csv = await readFile((await download.path())!);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain(submittedReportId);
    expect(csv.toString('utf8')).toContain('提交报告');
  }, 120_000);

  it('speaks English on request, and keeps the choice', async () => {
    await page.goto(`${api.baseUrl}/app/reports`);
    await page.getByTestId('language-toggle').getByText('EN').click();
    expect(await poll(async () => (await page.getByTestId('nav').textContent()) ?? '', (v) => String(v).includes('Reports'))).toContain('Reports');
    await page.reload();
    expect(await poll(async () => (await page.getByTestId('nav').textContent()) ?? '', (v) => String(v).includes('Reports'))).toContain('Reports');
    await page.getByTestId('report-link').first().waitFor();
    expect(await page.locator('table thead').first().textContent()).toContain('Computed');
    await screenshot(page, '13-report-list-english');
    await page.getByTestId('language-toggle').getByText('中文').click();
    expect(await poll(async () => (await page.getByTestId('nav').textContent()) ?? '', (v) => String(v).includes('报告查阅'))).toContain('报告查阅');
  });
});
