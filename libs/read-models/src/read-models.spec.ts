import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  defaultWorkflow,
  evolveAll,
  getRuleProfile,
  parseStoredReportEvent,
  reportEventSchemas,
  runChecks,
  scoreReport,
  summariseChecks,
  toReportView,
  toScoreView,
  type ReportAggregate,
} from '#domain';
import { openEventStore, openSqlClient, PostgresEventStore, type Actor, type EventStore, type NewEvent, type RecordedEvent, type SqlClient } from '#eventstore';
import { applyBatch, ProjectionRunner, tableChecksum } from '#projections';
import { createScratchDatabase } from '../../../test/support/databases.js';
import { auditEntriesProjection } from './audit-entries.projection.js';
import { getReportDocument } from './queries/report-document.js';
import { listReports, type ReportList } from './queries/list-reports.js';
import { organisationTrail } from './queries/organisation-trail.js';
import { readModelProjections } from './read-model-projections.js';
import { rebuildReadModels } from './rebuild.js';
import { clearFoldCaches } from './report-fold.js';
import { reportDocumentsProjection } from './report-documents.projection.js';
import type { ReportSummary } from './report-summaries.js';
import { appendHistories, reportHistories } from './testing/report-histories.js';

const filler: Actor = { userId: 'u-1', role: 'unit_filler', organisationId: 'org-unit-1' };
const reviewer: Actor = { userId: 'u-dept', role: 'department_reviewer', organisationId: 'org-dept-1' };
const admin: Actor = { userId: 'u-admin', role: 'admin', organisationId: 'org-bureau' };

let clock = Date.parse('2025-03-10T01:00:00.000Z');

function ev(type: string, data: Record<string, unknown>, actor: Actor = filler): NewEvent {
  const at = new Date((clock += 60_000)).toISOString();
  return {
    id: randomUUID(),
    type,
    data: { at, by: actor, ...data },
    metadata: { actor, correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: at, schemaVersion: 1 },
  };
}

const indicator = (name: string, target: string, actual: string | null, weight: string) => ({
  level1: 'output',
  level2: 'quantity',
  name,
  comparator: '≥',
  target,
  unit: null,
  actual,
  weight,
  selfScore: null,
  explanation: null,
  qualitativeBand: null,
});

const OPINION = '请核对执行数, 并补充 "偏差原因"\n第二行';
const PASSWORD_HASH = 'scrypt$0123456789abcdef$not-a-real-hash-but-long-enough';

/** One report through its life, the directory entries around it, and an event of a kind the trail does not know. */
async function appendStory(store: EventStore): Promise<void> {
  clock = Date.parse('2025-03-10T01:00:00.000Z');
  await store.append(
    'organisation-org-unit-1',
    [ev('OrganisationRegistered', { organisationId: 'org-unit-1', kind: 'unit', name: '开福区医疗保障局', parentId: 'org-dept-1', regionId: 'org-bureau' }, admin)],
    'no_stream',
  );
  await store.append(
    'user-u-1',
    [ev('UserRegistered', { userId: 'u-1', username: 'filler1', displayName: '张三', role: 'unit_filler', organisationId: 'org-unit-1', regionId: 'org-bureau', passwordHash: PASSWORD_HASH }, admin)],
    'no_stream',
  );
  await store.append(
    'report-r-story',
    [
      ev('ReportCreated', {
        reportId: 'r-story',
        kind: 'project',
        organisationId: 'org-unit-1',
        profileId: 'default',
        header: { unit: '开福区医疗保障局', competentDepartment: null, implementingUnit: null, year: 2022, projectCode: '51172322T000007299749', projectName: '公费医疗保障' },
      }),
      ev('BudgetRowSet', { source: 'total', row: { initial: '5184.00', adjusted: '5184.00', executed: '5016.00', statedRate: null } }),
      ev('IndicatorAdded', { indicatorId: 'k11', position: 0, indicator: indicator('公费医疗', '500万元', '470万元', '90') }),
    ],
    'no_stream',
  );
  await store.append('report-r-story', [ev('IndicatorUpdated', { indicatorId: 'k11', changes: { actual: '474万元' } })], 2);
  await store.append('report-r-story', [ev('NarrativeSet', { field: 'conclusion', text: '项目完成情况较好' }), ev('SelfTotalSet', { value: '96.50' })], 3);
  await store.append('report-r-story', [ev('ReportSubmitted', { score: { profileId: 'default', profileVersion: 1, total: '94.48', grade: '优' } })], 5);
  await store.append('report-r-story', [ev('ReportReturned', { stage: 'department_review', opinion: OPINION }, reviewer)], 6);
  await store.append('report-r-story', [ev('IndicatorUpdated', { indicatorId: 'k11', changes: { actual: '474万元', selfScore: '85.32' } })], 7);
  await store.append('user-u-1', [ev('UserPasswordChanged', { userId: 'u-1', passwordHash: `${PASSWORD_HASH}-2` }, filler)], 0);
  await store.append('organisation-org-unit-1', [ev('OrganisationRenamed', { organisationId: 'org-unit-1', name: '长沙市开福区医疗保障局' }, admin)], 0);
  await store.append('campaign-2025', [ev('CampaignOpened', { organisationId: 'org-bureau', reason: '2025年度自评' }, admin)], 'no_stream');
}

async function expectedDocument(store: EventStore, reportId: string) {
  const events = await store.readStream(`report-${reportId}`);
  const state = evolveAll(events.map((e) => parseStoredReportEvent({ type: e.type, schemaVersion: e.metadata.schemaVersion, data: e.data }))) as ReportAggregate;
  const profile = getRuleProfile(state.content.profileId);
  const score = scoreReport(state.content, profile);
  const checks = runChecks(state.content, score, profile);
  return { ...toReportView(state), revision: events.at(-1)!.revision, score: toScoreView(score), checks, checkSummary: summariseChecks(checks), scoreError: null };
}

async function checksums(sql: SqlClient) {
  return Promise.all(readModelProjections.map(async (p) => ({ name: p.name, ...(await tableChecksum(sql, p)) })));
}

async function allSummaries(sql: SqlClient): Promise<ReportSummary[]> {
  const { rows } = await sql.query<{ doc: ReportSummary }>('SELECT doc FROM rm_report_summaries ORDER BY id');
  return rows.map((r) => r.doc);
}

describe.each(['pglite', 'postgres'] as const)('read models on %s', (kind) => {
  let store: EventStore;
  let sql: SqlClient;
  let drop = async () => {};

  beforeAll(async () => {
    let url = 'pglite://memory';
    if (kind === 'postgres') {
      const database = await createScratchDatabase('jx_read_models');
      url = database.url;
      drop = database.drop;
    }
    sql = await openSqlClient(url);
    store = kind === 'pglite' ? await PostgresEventStore.create(sql) : await openEventStore(url);
    await appendStory(store);
    // Small batches, so that reports and streams cross batch boundaries.
    await new ProjectionRunner(store, sql, readModelProjections, { batchSize: 3 }).catchUp();
  });

  afterAll(async () => {
    await store.close();
    if (kind === 'postgres') await sql.close();
    await drop();
  });

  describe('report documents', () => {
    it('hold the report as the API represents it, with the score and checks of its latest revision', async () => {
      const document = await getReportDocument(sql, 'r-story');
      expect(document).toEqual(await expectedDocument(store, 'r-story'));
      expect(document).toMatchObject({ status: 'draft', revision: 8, lastReturn: { opinion: OPINION, by: reviewer } });
      expect(await getReportDocument(sql, 'r-none')).toBeNull();
    });

    it('summarise each report for lists, with the computed total and the check counts', async () => {
      const expected = await expectedDocument(store, 'r-story');
      // No campaign asks for it (the story's campaign event is not one the domain can read).
      const list = await listReports(sql, { organisationIds: ['org-unit-1'], now: new Date('2030-01-01T00:00:00Z') });
      expect(list).toMatchObject({ total: 1, page: 1, pageSize: 20 });
      expect(list.items[0]).toEqual({
        reportId: 'r-story',
        organisationId: 'org-unit-1',
        departmentId: null,
        financeBureauId: null,
        year: 2022,
        kind: 'project',
        unitName: '开福区医疗保障局',
        competentDepartment: null,
        projectCode: '51172322T000007299749',
        projectName: '公费医疗保障',
        profileId: 'default',
        status: 'draft',
        stage: null,
        // Returned by the department: a draft again, out of review, first submitted at 09:09.
        review: null,
        returned: true,
        firstSubmittedAt: '2025-03-10T01:09:00.000Z',
        reviewerTotal: null,
        reviewerGrade: null,
        selfTotal: '96.5',
        computedTotal: expected.score.total,
        complete: expected.score.complete,
        grade: expected.score.grade,
        errors: expected.checkSummary.errors,
        warnings: expected.checkSummary.warnings,
        revision: 8,
        createdAt: '2025-03-10T01:03:00.000Z',
        updatedAt: '2025-03-10T01:11:00.000Z',
        submittedAt: null,
        overdue: false,
      });
    });
  });

  describe('audit entries', () => {
    it('name the organisation each event concerns: the report’s unit, the user’s organisation, the organisation itself', async () => {
      const { entries } = await organisationTrail(sql, { organisationIds: ['org-unit-1'] });
      expect(entries.map((e) => e.type)).toEqual([
        'OrganisationRegistered',
        'UserRegistered',
        'ReportCreated',
        'BudgetRowSet',
        'IndicatorAdded',
        'IndicatorUpdated',
        'NarrativeSet',
        'SelfTotalSet',
        'ReportSubmitted',
        'ReportReturned',
        'IndicatorUpdated',
        'UserPasswordChanged',
        'OrganisationRenamed',
      ]);
      expect(new Set(entries.map((e) => e.organisationId))).toEqual(new Set(['org-unit-1']));
      // Each entry names its event and position as the store recorded them.
      const recorded = new Map((await store.readAll({ maxCount: 10_000 })).map((e) => [e.id, e.position.toString()]));
      for (const entry of entries) expect(recorded.get(entry.eventId)).toBe(entry.position);
      const returned = entries.find((e) => e.type === 'ReportReturned')!;
      expect(returned).toMatchObject({ actor: reviewer, reason: OPINION, reportId: 'r-story', streamId: 'report-r-story', revision: 7 });
      const { entries: bureau } = await organisationTrail(sql, { organisationIds: ['org-bureau'] });
      expect(bureau.map((e) => [e.type, e.summary.en, e.reason])).toEqual([['CampaignOpened', 'event CampaignOpened', '2025年度自评']]);
    });

    it('say what changed, with the value it replaced, in Chinese and English', async () => {
      const { entries } = await organisationTrail(sql, { organisationIds: ['org-unit-1'] });
      const summaries = entries.map((e) => e.summary);
      expect(summaries).toEqual([
        { 'zh-CN': '登记组织“开福区医疗保障局”（预算单位）', en: 'registered the organisation “开福区医疗保障局” (budget unit)' },
        { 'zh-CN': '登记用户“张三”（filler1，预算单位填报人）', en: 'registered the user “张三” (filler1, unit filler)' },
        { 'zh-CN': '创建报告：开福区医疗保障局 2022年度项目支出绩效自评“公费医疗保障”', en: 'created the report: 开福区医疗保障局, 2022 project spending self-evaluation “公费医疗保障”' },
        {
          'zh-CN': '填写预算执行“总额”：年初预算 5184.00；调整后预算 5184.00；执行数 5016.00',
          en: 'filled in the total budget row: initial budget 5184.00; adjusted budget 5184.00; executed 5016.00',
        },
        { 'zh-CN': '新增指标“公费医疗”（产出指标 · 数量指标，分值 90）', en: 'added indicator “公费医疗” (output · quantity, weight 90)' },
        { 'zh-CN': '修改指标“公费医疗”的实际完成值：470万元 → 474万元', en: 'changed the actual of indicator “公费医疗”: 470万元 → 474万元' },
        { 'zh-CN': '填写评价结论（8字）', en: 'wrote the conclusion (8 characters)' },
        { 'zh-CN': '修改填报总分：（空） → 96.50', en: 'changed the stated total: (empty) → 96.50' },
        { 'zh-CN': '提交报告（总分 94.48，等级 优）', en: 'submitted the report (total 94.48, grade excellent)' },
        { 'zh-CN': '退回修改（主管部门审核）', en: 'returned the report for revision (department review)' },
        // The actual is resent unchanged: only the self score is named.
        { 'zh-CN': '修改指标“公费医疗”的自评得分：（空） → 85.32', en: 'changed the self score of indicator “公费医疗”: (empty) → 85.32' },
        { 'zh-CN': '修改用户“张三”的密码', en: 'changed the password of “张三”' },
        { 'zh-CN': '组织“开福区医疗保障局”更名为“长沙市开福区医疗保障局”', en: 'renamed the organisation “开福区医疗保障局” to “长沙市开福区医疗保障局”' },
      ]);
    });

    it('never copy a password hash', async () => {
      const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM rm_audit_entries WHERE doc::text LIKE '%scrypt$%'`);
      expect(rows[0]!.n).toBe(0);
    });

    it('page by recording time and position, between bounds', async () => {
      const { entries: all } = await organisationTrail(sql, { organisationIds: ['org-unit-1', 'org-bureau'] });
      const paged = [];
      let after;
      for (;;) {
        const page = await organisationTrail(sql, { organisationIds: ['org-unit-1', 'org-bureau'], limit: 4, ...(after && { after }) });
        paged.push(...page.entries);
        if (page.next === null) break;
        after = page.next;
      }
      expect(paged).toEqual(all);
      const [, second, third, fourth] = all;
      const between = await organisationTrail(sql, { organisationIds: ['org-unit-1', 'org-bureau'], from: second!.at, to: fourth!.at });
      expect(between.entries).toEqual([second, third]);
      // Bounds with an offset mean the same instants.
      const shifted = await organisationTrail(sql, { organisationIds: ['org-unit-1'], from: second!.at.replace('Z', '+00:00').replace('T01:', 'T09:').replace('+00:00', '+08:00') });
      expect(shifted.entries[0]).toEqual(second);
    });
  });

  describe('rebuilding', () => {
    it('gives the same tables as the live run, whatever the batch boundaries', async () => {
      const live = await checksums(sql);
      await rebuildReadModels(store, sql, { batchSize: 1000 });
      expect(await checksums(sql)).toEqual(live);
    });

    it('rebuilds each read model alone, from its own rows only', async () => {
      const live = await checksums(sql);
      for (const projection of readModelProjections) {
        clearFoldCaches();
        await rebuildReadModels(store, sql, { projections: [projection], batchSize: 2 });
      }
      expect(await checksums(sql)).toEqual(live);
    });

    it('changes nothing when a batch is applied again', async () => {
      const live = await checksums(sql);
      const events: RecordedEvent[] = await store.readAll({ maxCount: 1000 });
      clearFoldCaches();
      await sql.transaction(async (tx) => {
        for (const projection of [reportDocumentsProjection, auditEntriesProjection]) {
          await applyBatch(tx, projection, events.slice(0, 7));
          await applyBatch(tx, projection, events);
        }
      });
      expect(await checksums(sql)).toEqual(live);
    });
  });
});

describe('read models over generated histories (postgres)', () => {
  let store: EventStore;
  let sql: SqlClient;
  let drop = async () => {};
  let summaries: ReportSummary[];

  beforeAll(async () => {
    const database = await createScratchDatabase('jx_read_models_gen');
    drop = database.drop;
    sql = await openSqlClient(database.url);
    store = await openEventStore(database.url);
    await appendHistories(store, reportHistories({ events: 3000, seed: 11, units: 12, window: 8 }), { lanes: 4 });
    await new ProjectionRunner(store, sql, readModelProjections, { batchSize: 97 }).catchUp();
    summaries = await allSummaries(sql);
  });

  afterAll(async () => {
    await store.close();
    await sql.close();
    await drop();
  });

  it('keeps every document equal to the domain’s fold of its stream, and equal after a rebuild', async () => {
    expect(summaries.length).toBeGreaterThan(40);
    for (const summary of summaries.slice(0, 15)) expect(await getReportDocument(sql, summary.reportId)).toEqual(await expectedDocument(store, summary.reportId));
    const live = await checksums(sql);
    const rebuilt = await rebuildReadModels(store, sql);
    expect(rebuilt.events).toBe(3000);
    expect(rebuilt.tables).toEqual(live);
    const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM rm_audit_entries WHERE at IS NOT NULL`);
    expect(rows[0]!.n).toBe(3000);
  });

  // Long after every generated event: no campaign, and stages without an entry instant, so nothing is overdue.
  const now = new Date('2030-01-01T00:00:00Z');

  async function everything(query: Omit<Parameters<typeof listReports>[1], 'page' | 'pageSize' | 'now'>): Promise<ReportList['items']> {
    const items = [];
    for (let page = 1; ; page++) {
      const list = await listReports(sql, { ...query, page, pageSize: 7, now });
      items.push(...list.items);
      if (page * 7 >= list.total) return items;
    }
  }

  const ids = (list: ReportSummary[]) => list.map((s) => s.reportId).sort();

  it('lists only the organisations given, with each filter', async () => {
    const units = ['org-unit-1', 'org-unit-2', 'org-unit-3'];
    const visible = summaries.filter((s) => units.includes(s.organisationId));
    expect(ids(await everything({ organisationIds: units }))).toEqual(ids(visible));
    expect(await listReports(sql, { organisationIds: [], now })).toEqual({ items: [], total: 0, page: 1, pageSize: 20 });
    const year = visible[0]!.year;
    expect(ids(await everything({ organisationIds: units, year }))).toEqual(ids(visible.filter((s) => s.year === year)));
    expect(ids(await everything({ organisationIds: units, kind: 'department' }))).toEqual(ids(visible.filter((s) => s.kind === 'department')));
    expect(ids(await everything({ organisationIds: units, status: 'submitted' }))).toEqual(ids(visible.filter((s) => s.status === 'submitted')));
    const grade = summaries.find((s) => s.grade !== null)?.grade ?? '差';
    expect(ids(await everything({ organisationIds: units, grade }))).toEqual(ids(visible.filter((s) => s.grade === grade)));
    expect(ids(await everything({ organisationIds: units, unitId: 'org-unit-2' }))).toEqual(ids(visible.filter((s) => s.organisationId === 'org-unit-2')));
    expect(ids(await everything({ organisationIds: units, departmentSubtree: ['org-dept-x', 'org-unit-3'] }))).toEqual(ids(visible.filter((s) => s.organisationId === 'org-unit-3')));
    expect(await everything({ organisationIds: units, overdue: true })).toEqual([]);
    expect(ids(await everything({ organisationIds: units, overdue: false }))).toEqual(ids(visible));
    expect(await everything({ organisationIds: units, stage: 'finance_review' })).toEqual([]);
  });

  it('searches unit and project names and project codes as substrings, any case, wildcards taken literally', async () => {
    const all = summaries.map((s) => s.organisationId);
    const project = summaries.find((s) => s.projectCode !== null)!;
    const code = project.projectCode!.slice(3, 12).toLowerCase();
    expect(ids(await everything({ organisationIds: all, q: code }))).toEqual(ids(summaries.filter((s) => s.projectCode?.toLowerCase().includes(code))));
    const word = project.unitName.slice(0, 3);
    expect(ids(await everything({ organisationIds: all, q: word }))).toEqual(
      ids(summaries.filter((s) => `${s.unitName} ${s.projectName ?? ''} ${s.projectCode ?? ''}`.toLowerCase().includes(word))),
    );
    expect(await everything({ organisationIds: all, q: '%' })).toEqual([]);
    expect(await everything({ organisationIds: all, q: '_' })).toEqual([]);
  });

  it('pages and sorts', async () => {
    const all = summaries.map((s) => s.organisationId);
    const first = await listReports(sql, { organisationIds: all, pageSize: 1000, now });
    expect(first.pageSize).toBe(100);
    expect(first.total).toBe(summaries.length);
    const byTotal = await everything({ organisationIds: all, sort: '-computedTotal' });
    const totals = byTotal.map((s) => (s.computedTotal === null ? -1 : Number(s.computedTotal)));
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    const byUpdate = (await everything({ organisationIds: all })).map((s) => s.updatedAt);
    expect(byUpdate).toEqual([...byUpdate].sort().reverse());
    const page3 = await listReports(sql, { organisationIds: all, page: 3, pageSize: 5, sort: 'unit', now });
    const sorted = await everything({ organisationIds: all, sort: 'unit' });
    expect(page3.items).toEqual(sorted.slice(10, 15));
  });
});

describe('overdue reports, judged when listed (postgres)', () => {
  let store: EventStore;
  let sql: SqlClient;
  let drop = async () => {};

  // Payloads as written now (an older ReportSubmitted would be read as going through the default workflow).
  const schemaVersionOf = (type: string) => (reportEventSchemas as Record<string, { version: number }>)[type]?.version ?? 1;
  const bureau: Actor = { userId: 'u-perf', role: 'performance_officer', organisationId: 'org-bureau' };
  const units = ['org-u-a', 'org-u-b', 'org-u-c', 'org-u-d'];
  const fillerOf = (unit: string): Actor => ({ userId: `u-filler-${unit}`, role: 'unit_filler', organisationId: unit });
  const leader: Actor = { userId: 'u-leader', role: 'unit_leader', organisationId: 'org-u-a' };

  function event(type: string, at: string, by: Actor, data: Record<string, unknown>): NewEvent {
    const instant = new Date(at).toISOString();
    return {
      id: randomUUID(),
      type,
      data: { at: instant, by, ...data },
      metadata: { actor: by, correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: instant, schemaVersion: schemaVersionOf(type) },
    };
  }

  const noLimit = { ...defaultWorkflow, id: 'no-limits', stages: defaultWorkflow.stages.map((s) => ({ ...s, timeLimitWorkingDays: null })) };
  type Step = [type: string, at: string, data?: Record<string, unknown>, by?: Actor];
  const created = (at: string, unit: string, kind: 'project' | 'department', year: number): Step => [
    'ReportCreated',
    at,
    { kind, organisationId: unit, profileId: 'default', header: { unit: `单位${unit}`, competentDepartment: null, implementingUnit: null, year, projectCode: null, projectName: kind === 'project' ? '公共卫生服务' : null } },
  ];
  const submitted = (at: string, workflow = defaultWorkflow): Step => ['ReportSubmitted', at, { score: { profileId: 'default', profileVersion: 1, total: '90.00', grade: '优' }, workflow }];
  const entered = (at: string, workflow = defaultWorkflow): Step => {
    const stage = workflow.stages[0]!;
    return ['ReviewStageEntered', at, { stageId: stage.id, stageIndex: 0, role: stage.role, approvalsRequired: 1, timeLimitWorkingDays: stage.timeLimitWorkingDays, cycle: 1 }, leader];
  };

  async function report(reportId: string, unit: string, steps: Step[]): Promise<void> {
    const events = steps.map(([type, at, data = {}, by = fillerOf(unit)]) => event(type, at, by, type === 'ReportCreated' ? { reportId, ...data } : data));
    await store.append(`report-${reportId}`, events, 'no_stream');
  }

  beforeAll(async () => {
    const database = await createScratchDatabase('jx_overdue');
    drop = database.drop;
    sql = await openSqlClient(database.url);
    store = await openEventStore(database.url);

    // Project reports of 2025 from units a, b, c, due 2026-04-30; unit b has until 2026-05-20.
    await store.append(
      'campaign-c-2025',
      [
        event('CampaignOpened', '2026-03-01T09:00:00+08:00', bureau, {
          campaignId: 'c-2025',
          financeBureauId: 'org-bureau',
          year: 2025,
          name: '2025年度项目支出绩效自评',
          kind: 'project',
          unitIds: ['org-u-a', 'org-u-b', 'org-u-c'],
          submissionDeadline: '2026-04-30',
          reminderOffsets: null,
          stageTimeLimits: null,
        }),
        event('CampaignDeadlineExtended', '2026-04-29T09:00:00+08:00', bureau, { campaignId: 'c-2025', unitId: 'org-u-b', deadline: '2026-05-20', reason: '财务系统升级' }),
      ],
      'no_stream',
    );
    // Reports of any kind from unit c, due 2026-06-30, then extended for everyone to 2026-07-15.
    await store.append(
      'campaign-c-any',
      [
        event('CampaignOpened', '2026-03-01T09:00:00+08:00', bureau, {
          campaignId: 'c-any',
          financeBureauId: 'org-bureau',
          year: 2025,
          name: '2025年度部门整体支出绩效自评',
          kind: null,
          unitIds: ['org-u-c'],
          submissionDeadline: '2026-06-30',
          reminderOffsets: null,
          stageTimeLimits: null,
        }),
      ],
      'no_stream',
    );

    await report('draft-a', 'org-u-a', [created('2026-03-10T09:00:00+08:00', 'org-u-a', 'project', 2025)]);
    await report('returned-a', 'org-u-a', [
      created('2026-03-10T09:00:00+08:00', 'org-u-a', 'project', 2025),
      submitted('2026-04-20T10:00:00+08:00'),
      entered('2026-04-20T10:00:00+08:00'),
      ['ReportReturned', '2026-04-21T10:00:00+08:00', { stage: 'unit_signoff', opinion: '请补充佐证材料', opinions: [], to: 'draft' }, leader],
    ]);
    await report('draft-b', 'org-u-b', [created('2026-03-10T09:00:00+08:00', 'org-u-b', 'project', 2025)]);
    await report('department-c', 'org-u-c', [created('2026-03-10T09:00:00+08:00', 'org-u-c', 'department', 2025)]);
    await report('draft-a-2024', 'org-u-a', [created('2026-03-10T09:00:00+08:00', 'org-u-a', 'project', 2024)]);
    await report('draft-d', 'org-u-d', [created('2026-03-10T09:00:00+08:00', 'org-u-d', 'project', 2025)]);
    // Unit sign-off has 3 working days from Tuesday 2026-04-28: Wed, Thu, then (after the May Day holidays) Wednesday 2026-05-06.
    await report('review-a', 'org-u-a', [created('2026-03-10T09:00:00+08:00', 'org-u-a', 'project', 2025), submitted('2026-04-28T10:00:00+08:00'), entered('2026-04-28T10:00:00+08:00')]);
    await report('review-unlimited-a', 'org-u-a', [
      created('2026-03-10T09:00:00+08:00', 'org-u-a', 'project', 2025),
      submitted('2026-04-28T10:00:00+08:00', noLimit),
      entered('2026-04-28T10:00:00+08:00', noLimit),
    ]);
    await report('approved-a', 'org-u-a', [
      created('2026-03-10T09:00:00+08:00', 'org-u-a', 'project', 2025),
      submitted('2026-04-01T10:00:00+08:00'),
      entered('2026-04-01T10:00:00+08:00'),
      ['ReportApproved', '2026-04-02T10:00:00+08:00', {}, leader],
    ]);
    await new ProjectionRunner(store, sql, readModelProjections, { batchSize: 5 }).catchUp();
  });

  afterAll(async () => {
    await store.close();
    await sql.close();
    await drop();
  });

  const sorted = (items: ReportSummary[]) => items.map((i) => i.reportId).sort();

  /** What is overdue at an instant: the items' flags, which the overdue filter must agree with. */
  async function overdueAt(instant: string): Promise<string[]> {
    const now = new Date(instant);
    const all = await listReports(sql, { organisationIds: units, pageSize: 100, now });
    expect(all.total).toBe(9);
    const flagged = sorted(all.items.filter((i) => i.overdue));
    const only = await listReports(sql, { organisationIds: units, pageSize: 100, overdue: true, now });
    const others = await listReports(sql, { organisationIds: units, pageSize: 100, overdue: false, now });
    expect([sorted(only.items), only.total]).toEqual([flagged, flagged.length]);
    expect(sorted(others.items)).toEqual(sorted(all.items.filter((i) => !i.overdue)));
    expect(only.items.every((i) => i.overdue) && others.items.every((i) => !i.overdue)).toBe(true);
    return flagged;
  }

  it('stores the due instant of the current stage, counted in working days over the holidays', async () => {
    const { items } = await listReports(sql, { organisationIds: ['org-u-a'], status: 'submitted', pageSize: 100, now: new Date() });
    const review = (id: string) => items.find((i) => i.reportId === id)!.review;
    expect(review('review-a')).toMatchObject({ enteredAt: '2026-04-28T02:00:00.000Z', timeLimitWorkingDays: 3, dueAt: '2026-05-06T15:59:59.999Z' });
    expect(review('review-unlimited-a')).toMatchObject({ timeLimitWorkingDays: null, dueAt: null });
  });

  it('marks nothing before any deadline', async () => {
    expect(await overdueAt('2026-04-30T23:59:59.999+08:00')).toEqual([]);
  });

  it('marks drafts once their unit’s campaign deadline day is over, and reports in review once their stage’s due day is', async () => {
    // The campaign's deadline is over for unit a (a draft and a returned draft), not for unit b.
    expect(await overdueAt('2026-05-01T00:00:00+08:00')).toEqual(['draft-a', 'returned-a']);
    expect(await overdueAt('2026-05-06T23:59:59.999+08:00')).toEqual(['draft-a', 'returned-a']);
    expect(await overdueAt('2026-05-07T00:00:00+08:00')).toEqual(['draft-a', 'returned-a', 'review-a']);
    // Unit b's extension is over.
    expect(await overdueAt('2026-05-21T00:00:00+08:00')).toEqual(['draft-a', 'draft-b', 'returned-a', 'review-a']);
    // The department report of unit c is asked for by the campaign of any kind only.
    expect(await overdueAt('2026-07-01T00:00:00+08:00')).toEqual(['department-c', 'draft-a', 'draft-b', 'returned-a', 'review-a']);
  });

  it('follows an extension of the whole campaign without any report event', async () => {
    const revision = (await store.streamRevision('campaign-c-any'))!;
    await store.append(
      'campaign-c-any',
      [event('CampaignDeadlineExtended', '2026-06-30T18:00:00+08:00', bureau, { campaignId: 'c-any', unitId: null, deadline: '2026-07-15', reason: '统一延期' })],
      revision,
    );
    await new ProjectionRunner(store, sql, readModelProjections).catchUp();
    expect(await overdueAt('2026-07-01T00:00:00+08:00')).toEqual(['draft-a', 'draft-b', 'returned-a', 'review-a']);
    expect(await overdueAt('2026-07-16T00:00:00+08:00')).toEqual(['department-c', 'draft-a', 'draft-b', 'returned-a', 'review-a']);
  });

  it('combines with the other filters', async () => {
    const now = new Date('2026-05-21T00:00:00+08:00');
    expect(sorted((await listReports(sql, { organisationIds: units, overdue: true, status: 'draft', now })).items)).toEqual(['draft-a', 'draft-b', 'returned-a']);
    expect(sorted((await listReports(sql, { organisationIds: units, overdue: true, unitId: 'org-u-b', now })).items)).toEqual(['draft-b']);
    expect(sorted((await listReports(sql, { organisationIds: units, overdue: false, year: 2024, now })).items)).toEqual(['draft-a-2024']);
    expect((await listReports(sql, { organisationIds: ['org-u-d'], overdue: true, now })).total).toBe(0);
  });
});
