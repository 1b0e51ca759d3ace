import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ApiClient, Response, RunningApi } from '../support/api-server.js';
import { startApi } from '../support/api-server.js';
import { createScratchDatabase } from '../support/databases.js';
import { indicators, projectHeader } from './reports-api.e2e.js';

// The review workflow over real HTTP on PostgreSQL: the default chain with a return at the
// finance stage and a resubmission; a bureau's own two-stage workflow; segregation of duties,
// four-eyes, inbox, reviewer scores, publishing, and the diff of what the unit changed.

describe('review workflow end to end on postgres', () => {
  let api: RunningApi;
  let drop: () => Promise<void>;
  const as: Record<string, ApiClient> = {};

  beforeAll(async () => {
    const db = await createScratchDatabase('jx_review');
    drop = db.drop;
    api = await startApi(db.url);
    for (const user of ['demo.filler', 'demo.leader', 'demo.reviewer.health', 'demo.reviewer.medsec', 'demo.finance', 'demo.performance', 'demo.auditor', 'demo.admin']) {
      as[user] = await api.as(user);
    }
  });
  afterAll(async () => {
    await api?.close();
    await drop?.();
  });

  const etagOf = (response: Response) => response.headers.get('etag')!;
  const revisionOf = (response: Response) => Number(etagOf(response).replace(/"/g, ''));

  async function draftReadyToSubmit(): Promise<{ id: string; etag: string }> {
    const filler = as['demo.filler']!;
    const created = await filler.request('POST', '/reports', { body: { kind: 'project', header: projectHeader } });
    expect(created.status).toBe(201);
    let etag = etagOf(created);
    const id = created.body.id as string;
    const steps: Array<[string, string, unknown]> = [
      ['PUT', '/budget/total', { initial: '100.00', adjusted: '100.00', executed: '95.00' }],
      ['PUT', '/budget/fiscal', { initial: '100.00', adjusted: '100.00', executed: '95.00' }],
      ...indicators.map((i): [string, string, unknown] => ['POST', '/indicators', i]),
    ];
    for (const [method, path, body] of steps) {
      const response = await filler.request(method, `/reports/${id}${path}`, { body, headers: { 'if-match': etag } });
      expect([response.status, response.body?.code]).toEqual([200, undefined]);
      etag = etagOf(response);
    }
    return { id, etag };
  }

  async function act(user: string, id: string, path: string, body: unknown, etag: string, headers: Record<string, string> = {}) {
    return as[user]!.request(path === '/reviewer-scores' ? 'PUT' : 'POST', `/reports/${id}${path}`, { body, headers: { 'if-match': etag, ...headers } });
  }

  /** The inbox read model follows the store: wait until it shows what the test expects. */
  async function inboxOf(user: string, until: (ids: string[]) => boolean) {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const inbox = await as[user]!.request('GET', '/inbox');
      expect(inbox.status).toBe(200);
      const ids = (inbox.body.items as Array<{ reportId: string }>).map((i) => i.reportId);
      if (until(ids) || Date.now() > deadline) return inbox.body;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('takes a report through the default chain, with a return at the finance stage and a resubmission', async () => {
    const { id, etag: draftEtag } = await draftReadyToSubmit();
    const submitted = await as['demo.filler']!.request('POST', `/reports/${id}/submit`, { body: {}, headers: { 'if-match': draftEtag } });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', review: { stageIndex: 0, cycle: 1, workflow: { id: 'default', version: 0 } } });
    let etag = etagOf(submitted);

    // Unit sign-off: the filler cannot approve their own report; the unit leader can, from the inbox.
    const byFiller = await act('demo.filler', id, '/approve', { stageId: 'unit_signoff' }, etag);
    expect([byFiller.status, byFiller.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED_AT_STAGE']);
    const leaderInbox = await inboxOf('demo.leader', (ids) => ids.includes(id));
    const item = leaderInbox.items.find((i: { reportId: string }) => i.reportId === id);
    expect(item).toMatchObject({ stage: 'unit_signoff', review: { role: 'unit_leader', timeLimitWorkingDays: 3 }, computedTotal: expect.any(String) });
    expect(item.due).toMatchObject({ dueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), overdue: false });
    const signedOff = await act('demo.leader', id, '/approve', { stageId: 'unit_signoff', opinion: '同意报送' }, etag);
    expect([signedOff.status, signedOff.body.review.stageIndex]).toEqual([200, 1]);
    etag = etagOf(signedOff);

    // After the first review action the filler can no longer withdraw.
    const withdraw = await as['demo.filler']!.request('POST', `/reports/${id}/withdraw`, { body: {}, headers: { 'if-match': etag } });
    expect([withdraw.status, withdraw.body.code]).toEqual([422, 'REPORT_ALREADY_REVIEWED']);

    // Department review: a reviewer of another department does not even see the report.
    const outsider = await act('demo.reviewer.medsec', id, '/approve', { stageId: 'department_review' }, etag);
    expect(outsider.status).toBe(404);
    const stale = await act('demo.reviewer.health', id, '/approve', { stageId: 'department_review' }, '"1"');
    expect([stale.status, stale.body.code]).toEqual([412, 'REVISION_CONFLICT']);
    const department = await act('demo.reviewer.health', id, '/approve', { stageId: 'department_review' }, etag, { 'idempotency-key': `dept-${id}` });
    expect([department.status, department.body.review.stageIndex]).toEqual([200, 2]);
    const replay = await act('demo.reviewer.health', id, '/approve', { stageId: 'department_review' }, etag, { 'idempotency-key': `dept-${id}` });
    expect([replay.status, replay.headers.get('idempotent-replayed'), etagOf(replay)]).toEqual([200, 'true', etagOf(department)]);
    etag = etagOf(department);

    // Finance review returns the report with an opinion on one indicator.
    const wrongStage = await act('demo.finance', id, '/return', { stageId: 'department_review', opinion: '请修改' }, etag);
    expect([wrongStage.status, wrongStage.body.code]).toEqual([409, 'STAGE_MISMATCH']);
    const opinions = [{ path: 'indicators[out-1]', text: '购置数量与验收单不符，请核实' }];
    const returned = await act('demo.finance', id, '/return', { stageId: 'finance_review', opinion: '请核实设备数量后重新报送', opinions }, etag);
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'draft', lastReturn: { stage: 'finance_review', opinions, to: 'draft', by: { role: 'finance_reviewer' } } });
    const returnedRevision = revisionOf(returned);
    etag = etagOf(returned);

    // The unit fixes exactly one indicator's actual and explanation, and resubmits.
    const filler = as['demo.filler']!;
    const fixed = await filler.request('PATCH', `/reports/${id}/indicators/out-1`, { body: { actual: '19', explanation: '1台设备延期到货，已于次年1月验收' }, headers: { 'if-match': etag } });
    expect(fixed.status).toBe(200);
    const resubmitted = await filler.request('POST', `/reports/${id}/submit`, { body: {}, headers: { 'if-match': etagOf(fixed) } });
    expect(resubmitted.body).toMatchObject({ status: 'submitted', review: { stageIndex: 0, cycle: 2 } });
    const diff = await as['demo.auditor']!.request('GET', `/reports/${id}/diff?from=${returnedRevision}&to=${revisionOf(resubmitted)}`);
    expect(diff.status).toBe(200);
    const reportChanges = (diff.body.changes as Array<{ path: string; before: unknown; after: unknown }>).filter((c) => c.path.startsWith('report.'));
    expect(reportChanges.map((c) => [c.path, c.before, c.after])).toEqual([
      ['report.indicators[out-1].actual', '20', '19'],
      ['report.indicators[out-1].explanation', null, '1台设备延期到货，已于次年1月验收'],
    ]);
    expect(diff.body.changes.map((c: { path: string }) => c.path).filter((p: string) => !p.startsWith('report.'))).toEqual(['status', 'stage']);
    etag = etagOf(resubmitted);

    // The chain restarts; the same people approve their own stages again.
    for (const [user, stageId] of [
      ['demo.leader', 'unit_signoff'],
      ['demo.reviewer.health', 'department_review'],
      ['demo.finance', 'finance_review'],
    ] as const) {
      const approved = await act(user, id, '/approve', { stageId }, etag);
      expect([approved.status, approved.body.code]).toEqual([200, undefined]);
      etag = etagOf(approved);
    }

    // Performance review: the finance reviewer may not act here; the officer scores and approves.
    const financeAgain = await act('demo.finance', id, '/approve', { stageId: 'performance_review' }, etag);
    expect([financeAgain.status, financeAgain.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED_AT_STAGE']);
    const tooHigh = await act('demo.performance', id, '/reviewer-scores', { stageId: 'performance_review', path: 'indicators[out-1]', score: '55', reason: 'x' }, etag);
    expect([tooHigh.status, tooHigh.body.code, tooHigh.body.errors?.[0]?.path ?? tooHigh.body.path]).toEqual([422, 'REVIEWER_SCORE_ABOVE_WEIGHT', 'score']);
    const scored = await act('demo.performance', id, '/reviewer-scores', { stageId: 'performance_review', path: 'indicators[out-1]', score: '45.00', reason: '验收单显示19台，按比例核减' }, etag);
    expect(scored.status).toBe(200);
    expect(scored.body.review.reviewerScores['indicators[out-1]']).toMatchObject({ score: '45.00', reason: '验收单显示19台，按比例核减' });
    expect(scored.body.reviewerTotal).toMatchObject({ reviewed: 1, total: expect.any(String) });
    expect(scored.body.reviewerTotal.total).not.toBe(scored.body.score.total);
    const final = await act('demo.performance', id, '/approve', { stageId: 'performance_review' }, etagOf(scored));
    expect(final.body.status).toBe('approved');
    const published = await act('demo.performance', id, '/publish', {}, etagOf(final));
    expect(published.body.status).toBe('published');

    // The trail names every step, opinions and the reviewer score included; the chain verifies.
    const history = await as['demo.auditor']!.request('GET', `/reports/${id}/history?pageSize=100`);
    const types = (history.body.items as Array<{ type: string }>).map((e) => e.type);
    expect(types.filter((t) => t.startsWith('Review') || t.startsWith('Report'))).toEqual(
      expect.arrayContaining(['ReportSubmitted', 'ReviewStageEntered', 'ReviewApproved', 'ReportReturned', 'ReviewerScoreSet', 'ReportApproved', 'ReportPublished']),
    );
    const returnEntry = history.body.items.find((e: { type: string }) => e.type === 'ReportReturned');
    expect(returnEntry.reason ?? JSON.stringify(returnEntry)).toContain('请核实设备数量后重新报送');
    const verified = await as['demo.auditor']!.request('GET', `/reports/${id}/verify`);
    expect(verified.body.ok).toBe(true);
  });

  it('runs a report through a bureau’s own two-stage workflow, resuming at the returning stage', async () => {
    const admin = as['demo.admin']!;
    const definition = {
      stages: [
        { id: 'check', name: { 'zh-CN': '主管部门审核', en: 'department check' }, role: 'department_reviewer', timeLimitWorkingDays: 5 },
        { id: 'final', name: { 'zh-CN': '财政绩效复核', en: 'final review' }, role: 'performance_officer', mayScore: true, timeLimitWorkingDays: 10 },
      ],
      resubmission: 'resume',
    };
    const byFinance = await as['demo.finance']!.request('PUT', '/workflows/current', { body: definition });
    expect([byFinance.status, byFinance.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    const invalid = await admin.request('PUT', '/workflows/current', { body: { stages: [definition.stages[0], definition.stages[0]] } });
    expect([invalid.status, invalid.body.code]).toEqual([400, 'COMMAND_INVALID']);
    const defined = await admin.request('PUT', '/workflows/current', { body: definition });
    expect(defined.status).toBe(200);
    expect(defined.body).toMatchObject({ version: 1, resubmission: 'resume', stages: [{ id: 'check' }, { id: 'final' }] });

    const { id, etag } = await draftReadyToSubmit();
    const submitted = await as['demo.filler']!.request('POST', `/reports/${id}/submit`, { body: {}, headers: { 'if-match': etag } });
    expect(submitted.body.review.workflow).toMatchObject({ version: 1, stages: [{ id: 'check' }, { id: 'final' }] });
    const checked = await act('demo.reviewer.health', id, '/approve', { stageId: 'check' }, etagOf(submitted));
    expect(checked.body.review.stageIndex).toBe(1);
    const returned = await act('demo.performance', id, '/return', { stageId: 'final', opinion: '满意度须附问卷', opinions: [{ path: 'indicators[sat-1]', text: '附问卷' }] }, etagOf(checked));
    expect(returned.body.status).toBe('draft');

    // A newer definition does not touch this report: it keeps version 1.
    const redefined = await admin.request('PUT', '/workflows/current', { body: { ...definition, resubmission: 'restart' }, headers: { 'if-match': etagOf(defined) } });
    expect(redefined.body.version).toBe(2);
    const fixed = await as['demo.filler']!.request('PATCH', `/reports/${id}/indicators/sat-1`, { body: { explanation: '问卷已附' }, headers: { 'if-match': etagOf(returned) } });
    const resubmitted = await as['demo.filler']!.request('POST', `/reports/${id}/submit`, { body: {}, headers: { 'if-match': etagOf(fixed) } });
    expect(resubmitted.body.review).toMatchObject({ stageIndex: 1, cycle: 2, workflow: { version: 1 } });
    const officerInbox = await inboxOf('demo.performance', (ids) => ids.includes(id));
    expect(officerInbox.items.find((i: { reportId: string }) => i.reportId === id)).toMatchObject({ stage: 'final' });
    const approved = await act('demo.performance', id, '/approve', { stageId: 'final' }, etagOf(resubmitted));
    expect(approved.body.status).toBe('approved');
    const reopened = await act('demo.performance', id, '/reopen', { reason: '审计发现执行数有误' }, etagOf(approved));
    expect(reopened.body.status).toBe('draft');
  });

  it('counts reports per stage for dashboards, and refuses a malformed inbox query', async () => {
    const counts = await as['demo.performance']!.request('GET', '/inbox/counts');
    expect(counts.status).toBe(200);
    expect(Array.isArray(counts.body.stages)).toBe(true);
    const garbage = await as['demo.leader']!.request('GET', '/inbox?page=0');
    expect([garbage.status, garbage.body.code]).toEqual([400, 'QUERY_INVALID']);
  });
});
