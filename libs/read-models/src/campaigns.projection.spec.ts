import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  campaignEventSchemas,
  deadlineOf,
  decide,
  decideCampaign,
  evolve,
  evolveCampaign,
  initialState,
  parseCampaignCommand,
  parseReportCommand,
  parseStoredCampaignEvent,
  reportEventSchemas,
  type CampaignCommandInput,
  type CampaignState,
  type ReportCommandInput,
  type ReportState,
} from '#domain';
import { openEventStore, openSqlClient, PostgresEventStore, type Actor, type EventStore, type SqlClient } from '#eventstore';
import { applyBatch, ProjectionRunner, tableChecksum } from '#projections';
import { createScratchDatabase } from '../../../test/support/databases.js';
import { campaignUnitsProjection } from './campaign-units.projection.js';
import { campaignsProjection, type CampaignRow } from './campaigns.projection.js';
import { campaignProgress, findCampaign, listCampaigns, type CampaignProgress } from './queries/campaign-progress.js';
import { listReports } from './queries/list-reports.js';
import { readModelProjections } from './read-model-projections.js';
import { clearFoldCaches } from './report-fold.js';

const BUREAU = 'org-bureau';
const DEPT = 'org-dept';
const officer: Actor = { userId: 'u-perf', role: 'performance_officer', organisationId: BUREAU };
const people = (unit: string) => ({
  filler: { userId: `u-filler-${unit}`, role: 'unit_filler', organisationId: unit },
  leader: { userId: `u-leader-${unit}`, role: 'unit_leader', organisationId: unit },
  department: { userId: 'u-dept', role: 'department_reviewer', organisationId: DEPT },
  finance: { userId: 'u-finance', role: 'finance_reviewer', organisationId: BUREAU },
  performance: { userId: 'u-perf-2', role: 'performance_officer', organisationId: BUREAU },
});

/** Instants in Asia/Shanghai, as people there read them. */
const shanghai = (local: string) => `${local}+08:00`;

async function appendCampaign(store: EventStore, campaignId: string, steps: Array<[CampaignCommandInput['type'], object, string, Actor?]>, units: readonly string[], region = BUREAU) {
  let state: CampaignState = { status: 'none' };
  let revision: number | 'no_stream' = 'no_stream';
  for (const [type, data, at, actor = officer] of steps) {
    const command = parseCampaignCommand({ type, data: type === 'OpenCampaign' ? { campaignId, ...data } : data, metadata: { at: shanghai(at), actor } });
    const events = decideCampaign(command, state, { actorRegionId: region, isUnitOfRegion: (id) => units.includes(id) });
    const result = await store.append(
      `campaign-${campaignId}`,
      events.map((event) => ({
        id: randomUUID(),
        type: event.type,
        data: event.data,
        metadata: { actor, correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: event.data.at, schemaVersion: campaignEventSchemas[event.type].version },
      })),
      revision,
    );
    revision = result.nextExpectedRevision;
    state = events.reduce(evolveCampaign, state);
  }
}

const indicators = (outputActual: string) => [
  { indicatorId: 'out-1', indicator: { level1: 'output', level2: 'quantity', name: '购置设备数量', comparator: '≥', target: '20', unit: '台', actual: outputActual, weight: '50', explanation: '部分设备延期到货' } },
  { indicatorId: 'ben-1', indicator: { level1: 'benefit', level2: 'social-benefit', name: '门诊检查能力提升', comparator: '≥', target: '95%', unit: '%', actual: '96%', weight: '30' } },
  { indicatorId: 'sat-1', indicator: { level1: 'satisfaction', level2: 'service-satisfaction', name: '患者满意度', comparator: '≥', target: '90%', unit: '%', actual: '93%', weight: '10' } },
];

type Step = [type: ReportCommandInput['type'], data: object, at: string, who: keyof ReturnType<typeof people>];

/** A report through the real decider: every event is one the API could have appended. */
async function appendReport(store: EventStore, reportId: string, unit: string, year: number, steps: Step[], outputActual = '20') {
  const who = people(unit);
  const filling: Step[] = [
    ['CreateReport', { reportId, kind: 'project', header: { unit: `单位${unit}`, year, projectCode: `P-${reportId}`, projectName: `项目${reportId}` } }, '2026-03-01T09:00:00', 'filler'],
    ['SetBudgetRow', { source: 'total', row: { initial: '100.00', adjusted: '100.00', executed: '95.00' } }, '2026-03-01T09:01:00', 'filler'],
    ['SetBudgetRow', { source: 'fiscal', row: { initial: '100.00', adjusted: '100.00', executed: '95.00' } }, '2026-03-01T09:02:00', 'filler'],
    ...indicators(outputActual).map((data): Step => ['AddIndicator', data, '2026-03-01T09:03:00', 'filler']),
  ];
  let state: ReportState = initialState();
  let revision: number | 'no_stream' = 'no_stream';
  for (const [type, data, at, role] of [...filling, ...steps]) {
    const actor = who[role];
    const command = parseReportCommand({ type, data, metadata: { at: shanghai(at), actor } });
    const events = decide(command, state, { review: { organisationPath: [unit, DEPT, BUREAU] } });
    const result = await store.append(
      `report-${reportId}`,
      events.map((event) => ({
        id: randomUUID(),
        type: event.type,
        data: event.data,
        metadata: { actor, correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: event.data.at, schemaVersion: reportEventSchemas[event.type].version },
      })),
      revision,
    );
    revision = result.nextExpectedRevision;
    state = events.reduce(evolve, state);
  }
}

const submit = (at: string): Step => ['SubmitReport', {}, at, 'filler'];
const approve = (stageId: string, at: string, who: Step[3]): Step => ['ApproveReport', { stageId }, at, who];
const throughTheChain = (at: string): Step[] => [
  approve('unit_signoff', at, 'leader'),
  approve('department_review', at, 'department'),
  approve('finance_review', at, 'finance'),
  approve('performance_review', at, 'performance'),
];

const UNITS = ['u-a', 'u-b', 'u-c', 'u-d', 'u-e', 'u-f', 'u-g'];

async function appendStory(store: EventStore): Promise<void> {
  await appendCampaign(
    store,
    'c-2025',
    [
      ['OpenCampaign', { year: 2025, name: '2025年度项目支出绩效自评', unitIds: UNITS, submissionDeadline: '2026-04-30' }, '2026-02-02T09:00:00'],
      ['ExtendCampaignDeadline', { unitId: 'u-f', deadline: '2026-05-20', reason: '单位系统故障' }, '2026-04-28T10:00:00'],
    ],
    [...UNITS, 'u-x'],
  );
  // Same region, another year, and kind department only.
  await appendCampaign(store, 'c-2024-dept', [['OpenCampaign', { year: 2024, name: '2024年度部门整体支出绩效自评', kind: 'department', unitIds: ['u-a'], submissionDeadline: '2025-05-31' }, '2025-02-01T09:00:00']], UNITS);
  // Another region's campaign.
  const otherOfficer: Actor = { userId: 'u-perf-other', role: 'performance_officer', organisationId: 'org-other-bureau' };
  await appendCampaign(store, 'c-other', [['OpenCampaign', { year: 2025, name: '他市评价任务', unitIds: ['o-1'], submissionDeadline: '2026-04-30' }, '2026-02-03T09:00:00', otherOfficer]], ['o-1'], 'org-other-bureau');
  // An event the campaign schemas do not accept: the projections go on past it.
  await store.append(
    'campaign-broken',
    [{ id: randomUUID(), type: 'CampaignOpened', data: { organisationId: BUREAU, reason: 'old shape' }, metadata: { actor: officer, correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: '2026-02-01T00:00:00.000Z', schemaVersion: 1 } }],
    'no_stream',
  );

  // u-a: nothing for 2025 (a report of 2024 does not count); u-b: a draft.
  await appendReport(store, 'r-a-2024', 'u-a', 2024, []);
  await appendReport(store, 'r-b', 'u-b', 2025, []);
  // u-c: submitted in the last second of the deadline day, at the unit's sign-off.
  await appendReport(store, 'r-c', 'u-c', 2025, [submit('2026-04-30T23:59:59')]);
  // u-d: one report at the department's review, one published; the unit is as far as the first.
  await appendReport(store, 'r-d1', 'u-d', 2025, [submit('2026-04-10T10:00:00'), approve('unit_signoff', '2026-04-11T10:00:00', 'leader')]);
  await appendReport(store, 'r-d2', 'u-d', 2025, [submit('2026-04-09T10:00:00'), ...throughTheChain('2026-04-12T10:00:00'), ['PublishReport', {}, '2026-04-20T10:00:00', 'performance']], '10');
  // u-e: submitted on time, returned by the department: back to draft.
  await appendReport(store, 'r-e', 'u-e', 2025, [
    submit('2026-04-15T10:00:00'),
    approve('unit_signoff', '2026-04-16T10:00:00', 'leader'),
    ['ReturnReport', { stageId: 'department_review', opinion: '请补充偏差原因' }, '2026-04-17T10:00:00', 'department'],
  ]);
  // u-f: submitted after the campaign's deadline but before its own extended one; approved.
  await appendReport(store, 'r-f', 'u-f', 2025, [submit('2026-05-01T00:00:00'), ...throughTheChain('2026-05-02T10:00:00')]);
  // u-g: submitted one second after its deadline.
  await appendReport(store, 'r-g', 'u-g', 2025, [submit('2026-05-01T00:00:00')]);
  // A unit outside the campaign.
  await appendReport(store, 'r-x', 'u-x', 2025, [submit('2026-04-01T10:00:00')]);
}

describe.each(['pglite', 'postgres'] as const)('campaign read models on %s', (kind) => {
  let store: EventStore;
  let sql: SqlClient;
  let drop = async () => {};

  beforeAll(async () => {
    let url = 'pglite://memory';
    if (kind === 'postgres') {
      const database = await createScratchDatabase('jx_campaigns');
      url = database.url;
      drop = database.drop;
    }
    sql = await openSqlClient(url);
    store = kind === 'pglite' ? await PostgresEventStore.create(sql) : await openEventStore(url);
    await appendStory(store);
    await new ProjectionRunner(store, sql, readModelProjections, { batchSize: 4 }).catchUp();
  });

  afterAll(async () => {
    await store.close();
    if (kind === 'postgres') await sql.close();
    await drop();
  });

  const row = async (id: string) => (await findCampaign(sql, id))!;

  describe('the campaigns projection', () => {
    it('holds the domain’s fold of each campaign stream, its region, its extensions and its revision', async () => {
      const events = await store.readStream('campaign-c-2025');
      const folded = events.map((e) => parseStoredCampaignEvent(e)).reduce<CampaignState>(evolveCampaign, { status: 'none' });
      const stored = await row('c-2025');
      expect(stored.campaign).toEqual(folded);
      expect(stored).toMatchObject({
        campaignId: 'c-2025',
        financeBureauId: BUREAU,
        revision: 1,
        openedAt: '2026-02-02T01:00:00.000Z',
        updatedAt: '2026-04-28T02:00:00.000Z',
        extensions: [{ at: '2026-04-28T02:00:00.000Z', by: officer, unitId: 'u-f', deadline: '2026-05-20', reason: '单位系统故障' }],
      });
    });

    it('leaves out what the campaign schemas cannot read, and goes on', async () => {
      expect(await findCampaign(sql, 'broken')).toBeNull();
      expect((await row('c-other')).financeBureauId).toBe('org-other-bureau');
    });

    it('gives the same table when rebuilt, and when a batch is applied again', async () => {
      const live = await tableChecksum(sql, campaignsProjection);
      expect(live.rows).toBe(3);
      await new ProjectionRunner(store, sql, [campaignsProjection], { batchSize: 1 }).rebuild();
      expect(await tableChecksum(sql, campaignsProjection)).toEqual(live);
      const events = await store.readAll();
      clearFoldCaches();
      await sql.transaction(async (tx) => {
        await applyBatch(tx, campaignsProjection, events.slice(0, 3));
        await applyBatch(tx, campaignsProjection, events);
      });
      expect(await tableChecksum(sql, campaignsProjection)).toEqual(live);
    });

    it('lists a region’s campaigns only, newest year first, by year and by page', async () => {
      const ids = (list: { items: CampaignRow[] }) => list.items.map((c) => c.campaignId);
      expect(ids(await listCampaigns(sql, { financeBureauId: BUREAU }))).toEqual(['c-2025', 'c-2024-dept']);
      expect(ids(await listCampaigns(sql, { financeBureauId: BUREAU, year: 2024 }))).toEqual(['c-2024-dept']);
      expect(await listCampaigns(sql, { financeBureauId: BUREAU, page: 2, pageSize: 1 })).toMatchObject({ total: 2, page: 2, pageSize: 1, items: [{ campaignId: 'c-2024-dept' }] });
      expect(ids(await listCampaigns(sql, { financeBureauId: 'org-nowhere' }))).toEqual([]);
    });
  });

  describe('the units each campaign asks for, and overdue reports', () => {
    it('keeps a row per unit a campaign asks for, whose deadline joined with the campaign’s is the domain’s deadlineOf', async () => {
      const { rows } = await sql.query<{ campaign_id: string; unit_id: string; year: number; kind: string | null; deadline: string }>(
        `SELECT cu.campaign_id, cu.unit_id, cu.year, cu.kind, greatest(c.deadline, cu.own_deadline) AS deadline
           FROM rm_campaign_units cu JOIN rm_campaigns c ON c.id = cu.campaign_id ORDER BY cu.campaign_id, cu.unit_id`,
      );
      const expected = [];
      for (const campaignId of ['c-2024-dept', 'c-2025', 'c-other']) {
        const { campaign } = await row(campaignId);
        for (const unitId of [...campaign.unitIds].sort()) expected.push({ campaign_id: campaignId, unit_id: unitId, year: campaign.year, kind: campaign.kind, deadline: deadlineOf(campaign, unitId) });
      }
      expect(rows).toEqual(expected);
      expect(rows.find((r) => r.unit_id === 'u-f')?.deadline).toBe('2026-05-20');
    });

    it('gives the same units table when rebuilt, and when a batch is applied again', async () => {
      const live = await tableChecksum(sql, campaignUnitsProjection);
      expect(live.rows).toBe(UNITS.length + 2);
      await new ProjectionRunner(store, sql, [campaignUnitsProjection], { batchSize: 1 }).rebuild();
      expect(await tableChecksum(sql, campaignUnitsProjection)).toEqual(live);
      const events = await store.readAll();
      await sql.transaction(async (tx) => {
        await applyBatch(tx, campaignUnitsProjection, events.slice(0, 2));
        await applyBatch(tx, campaignUnitsProjection, events);
      });
      expect(await tableChecksum(sql, campaignUnitsProjection)).toEqual(live);
    });

    const overdueAt = async (local: string) => {
      const now = new Date(shanghai(local));
      const { items } = await listReports(sql, { organisationIds: [...UNITS, 'u-x'], pageSize: 100, now });
      const only = await listReports(sql, { organisationIds: [...UNITS, 'u-x'], overdue: true, pageSize: 100, now });
      const flagged = items.filter((i) => i.overdue).map((i) => i.reportId).sort();
      expect(only.items.map((i) => i.reportId).sort()).toEqual(flagged);
      return flagged;
    };

    it('lists drafts as overdue once their unit’s deadline day is over, and reports in review once their stage’s due day is', async () => {
      // r-x (outside any campaign) has been at unit sign-off since 04-01 and r-d1 at the department since 04-11.
      expect(await overdueAt('2026-04-30T23:59:59.999')).toEqual(['r-d1', 'r-x']);
      // The draft of u-b and the returned draft of u-e; not u-a's 2024 project report (the 2024 campaign asks for department reports).
      expect(await overdueAt('2026-05-01T00:00:00')).toEqual(['r-b', 'r-d1', 'r-e', 'r-x']);
      // r-c and r-g entered unit sign-off on 04-30 and 05-01: three working days after the May Day holidays, 05-08.
      expect(await overdueAt('2026-05-08T23:59:59.999')).toEqual(['r-b', 'r-d1', 'r-e', 'r-x']);
      expect(await overdueAt('2026-05-09T00:00:00')).toEqual(['r-b', 'r-c', 'r-d1', 'r-e', 'r-g', 'r-x']);
    });
  });

  describe('campaign progress', () => {
    let progress: CampaignProgress;
    const unit = (id: string) => progress.units.find((u) => u.unitId === id)!;

    beforeAll(async () => {
      progress = await campaignProgress(sql, (await row('c-2025')).campaign, { now: new Date(shanghai('2026-05-10T12:00:00')), unitName: (id) => (id === 'u-a' ? '甲单位' : null) });
    });

    it('puts each unit in its category: not started, draft, in review by stage, returned, approved, the least advanced report deciding', () => {
      expect(progress.units.map((u) => [u.unitId, u.state])).toEqual([
        ['u-a', 'not_started'],
        ['u-b', 'draft'],
        ['u-c', 'in_review'],
        ['u-d', 'in_review'],
        ['u-e', 'returned'],
        ['u-f', 'approved'],
        ['u-g', 'in_review'],
      ]);
      expect(unit('u-d').reports.map((r) => [r.reportId, r.state, r.stage?.id ?? null])).toEqual([
        ['r-d1', 'in_review', 'department_review'],
        ['r-d2', 'published', null],
      ]);
      expect(unit('u-c').reports[0]!.stage).toEqual({ id: 'unit_signoff', name: { 'zh-CN': '单位负责人审签', en: 'unit sign-off' }, enteredAt: '2026-04-30T15:59:59.000Z' });
      expect([unit('u-a').unitName, unit('u-b').unitName]).toEqual(['甲单位', '单位u-b']);
    });

    it('judges on time and late by the end of each unit’s own deadline day in Asia/Shanghai', () => {
      expect(progress.units.map((u) => [u.unitId, u.deadline, u.timeliness])).toEqual([
        ['u-a', '2026-04-30', 'late'],
        ['u-b', '2026-04-30', 'late'],
        ['u-c', '2026-04-30', 'on_time'],
        ['u-d', '2026-04-30', 'on_time'],
        ['u-e', '2026-04-30', 'on_time'],
        ['u-f', '2026-05-20', 'on_time'],
        ['u-g', '2026-04-30', 'late'],
      ]);
      expect(unit('u-f').deadlineExtended).toBe(true);
      expect(unit('u-g').deadlineExtended).toBe(false);
    });

    it('counts units and reports per category and per stage, in the workflow’s order', () => {
      expect(progress.totals).toMatchObject({
        units: 7,
        reports: 7,
        unitsByState: { not_started: 1, draft: 1, returned: 1, in_review: 3, approved: 1, published: 0 },
        reportsByState: { draft: 1, returned: 1, in_review: 3, approved: 1, published: 1 },
        unitsByTimeliness: { on_time: 4, late: 3, pending: 0 },
        reportsByTimeliness: { on_time: 5, late: 2, pending: 0 },
        inReviewByStage: [
          { stageId: 'unit_signoff', stageName: { 'zh-CN': '单位负责人审签', en: 'unit sign-off' }, reports: 2 },
          { stageId: 'department_review', stageName: { 'zh-CN': '主管部门审核', en: 'department review' }, reports: 1 },
        ],
      });
    });

    it('distributes the submitted reports’ grades and computed totals in 10-point bins', () => {
      const submitted = progress.units.flatMap((u) => u.reports).filter((r) => r.state !== 'draft' && r.state !== 'returned');
      expect(submitted.map((r) => [r.reportId, r.computedTotal, r.grade])).toEqual([
        ['r-c', '99.50', '优'],
        ['r-d1', '99.50', '优'],
        ['r-d2', '74.50', '中'],
        ['r-f', '99.50', '优'],
        ['r-g', '99.50', '优'],
      ]);
      expect(progress.totals.grades).toEqual({ 优: 4, 良: 0, 中: 1, 差: 0, none: 0 });
      expect(progress.totals.scoreHistogram.filter((bin) => bin.reports > 0)).toEqual([
        { from: 70, to: 80, reports: 1 },
        { from: 90, to: 100, reports: 4 },
      ]);
      expect(progress.totals.scoreHistogram).toHaveLength(10);
    });

    it('says pending, not late, before the deadline has passed; only the given units when asked', async () => {
      const early = await campaignProgress(sql, (await row('c-2025')).campaign, { now: new Date(shanghai('2026-04-30T23:59:59')), visibleUnitIds: new Set(['u-a', 'u-b', 'u-c', 'u-x']) });
      expect(early.units.map((u) => [u.unitId, u.timeliness])).toEqual([
        ['u-a', 'pending'],
        ['u-b', 'pending'],
        ['u-c', 'on_time'],
      ]);
      expect(early.totals).toMatchObject({ units: 3, reports: 2, unitsByTimeliness: { on_time: 1, late: 0, pending: 2 } });
    });

    it('reads only reports of the campaign’s kind', async () => {
      const departmentOnly = await campaignProgress(sql, (await row('c-2024-dept')).campaign, { now: new Date(shanghai('2025-05-01T00:00:00')) });
      // u-a has a project report for 2024, not the department report this campaign asks for.
      expect(departmentOnly.units.map((u) => [u.unitId, u.state, u.timeliness])).toEqual([['u-a', 'not_started', 'pending']]);
    });
  });
});
