import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { demoOrganisations } from '../../apps/cli/src/seed-demo.js';
import { deleteQueueKeys, sharedRedisUrl } from '../../apps/worker/src/testing/queue-keys.js';
import { startApi, type ApiClient, type RunningApi } from '../support/api-server.js';
import { createScratchDatabase } from '../support/databases.js';
import { repoRoot } from '../support/processes.js';
import { assertWebBuilt, launchBrowser, screenshot, type Browser } from './support/browser.js';
import { SteerableClock } from './support/clock.js';
import { createReportViaApi, fiftyIndicators } from './support/report-fixtures.js';
import { chooseOption, field, logIn, logOut, pickDate, poll, waitUntilSaved } from './support/workbench.js';

// These run inside the page (page.evaluate); the test program itself has no DOM library.
declare const document: any;
declare const window: any;
declare const MutationObserver: any;

const { hospital, insuranceCentre } = demoOrganisations;
const PROJECT = '基层医疗设备更新项目';
const CAMPAIGN = '2025年度项目支出绩效自评';
const DEADLINE = '2026-05-29';

async function text(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).first().textContent()) ?? '').trim();
}

async function indicatorRowIds(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="indicator-table"] tbody tr[data-path^="indicators["]', (rows) => rows.map((row: any) => /^indicators\[(.+)\]$/.exec(row.getAttribute('data-path') ?? '')![1]!));
}

/** Records every phase a long operation's progress bar shows, however briefly. */
async function watchTransfers(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as { jxPhases?: string[] };
    w.jxPhases = [];
    new MutationObserver(() => {
      for (const element of document.querySelectorAll('[data-testid="transfer-progress"]')) {
        const phase = element.getAttribute('data-phase');
        if (w.jxPhases!.at(-1) !== phase) w.jxPhases!.push(phase);
      }
    }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-phase'] });
  });
}

/** Lets running transitions (tab switches, fades) finish, so a screenshot shows the page at rest. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.race([
      Promise.all(document.getAnimations().filter((a: any) => a.effect?.getTiming().iterations !== Infinity).map((a: any) => a.finished.catch(() => undefined))),
      new Promise((resolve) => setTimeout(resolve, 1500)),
    ]),
  );
}

const phasesSeen = (page: Page) => page.evaluate(() => (window as { jxPhases: string[] }).jxPhases);

describe('the review chain in a real browser: campaign, reminder, draft, return with an opinion, resubmission, approvals, audit, dashboard', () => {
  // 2026-05-20 08:20 in Shanghai, a Wednesday: the campaign's 7-working-day reminder is due at 09:00 today.
  const clock = new SteerableClock('2026-05-20T00:20:00.000Z');
  const prefix = `jxwebreview-${randomBytes(4).toString('hex')}`;
  let database: { url: string; drop: () => Promise<void> };
  let api: RunningApi;
  let browser: Browser;
  let page: Page;
  const as: Record<string, ApiClient> = {};
  const metrics: Record<string, unknown> = {};
  let campaignId = '';
  let reportId = '';
  let benefitId = '';
  let returnedRevision = -1;
  let exportedWorkbook = '';

  beforeAll(async () => {
    assertWebBuilt();
    database = await createScratchDatabase('jxwebreview');
    api = await startApi(database.url, { QUEUE_PREFIX: prefix, RECONCILE_INTERVAL_MS: '0' }, clock);
    for (const user of ['demo.filler', 'demo.leader', 'demo.reviewer.health', 'demo.finance', 'demo.performance', 'demo.auditor', 'demo.admin']) as[user] = await api.as(user);
    browser = await launchBrowser();
    page = browser.page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await deleteQueueKeys(sharedRedisUrl, prefix).catch(() => undefined);
    await database?.drop();
    await mkdir(resolve(repoRoot, 'test-results'), { recursive: true });
    await writeFile(resolve(repoRoot, 'test-results', 'web-review-metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  }, 60_000);

  /** The inbox is a read model: wait until it has caught up with the last action before looking. */
  async function waitForInbox(username: string): Promise<void> {
    const listed = await poll(async () => ((await as[username]!.request('GET', '/inbox')).body.items as Array<{ reportId: string }>).some((i) => i.reportId === reportId), (v) => v, 15_000);
    expect(listed).toBe(true);
  }

  /** A reviewer logs in, finds the report in their inbox, and opens its review page. */
  async function openFromInbox(username: string): Promise<void> {
    await waitForInbox(username);
    await logOut(page);
    await logIn(page, api.baseUrl, username);
    await page.waitForURL(/\/app\/inbox/);
    await page.locator(`[data-testid="inbox-link"][href="/app/reports/${reportId}"]`).click();
    await page.getByTestId('review-actions').waitFor();
  }

  async function approve(opinion?: string): Promise<void> {
    await page.getByTestId('approve').click();
    if (opinion) await page.getByTestId('approve-opinion').fill(opinion);
    await page.getByTestId('approve-dialog-ok').click();
    await page.getByTestId('approve-dialog').waitFor({ state: 'detached' });
  }

  it('the performance officer opens a campaign on the dashboard', async () => {
    await logIn(page, api.baseUrl, 'demo.performance');
    // Reviewers start at their inbox; nothing waits yet.
    await page.waitForURL(/\/app\/inbox/);
    await page.getByTestId('inbox-empty').waitFor();
    await page.goto(`${api.baseUrl}/app/campaigns`);
    await page.getByTestId('open-campaign').click();
    await page.getByTestId('campaign-name').fill(CAMPAIGN);
    await page.getByTestId('campaign-year').fill('2025');
    await pickDate(page, page.locator('#deadline'), DEADLINE);
    for (const unit of [hospital.name, insuranceCentre.name]) await page.locator('.ant-tree-treenode', { hasText: unit }).locator('.ant-tree-checkbox').click();
    await page.getByTestId('open-campaign-dialog-ok').click();
    await page.getByTestId('campaign-dashboard').waitFor();
    campaignId = decodeURIComponent(/\/app\/campaigns\/([^/?]+)/.exec(page.url())![1]!);
    expect(await text(page, 'campaign-title')).toBe(CAMPAIGN);
    expect(await text(page, 'campaign-deadline-value')).toBe(DEADLINE);
    expect(await page.getByTestId('stat-units').textContent()).toContain('2');
    expect(await page.getByTestId('stat-not-started').textContent()).toContain('2');
    const stored = await as['demo.performance']!.request('GET', `/campaigns/${campaignId}`);
    expect(stored.body).toMatchObject({ year: 2025, kind: 'project', submissionDeadline: DEADLINE, unitIds: [hospital.organisationId, insuranceCentre.organisationId] });
  }, 120_000);

  it('the filler finds the campaign’s reminder in the notification inbox and marks it read', async () => {
    // 09:00 arrives; reconciliation re-times the reminder the moved clock made due.
    clock.jumpTo('2026-05-20T01:00:05.000Z');
    const reconciled = await as['demo.admin']!.request('POST', '/admin/reminders/reconcile');
    expect(reconciled.status).toBe(200);
    const inbox = await poll(async () => (await as['demo.filler']!.request('GET', '/notifications')).body, (body) => body.total >= 1, 30_000);
    expect(inbox.total).toBeGreaterThanOrEqual(1);

    await logOut(page);
    await logIn(page, api.baseUrl, 'demo.filler');
    expect(await poll(() => page.getByTestId('unread-badge').count(), (n) => n === 1)).toBe(1);
    await page.goto(`${api.baseUrl}/app/notifications`);
    const first = page.getByTestId('notification').first();
    await first.waitFor();
    expect(await first.textContent()).toContain('7个工作日');
    expect(await first.getAttribute('data-read')).toBe('false');
    await settle(page);
    await screenshot(page, 'review-01-notifications');
    await first.getByTestId('mark-read').click();
    expect(await poll(() => first.getAttribute('data-read'), (v) => v === 'true')).toBe('true');
    const after = await poll(async () => (await as['demo.filler']!.request('GET', '/notifications?unread=true')).body.total, (n) => n === inbox.total - 1);
    expect(after).toBe(inbox.total - 1);
  }, 120_000);

  it('a filler drafts a report in the campaign and submits it', async () => {
    await logOut(page);
    await logIn(page, api.baseUrl, 'demo.filler');
    await page.goto(`${api.baseUrl}/app/reports`);
    await page.getByTestId('new-report').click();
    await page.getByTestId('new-year').fill('2025');
    await page.getByTestId('new-project-name').fill(PROJECT);
    await page.getByTestId('new-project-code').fill('51172322T000007299750');
    await page.getByTestId('create-report').click();
    await page.getByTestId('report-form').waitFor();
    reportId = decodeURIComponent(/\/app\/reports\/([^/?]+)/.exec(page.url())![1]!);

    await field(page, 'header.competentDepartment').fill(demoOrganisations.health.name);
    await field(page, 'budget.total.initial').fill('120');
    await field(page, 'budget.total.adjusted').fill('100');
    await field(page, 'budget.total.executed').fill('95');
    const indicators = [
      { level1: 'output', level2: 'quantity', name: '设备采购数量', target: '10', unit: '台', actual: '10', weight: '40' },
      { level1: 'benefit', level2: 'social-benefit', name: '门诊服务人次', target: '50000', unit: '人次', actual: '45000', weight: '30', explanation: '受季节性因素影响门诊量下降' },
      { level1: 'satisfaction', level2: 'service-satisfaction', name: '患者满意度', target: '90', unit: '%', actual: '95', weight: '20' },
    ];
    for (const [n, indicator] of indicators.entries()) {
      await page.getByTestId('add-indicator').click();
      expect(await poll(async () => (await indicatorRowIds(page)).length, (v) => v === n + 1)).toBe(n + 1);
      const id = (await indicatorRowIds(page))[n]!;
      if (indicator.name === '门诊服务人次') benefitId = id;
      const at = (name: string) => field(page, `indicators[${id}].${name}`);
      await at('level1').selectOption(indicator.level1);
      await at('level2').selectOption(indicator.level2);
      for (const name of ['name', 'target', 'unit', 'actual', 'weight', 'explanation'] as const) if (indicator[name as keyof typeof indicator]) await at(name).fill(indicator[name as keyof typeof indicator]!);
    }
    expect(await poll(() => text(page, 'score-total'), (v) => v === '96.50', 15_000)).toBe('96.50');
    expect(await poll(() => text(page, 'check-errors'), (v) => v === '0')).toBe('0');
    await waitUntilSaved(page);
    await page.getByTestId('submit-report').click();
    expect(await poll(() => text(page, 'report-status'), (v) => v === '审核中', 10_000)).toBe('审核中');
    // The filler follows the report through the chain from the editor.
    await page.getByTestId('workflow-steps').waitFor();
    expect(await page.getByTestId('stage-unit_signoff').getAttribute('data-status')).toBe('process');
  }, 180_000);

  it('the unit leader signs off from the inbox, which shows the stage’s due date in working days', async () => {
    await waitForInbox('demo.leader');
    await logOut(page);
    await logIn(page, api.baseUrl, 'demo.leader');
    await page.waitForURL(/\/app\/inbox/);
    const row = page.locator('tr', { has: page.locator(`[data-testid="inbox-link"][href="/app/reports/${reportId}"]`) });
    await row.waitFor();
    // Entered on Wednesday 05-20; three working days: Thursday, Friday, Monday.
    expect(await row.getByTestId('inbox-due').textContent()).toContain('2026-05-25');
    expect(await row.getByTestId('inbox-due').getAttribute('data-overdue')).toBe('false');
    expect(await row.getByTestId('inbox-computed').textContent()).toContain('96.50');
    await settle(page);
    await screenshot(page, 'review-02-inbox');
    await row.getByTestId('inbox-link').click();
    await page.getByTestId('review-actions').waitFor();
    expect(await text(page, 'current-stage')).toBe('单位负责人审签');
    expect(await text(page, 'four-eyes')).toContain('已通过 0 / 需 1 人');
    await page.getByTestId('approve-open').waitFor();
    await approve('同意报送');
    expect(await poll(() => text(page, 'current-stage'), (v) => v === '主管部门审核')).toBe('主管部门审核');
    // The door is closed now, and the page says why.
    expect(await text(page, 'approve-blocked')).toContain('由主管部门审核人办理');
    expect(await page.getByTestId('approve').isDisabled()).toBe(true);
  }, 120_000);

  it('the department reviewer approves; finance returns it with an opinion on one indicator', async () => {
    await openFromInbox('demo.reviewer.health');
    expect(await text(page, 'current-stage')).toBe('主管部门审核');
    await approve();
    expect(await poll(() => text(page, 'current-stage'), (v) => v === '财政业务科室审核')).toBe('财政业务科室审核');

    await openFromInbox('demo.finance');
    // Self, computed and (not yet any) reviewer scores side by side.
    const benefitRow = page.locator(`[data-testid="score-row"][data-item="indicators[${benefitId}]"]`);
    expect(await benefitRow.getByTestId('computed-score').textContent()).toBe('27.00');
    expect(await text(page, 'computed-total')).toContain('96.50');
    // Pick the indicator in the form, widen the opinion to the whole row, say what is wrong.
    await field(page, `indicators[${benefitId}].actual`).click();
    await page.locator(`[data-opinion-path="indicators[${benefitId}]"]`).click();
    const opinion = '门诊人次与统计年报不符，请核实';
    await page.getByTestId('opinion-text').fill(opinion);
    await page.getByTestId('add-opinion').click();
    expect(await text(page, 'opinion-count')).toBe('1');
    expect(await page.locator(`[data-testid="row-opinion"][data-for="indicators[${benefitId}]"]`).textContent()).toContain(opinion);
    await settle(page);
    await screenshot(page, 'review-03-review-page-opinion', { fullPage: true });
    await page.getByTestId('return').click();
    await page.getByTestId('return-opinion').fill('请核实门诊服务人次后重新报送');
    expect(await page.getByTestId('return-dialog').textContent()).toContain(opinion);
    await page.getByTestId('return-dialog-ok').click();
    expect(await poll(() => text(page, 'report-status'), (v) => v === '已退回')).toBe('已退回');
    expect(await page.getByTestId(`stage-finance_review`).getAttribute('data-status')).toBe('error');

    const stored = await as['demo.finance']!.request('GET', `/reports/${reportId}`);
    expect(stored.body).toMatchObject({ status: 'draft', lastReturn: { stage: 'finance_review', opinion: '请核实门诊服务人次后重新报送', opinions: [{ path: `indicators[${benefitId}]`, text: opinion }] } });
    returnedRevision = stored.body.revision;
  }, 150_000);

  it('the filler sees the opinion beside the indicator, fixes it and resubmits', async () => {
    await logOut(page);
    await logIn(page, api.baseUrl, 'demo.filler');
    const row = page.locator('tr', { has: page.locator(`[data-testid="report-link"][href="/app/reports/${reportId}"]`) });
    expect(await poll(async () => ((await row.count()) ? ((await row.getByTestId('report-row-status').textContent()) ?? '') : ''), (v) => v.includes('已退回'), 15_000)).toContain('已退回');
    await row.getByTestId('report-link').click();
    await page.getByTestId('report-form').waitFor();
    const beside = page.locator(`[data-testid="row-opinion"][data-for="indicators[${benefitId}]"]`);
    expect(await beside.textContent()).toContain('门诊人次与统计年报不符，请核实');
    expect(await page.getByTestId('opinion-item').first().textContent()).toContain('门诊服务人次');
    // The row the opinion points at is marked, and sits right above its opinion.
    expect(await page.locator(`tr[data-path="indicators[${benefitId}]"]`).getAttribute('class')).toContain('jx-row-opinion');
    await settle(page);
    await screenshot(page, 'review-04-returned-opinion-beside-indicator');

    await field(page, `indicators[${benefitId}].actual`).fill('48000');
    await field(page, `indicators[${benefitId}].explanation`).fill('已按统计年报更正门诊人次；余量受季节性因素影响');
    expect(await poll(() => text(page, 'score-total'), (v) => v === '98.30', 15_000)).toBe('98.30');
    await waitUntilSaved(page);
    await page.getByTestId('submit-report').click();
    expect(await poll(() => text(page, 'report-status'), (v) => v === '审核中', 10_000)).toBe('审核中');
  }, 120_000);

  it('the chain approves again; the performance officer scores an item (a refusal is shown plainly), meets a stale screen, approves and publishes', async () => {
    for (const [user, stage] of [
      ['demo.leader', '单位负责人审签'],
      ['demo.reviewer.health', '主管部门审核'],
      ['demo.finance', '财政业务科室审核'],
    ] as const) {
      await openFromInbox(user);
      expect(await text(page, 'current-stage')).toBe(stage);
      // The last return's opinions stay in view for the reviewers of the new submission.
      await page.getByTestId('previous-return').waitFor();
      await approve();
      expect(await poll(() => text(page, 'current-stage'), (v) => v !== stage)).not.toBe(stage);
    }

    await openFromInbox('demo.performance');
    expect(await text(page, 'current-stage')).toBe('绩效管理科复核');
    const benefitRow = page.locator(`[data-testid="score-row"][data-item="indicators[${benefitId}]"]`);
    await benefitRow.getByTestId('set-reviewer-score').click();
    await page.getByTestId('reviewer-score-input').fill('35');
    await page.getByTestId('reviewer-score-reason').fill('统计年报显示门诊人次为46000');
    await page.getByTestId('score-dialog-ok').click();
    // Above the weight: the API refuses, and the dialog shows its code and message as they came.
    const refusal = page.getByTestId('score-dialog').getByTestId('api-refusal');
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-code')).toBe('REVIEWER_SCORE_ABOVE_WEIGHT');
    expect(await refusal.textContent()).toContain('超过该项分值30');
    await page.getByTestId('reviewer-score-input').fill('27.60');
    await page.getByTestId('score-dialog-ok').click();
    await page.getByTestId('score-dialog').waitFor({ state: 'detached' });
    expect(await benefitRow.getByTestId('reviewer-score').textContent()).toBe('27.60');
    expect(await benefitRow.getByTestId('self-score').textContent()).toBe('—');
    expect(await benefitRow.getByTestId('computed-score').textContent()).toBe('28.80');
    expect(await text(page, 'reviewer-total')).toContain('97.10');
    await settle(page);
    await screenshot(page, 'review-05-review-page-scores', { fullPage: true });

    // Meanwhile the same officer, in another window, scores the budget: this screen is now stale.
    const current = await as['demo.performance']!.request('GET', `/reports/${reportId}`);
    const other = await as['demo.performance']!.request('PUT', `/reports/${reportId}/reviewer-scores`, {
      body: { stageId: 'performance_review', path: 'budget', score: '9.50', reason: '与决算一致' },
      headers: { 'if-match': `"${current.body.revision}"` },
    });
    expect(other.status).toBe(200);
    await page.getByTestId('approve').click();
    await page.getByTestId('approve-dialog-ok').click();
    await page.getByTestId('review-stale').waitFor();
    expect(await text(page, 'review-stale')).toContain('此报告已被修改');
    expect((await as['demo.performance']!.request('GET', `/reports/${reportId}`)).body.status).toBe('submitted');
    await page.getByTestId('review-reload').click();
    await page.getByTestId('review-stale').waitFor({ state: 'detached' });
    await approve('复核通过');
    expect(await poll(() => text(page, 'report-status'), (v) => v === '已通过')).toBe('已通过');
    await page.getByTestId('publish').click();
    await page.getByTestId('publish-dialog-ok').click();
    expect(await poll(() => text(page, 'report-status'), (v) => v === '已公开')).toBe('已公开');
    const published = await as['demo.auditor']!.request('GET', `/reports/${reportId}`);
    expect(published.body).toMatchObject({ status: 'published', reviewerTotal: { total: '97.10', reviewed: 2 } });
    expect(published.body.review.approvedStageOf).toEqual({
      'demo-user-leader': 'unit_signoff',
      'demo-user-dept-health': 'department_review',
      'demo-user-finance': 'finance_review',
      'demo-user-performance': 'performance_review',
    });
  }, 240_000);

  it('the auditor sees what the unit changed between the return and the resubmission', async () => {
    await logOut(page);
    await logIn(page, api.baseUrl, 'demo.auditor');
    await page.goto(`${api.baseUrl}/app/reports/${reportId}/history`);
    await page.getByTestId('history-timeline').waitFor();
    await page.getByTestId('diff-after-return').click();
    const diff = page.getByTestId('diff-table');
    const shown = await poll(async () => (await diff.textContent()) ?? '', (v) => v.includes('48000'), 10_000);
    expect(shown).toContain('45000');
    expect(shown).toContain('48000');
    const to = Number(new URL(page.url()).searchParams.get('to'));
    expect(Number(new URL(page.url()).searchParams.get('from'))).toBe(returnedRevision);
    await diff.locator('.ant-spin-spinning').waitFor({ state: 'detached' });
    await settle(page);
    await screenshot(page, 'review-06-audit-diff-after-return');
    // The resubmission: its submission event and the first stage it entered.
    const history = await as['demo.auditor']!.request('GET', `/reports/${reportId}/history?pageSize=200`);
    const resubmitted = history.body.items.find((e: { type: string; revision: number }) => e.type === 'ReportSubmitted' && e.revision > returnedRevision);
    expect(history.body.items.find((e: { revision: number }) => e.revision === to).type).toBe('ReviewStageEntered');
    expect(to).toBe(resubmitted.revision + 1);
    const api_diff = await as['demo.auditor']!.request('GET', `/reports/${reportId}/diff?from=${returnedRevision}&to=${to}`);
    const reportChanges = (api_diff.body.changes as Array<{ path: string }>).filter((c) => c.path.startsWith('report.')).map((c) => c.path);
    expect(reportChanges).toEqual([`report.indicators[${benefitId}].actual`, `report.indicators[${benefitId}].explanation`]);
    expect(await diff.locator('tbody tr').count()).toBe(api_diff.body.changes.length);

    // The auditor reads the review page too, and may act on nothing.
    await page.goto(`${api.baseUrl}/app/reports/${reportId}`);
    await page.getByTestId('approve-blocked').waitFor();
    expect(await page.getByTestId('approve').count()).toBe(0);
  }, 120_000);

  it('the campaign dashboard shows progress by stage, on time vs late, grades and the score histogram; a deadline is extended', async () => {
    await logOut(page);
    await logIn(page, api.baseUrl, 'demo.performance');
    // The insurance centre starts its own report meanwhile (a draft, through the API).
    const filler2 = await api.as('demo.filler2');
    await createReportViaApi(filler2, { unit: insuranceCentre.name, year: 2025, projectName: '医保经办服务项目', projectCode: 'P-INS-2025' });
    await page.goto(`${api.baseUrl}/app/campaigns`);
    await page.getByTestId('campaign-link').first().click();
    await page.getByTestId('campaign-dashboard').waitFor();
    expect(await poll(async () => {
      await page.getByTestId('campaign-refresh').click();
      return (await page.getByTestId('stat-reports').textContent()) ?? '';
    }, (v) => v.includes('2'))).toContain('2');
    expect(await page.getByTestId('stat-not-started').textContent()).toContain('0');
    expect(await page.getByTestId('stat-published').textContent()).toContain('1');
    expect(await page.getByTestId('stat-on-time').textContent()).toContain('1');
    expect(await page.getByTestId('stat-pending').textContent()).toContain('1');
    expect(await page.getByTestId('stat-late').textContent()).toContain('0');
    for (const chart of ['chart-stages', 'chart-timeliness', 'chart-grades', 'chart-histogram']) {
      expect(await poll(() => page.getByTestId(chart).locator('canvas').count(), (n) => n >= 1)).toBeGreaterThanOrEqual(1);
    }
    const progress = await as['demo.performance']!.request('GET', `/campaigns/${campaignId}/progress`);
    expect(progress.body.totals).toMatchObject({ grades: { 优: 1 }, reportsByState: { published: 1, draft: 1 } });
    expect(progress.body.totals.scoreHistogram[9].reports).toBe(1);
    await settle(page);
    await screenshot(page, 'review-07-campaign-dashboard', { fullPage: true });

    await page.getByTestId('extend-deadline').click();
    await chooseOption(page, page.getByTestId('extend-dialog').locator('.ant-select'), insuranceCentre.name);
    await pickDate(page, page.getByTestId('extend-dialog').locator('.ant-picker input'), '2026-06-15');
    await page.getByTestId('extend-reason').fill('信息系统升级，申请延期');
    await page.getByTestId('extend-dialog-ok').click();
    const deadline = page.locator(`[data-testid="unit-deadline"][data-unit="${insuranceCentre.organisationId}"]`);
    expect(await poll(async () => (await deadline.textContent()) ?? '', (v) => v.includes('2026-06-15'))).toContain('已延期');
    expect(await page.getByTestId('campaign-extensions').textContent()).toContain('信息系统升级，申请延期');
    const campaign = await as['demo.performance']!.request('GET', `/campaigns/${campaignId}`);
    expect(campaign.body.unitDeadlines).toEqual({ [insuranceCentre.organisationId]: '2026-06-15' });
  }, 120_000);

  it('long operations show their progress: a report exported to Excel and PDF, the workbook imported back as a new draft', async () => {
    await logOut(page);
    await logIn(page, api.baseUrl, 'demo.filler');
    await page.goto(`${api.baseUrl}/app/reports/${reportId}`);
    await page.getByTestId('report-form').waitFor();
    await watchTransfers(page);
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
    expect(xlsx.suggestedFilename()).toBe(`示范市人民医院-2025-${PROJECT}绩效自评表.xlsx`);
    exportedWorkbook = (await xlsx.path())!;
    expect((await readFile(exportedWorkbook)).subarray(0, 2).toString()).toBe('PK');

    const [pdf] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('export-pdf').click()]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    expect((await readFile((await pdf.path())!)).subarray(0, 5).toString()).toBe('%PDF-');
    // The PDF is printed on the server first: the bar said so before the bytes came.
    expect(await phasesSeen(page)).toContain('waiting');

    await page.goto(`${api.baseUrl}/app/reports`);
    await page.getByTestId('import-xlsx').waitFor();
    await watchTransfers(page);
    await page.getByTestId('import-file').setInputFiles({ name: 'export.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await readFile(exportedWorkbook) });
    await page.waitForURL((url) => /\/app\/reports\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith(reportId), { timeout: 30_000 });
    await page.getByTestId('report-form').waitFor();
    expect(await text(page, 'report-title')).toBe(PROJECT);
    expect(await text(page, 'report-status')).toBe('草稿');
    expect(await poll(() => text(page, 'score-total'), (v) => v === '98.30')).toBe('98.30');
    const phases = await phasesSeen(page);
    expect(phases.some((p: string) => p === 'sending' || p === 'waiting')).toBe(true);
  }, 150_000);

  it('renders the review page of a 50-indicator report (time logged, not asserted)', async () => {
    const { id } = await createReportViaApi(as['demo.filler']!, { unit: hospital.name, year: 2025, projectName: '五十项指标的审核页', projectCode: 'P-FIFTY-R' }, fiftyIndicators(), { initial: '1000', adjusted: '1000', executed: '950' });
    await logOut(page);
    await logIn(page, api.baseUrl, 'demo.performance');
    const rows = '[data-testid="indicator-table"] tbody tr[data-path^="indicators["]';
    const runs: number[] = [];
    for (let run = 0; run < 3; run++) {
      await page.goto(`${api.baseUrl}/app/reports/${id}`);
      await page.waitForFunction((selector) => document.querySelectorAll(selector).length === 50, rows);
      runs.push(
        await page.evaluate((reportId) => {
          const mark = performance.getEntriesByName('jx-review-rendered')[0]!;
          const fetched = performance.getEntriesByType('resource').find((entry) => new URL(entry.name).pathname === `/reports/${reportId}`) as { responseEnd: number } | undefined;
          return Math.round(mark.startTime - (fetched?.responseEnd ?? 0));
        }, id),
      );
    }
    expect(await page.locator('[data-testid="score-row"]').count()).toBe(51);
    metrics.reviewPage50 = { renderAfterFetchMs: runs, medianMs: [...runs].sort((a, b) => a - b)[1] };
    console.log(`[web] review page of a 50-indicator report: rendered ${runs.join(' / ')} ms after the report arrived (median ${[...runs].sort((a, b) => a - b)[1]} ms)`);
    await settle(page);
    await screenshot(page, 'review-08-review-page-50-indicators');
  }, 120_000);
});
