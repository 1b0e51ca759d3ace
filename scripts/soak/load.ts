import { randomUUID } from 'node:crypto';
import type { EventStore } from '#eventstore';
import { Client, newKey, type Answer, type Ledger } from './client.js';
import { sleep } from './processes.js';

const units = [
  { id: 'demo-unit-people-hospital', name: '示范市人民医院' },
  { id: 'demo-unit-cdc', name: '示范市疾病预防控制中心' },
  { id: 'demo-unit-insurance-centre', name: '示范市医疗保险服务中心' },
  { id: 'demo-unit-security-information', name: '示范市医疗保障信息中心' },
];
const indicators = [
  { indicatorId: 'out-1', indicator: { level1: 'output', level2: 'quantity', name: '购置设备数量', comparator: '≥', target: '20', unit: '台', actual: '20', weight: '50' } },
  { indicatorId: 'ben-1', indicator: { level1: 'benefit', level2: 'social-benefit', name: '门诊检查能力提升', comparator: '≥', target: '95%', unit: '%', actual: '96%', weight: '30' } },
  { indicatorId: 'sat-1', indicator: { level1: 'satisfaction', level2: 'service-satisfaction', name: '患者满意度', comparator: '≥', target: '90%', unit: '%', actual: '93%', weight: '10' } },
];
const SOAK_PASSWORD = 'soak-run-password-2026';
export const FILLERS_PER_UNIT = 3;

export interface Cast {
  admin: Client;
  performance: Client;
  auditor: Client;
  fillers: Array<{ client: Client; unit: (typeof units)[number] }>;
  reviewers: Client[];
}

export interface LoadStats {
  reportsCreated: number;
  edits: number;
  submits: number;
  withdrawals: number;
  approvals: number;
  returns: number;
  reportIds: Set<string>;
}

/** Registers fillers (several per unit) and a leader for the units that have none, through the admin API. */
export async function assembleCast(base: string, ledger: Ledger): Promise<Cast> {
  const admin = await Client.login(base, 'demo.admin', 'demo-admin-2026', ledger);
  const register = async (username: string, role: string, organisationId: string) => {
    const answer = await admin.request('POST', '/users', { body: { username, displayName: username, role, organisationId, password: SOAK_PASSWORD }, key: newKey('register') });
    if (answer.status !== 201 && answer.status !== 200) throw new Error(`registering ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  for (const unit of units) {
    for (let i = 1; i <= FILLERS_PER_UNIT; i++) await register(`soak.filler.${unit.id}.${i}`, 'unit_filler', unit.id);
    if (unit.id !== 'demo-unit-people-hospital') await register(`soak.leader.${unit.id}`, 'unit_leader', unit.id);
  }
  const fillers: Cast['fillers'] = [];
  for (const unit of units) {
    for (let i = 1; i <= FILLERS_PER_UNIT; i++) fillers.push({ client: await Client.login(base, `soak.filler.${unit.id}.${i}`, SOAK_PASSWORD, ledger), unit });
  }
  const reviewers = [
    await Client.login(base, 'demo.leader', 'demo-unit_leader-2026', ledger),
    ...(await Promise.all(units.filter((u) => u.id !== 'demo-unit-people-hospital').map((u) => Client.login(base, `soak.leader.${u.id}`, SOAK_PASSWORD, ledger)))),
    await Client.login(base, 'demo.reviewer.health', 'demo-department_reviewer-2026', ledger),
    await Client.login(base, 'demo.reviewer.medsec', 'demo-department_reviewer-2026', ledger),
    await Client.login(base, 'demo.finance', 'demo-finance_reviewer-2026', ledger),
  ];
  const performance = await Client.login(base, 'demo.performance', 'demo-performance_officer-2026', ledger);
  reviewers.push(performance);
  const auditor = await Client.login(base, 'demo.auditor', 'demo-auditor-2026', ledger);
  return { admin, performance, auditor, fillers, reviewers };
}

/** The campaign of the load, through the API: its unit deadlines are cancelled on submission and reinstated on a return. */
export async function openLoadCampaign(performance: Client, dueDate: string): Promise<string> {
  const answer = await performance.request('POST', '/campaigns', {
    body: { year: 2025, name: '2025年度部门预算绩效自评（压力测试）', unitIds: units.map((u) => u.id), submissionDeadline: dueDate },
    key: newKey('campaign'),
  });
  if (answer.status !== 201 && answer.status !== 200) throw new Error(`opening the campaign: ${answer.status} ${JSON.stringify(answer.body)}`);
  return (answer.body as { campaignId?: string; id?: string }).campaignId ?? (answer.body as { id: string }).id;
}

const shanghaiDate = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * Reminders that fall due now. The processes run on the system clock and campaign reminders go
 * out at 09:00 Asia/Shanghai on working days, and a reminder whose moment had passed when its
 * deadline was set is never sent late. So this appends, as a data migration would, a campaign
 * opened weeks ago (`at` in the past) whose deadline passed days ago: every reminder planned
 * between its opening and now is due at once, and the worker sends it through the real queues.
 * Year 2024: no report of the load belongs to it, so no submission cancels these deadlines.
 */
export async function appendBackdatedCampaign(store: EventStore, index: number): Promise<{ campaignId: string; dueDate: string }> {
  const now = Date.now();
  const at = new Date(now - 40 * 86_400_000).toISOString();
  const dueDate = shanghaiDate(now - 20 * 86_400_000);
  const campaignId = `soak-backdated-${index}`;
  const by = { userId: 'demo-user-performance', role: 'performance_officer', organisationId: 'demo-finance-bureau' };
  await store.append(
    `campaign-${campaignId}`,
    [
      {
        id: randomUUID(),
        type: 'CampaignOpened',
        data: { at, by, campaignId, financeBureauId: 'demo-finance-bureau', year: 2024, name: `2024年度补录评价任务 ${index}`, kind: null, unitIds: units.map((u) => u.id), submissionDeadline: dueDate, reminderOffsets: null, stageTimeLimits: null },
        metadata: { actor: by, correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: at, schemaVersion: 1 },
      },
    ],
    'no_stream',
  );
  return { campaignId, dueDate };
}

const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;

/** A command on a report with If-Match; a 412 re-reads the report and tries again under a new key. */
async function onReport(client: Client, id: string, method: string, path: string, body: unknown | (() => unknown), etag: string | null, what: string): Promise<Answer> {
  let current = etag;
  for (let attempt = 0; ; attempt++) {
    if (current === null) current = (await client.request('GET', `/reports/${id}`)).etag;
    const answer = await client.request(method, `/reports/${id}${path}`, { body: typeof body === 'function' ? body() : body, ifMatch: current, key: newKey(what) });
    if (answer.status !== 412 || attempt >= 5) return answer;
    current = null;
  }
}

let sequence = 0;

async function fillerRound(filler: Cast['fillers'][number], own: string[], stats: LoadStats): Promise<void> {
  const client = filler.client;
  if (own.length === 0 || Math.random() < 0.25) {
    const created = await client.request('POST', '/reports', { body: { kind: 'project', header: { unit: filler.unit.name, year: 2025, projectCode: `51172322T${String(++sequence).padStart(12, '0')}`, projectName: `压力测试项目${sequence}` } }, key: newKey('create') });
    if (created.status !== 201) return;
    stats.reportsCreated++;
    const id = (created.body as { id: string }).id;
    stats.reportIds.add(id);
    own.push(id);
    let etag = created.etag;
    for (const step of [['PUT', '/budget/total', { initial: '100.00', adjusted: '100.00', executed: '95.00' }], ['PUT', '/budget/fiscal', { initial: '100.00', adjusted: '100.00', executed: '95.00' }], ...indicators.map((i) => ['POST', '/indicators', i])] as Array<[string, string, unknown]>) {
      const answer = await onReport(client, id, step[0], step[1], step[2], etag, 'setup');
      etag = answer.status === 200 ? answer.etag : null;
    }
    return;
  }
  const id = pick(own);
  const report = await client.request('GET', `/reports/${id}`);
  const status = (report.body as { status?: string })?.status;
  if (status === 'draft') {
    for (let i = Math.floor(Math.random() * 3); i >= 0; i--) {
      const n = ++sequence;
      // Total and fiscal move together (the total must equal the sum of its rows to be submitted);
      // a value the report does not hold yet, so every accepted edit appends an event.
      const budget = { initial: '100.00', adjusted: '100.00', executed: (80 + (n % 2000) / 100).toFixed(2) };
      for (const row of ['/budget/total', '/budget/fiscal']) {
        const answer = await onReport(client, id, 'PUT', row, budget, null, 'edit');
        if (answer.status === 200) stats.edits++;
      }
    }
    const submitted = await onReport(client, id, 'POST', '/submit', {}, null, 'submit');
    if (submitted.status === 200) stats.submits++;
  } else if (status === 'submitted' && Math.random() < 0.15) {
    const withdrawn = await onReport(client, id, 'POST', '/withdraw', {}, null, 'withdraw');
    if (withdrawn.status === 200) stats.withdrawals++;
  }
}

async function reviewerRound(reviewer: Client, stats: LoadStats): Promise<void> {
  const inbox = await reviewer.request('GET', '/inbox?pageSize=20');
  const items = ((inbox.body as { items?: Array<{ reportId: string; stage: string }> })?.items ?? []).slice(0, 5);
  for (const item of items) {
    const returning = Math.random() < 0.2;
    const answer = await onReport(
      reviewer,
      item.reportId,
      'POST',
      returning ? '/return' : '/approve',
      returning ? { stageId: item.stage, opinion: '请补充佐证材料后重新报送', opinions: [] } : { stageId: item.stage, opinion: '同意' },
      null,
      returning ? 'return' : 'approve',
    );
    if (answer.status === 200) returning ? stats.returns++ : stats.approvals++;
  }
}

/** Every filler and reviewer works in its own loop until the deadline. */
export async function runLoad(cast: Cast, untilMs: number, stats: LoadStats): Promise<void> {
  const unitReports: Record<string, string[]> = {};
  const loop = async (round: () => Promise<void>, pauseMs: number) => {
    while (Date.now() < untilMs) {
      try {
        await round();
      } catch (error) {
        process.stderr.write(`soak: load round failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
      await sleep(pauseMs * (0.5 + Math.random()));
    }
  };
  await Promise.all([
    // The fillers of one unit share its reports: concurrent edits meet 412 and re-read.
    ...cast.fillers.map((filler) => {
      const own = (unitReports[filler.unit.id] ??= []);
      return loop(() => fillerRound(filler, own, stats), 150);
    }),
    ...cast.reviewers.map((reviewer) => loop(() => reviewerRound(reviewer, stats), 400)),
  ]);
}
