import { createHash, randomUUID } from 'node:crypto';
import { defaultWorkflow, type Comparator, type Level1, type Level2, type ReportEvent, type ReportEventData, type ReportEventType } from '#domain';
import type { Actor, EventStore, ExpectedRevision, NewEvent } from '#eventstore';

/**
 * Realistic report histories for specs, the crash test and the rebuild bench: units create their
 * reports and fill them in (one save of many events), then edit them over many short sessions
 * (indicator actuals and scores, explanations, narrative, budget, evidence), submit, get some
 * returned by their department and resubmit. Sessions of different reports interleave, as they do
 * when many units work at once. Every payload is valid against the report event schemas.
 * Deterministic for a given seed (except event and correlation ids).
 */

export interface GeneratedAppend {
  streamId: string;
  expectedRevision: ExpectedRevision;
  events: NewEvent[];
}

export interface HistoryOptions {
  /** Exactly this many events in all. */
  events: number;
  seed?: number;
  /** Reports being worked on at the same time. */
  window?: number;
  /** Budget units the reports belong to. */
  units?: number;
  /** Instant of the first event (ISO-8601); each later append is one second after the previous. */
  startAt?: string;
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const counties = ['开江县', '开福区', '达川区', '通川区', '宣汉县', '大竹县', '渠县', '万源市'];
const bureaus = ['医疗保障局', '财政局', '教育局', '卫生健康局', '交通运输局', '农业农村局', '水务局', '民政局', '住房和城乡建设局', '文化广电旅游局'];
const projects = ['城乡医疗救助', '政府性投资建设', '大数据平台建设', '农村公路养护', '义务教育保障', '公共卫生服务', '高标准农田建设', '城乡供水保障', '养老服务补贴', '公费医疗'];

interface IndicatorTemplate {
  level1: Level1;
  level2: Level2;
  name: string;
  comparator: Comparator;
  unit: string | null;
}

const indicatorTemplates: IndicatorTemplate[] = [
  { level1: 'output', level2: 'quantity', name: '救助对象人次', comparator: '≥', unit: '万人次' },
  { level1: 'output', level2: 'quantity', name: '监督检查医药机构次数', comparator: '≥', unit: '次' },
  { level1: 'output', level2: 'quantity', name: '养护农村公路里程', comparator: '≥', unit: '公里' },
  { level1: 'output', level2: 'quality', name: '救助覆盖率', comparator: '≥', unit: '%' },
  { level1: 'output', level2: 'quality', name: '工程验收合格率', comparator: '=', unit: '%' },
  { level1: 'output', level2: 'timeliness', name: '资金拨付及时率', comparator: '≥', unit: '%' },
  { level1: 'output', level2: 'timeliness', name: '项目完成时间', comparator: '≤', unit: '月' },
  { level1: 'cost', level2: 'economic-cost', name: '公费医疗', comparator: '≤', unit: '万元' },
  { level1: 'output', level2: 'cost', name: '人均救助成本', comparator: '≤', unit: '元' },
  { level1: 'benefit', level2: 'social-benefit', name: '减轻救助对象经济负担', comparator: '定性', unit: null },
  { level1: 'benefit', level2: 'economic-benefit', name: '带动农民增收', comparator: '≥', unit: '万元' },
  { level1: 'benefit', level2: 'sustainability', name: '长效管护机制建立', comparator: '定性', unit: null },
  { level1: 'satisfaction', level2: 'service-satisfaction', name: '服务对象满意度', comparator: '≥', unit: '%' },
  { level1: 'satisfaction', level2: 'service-satisfaction', name: '群众满意度', comparator: '≥', unit: '%' },
];

const narrativeTexts = {
  goal: '通过年初预算安排资金，保障项目按期实施，让服务对象及时得到保障，减轻家庭负担。',
  achievement: '年度资金已全额拨付到位，各项绩效指标基本完成，项目实施情况良好。',
  conclusion: '经自评，项目总体完成情况较好，资金使用规范。',
  problems: '年初预算编制不够精准，部分指标值设定偏低，执行进度前慢后快。',
  improvements: '根据上一年支付的项目资金，按一定增长比例预算本年项目所需指标，加强执行监控。',
};

type Payload<T extends ReportEventType> = Omit<ReportEventData<T>, 'at' | 'by'>;
type Draft = { [T in ReportEventType]: { type: T; data: Payload<T>; by?: Actor } }[ReportEventType];

interface Indicator {
  id: string;
  template: IndicatorTemplate;
  target: number;
  weight: string;
}

const money = (value: number) => value.toFixed(2);

/** One report's life, as sessions (the events one save appends). */
function* reportLife(index: number, random: () => number, units: number): Generator<Draft[]> {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const unit = index % units;
  const organisationId = `org-unit-${unit}`;
  const department = unit % 10;
  const reviewer: Actor = { userId: `u-dept-${department}`, role: 'department_reviewer', organisationId: `org-dept-${department}` };
  const kind = index % 5 === 0 ? 'department' : 'project';
  const reportId = `r-${index}`;
  const year = 2021 + (index % 4);
  const unitName = `${counties[unit % counties.length]}${bureaus[Math.floor(unit / counties.length) % bureaus.length]}`;
  const projectName = kind === 'project' ? `${pick(projects)}（${year}年）` : null;
  const projectCode = kind === 'project' ? `5117${String(year).slice(2)}2${String(index).padStart(2, '0').slice(-2)}T${String(100000000000 + index).slice(-12)}` : null;
  const profileId = index % 7 === 0 ? 'hubei-2020' : 'default';

  const adjusted = 100 + Math.floor(random() * 5000);
  let executed = Math.floor(adjusted * (0.85 + random() * 0.15));
  const indicators: Indicator[] = [];
  let nextIndicator = 0;
  const count = 6 + Math.floor(random() * 9);
  const weights = Array.from({ length: count }, (_, i) => Math.floor(90 / count) + (i < 90 % count ? 1 : 0));
  const newIndicator = (weight: number): Indicator => {
    const template = pick(indicatorTemplates);
    return { id: `k${String(++nextIndicator).padStart(2, '0')}`, template, target: 10 + Math.floor(random() * 990), weight: String(weight) };
  };
  const added = (indicator: Indicator, position: number): Draft => ({
    type: 'IndicatorAdded',
    data: {
      indicatorId: indicator.id,
      position,
      indicator: {
        level1: indicator.template.level1,
        level2: indicator.template.level2,
        name: indicator.template.name,
        comparator: indicator.template.comparator,
        target: indicator.template.comparator === '定性' ? '好' : String(indicator.target),
        unit: indicator.template.unit,
        actual: null,
        weight: indicator.weight,
        selfScore: null,
        explanation: null,
        qualitativeBand: null,
      },
    },
  });

  const creation: Draft[] = [
    {
      type: 'ReportCreated',
      data: {
        reportId,
        kind,
        organisationId,
        profileId,
        header: { unit: unitName, competentDepartment: `${counties[unit % counties.length]}主管部门${department}`, implementingUnit: unitName, year, projectCode, projectName },
      },
    },
    { type: 'BudgetRowSet', data: { source: 'total', row: { initial: money(adjusted * 1.1), adjusted: money(adjusted), executed: money(executed), statedRate: null } } },
    { type: 'BudgetRowSet', data: { source: 'fiscal', row: { initial: money(adjusted * 1.1), adjusted: money(adjusted), executed: money(executed), statedRate: null } } },
  ];
  weights.forEach((weight, i) => {
    const indicator = newIndicator(weight);
    indicators.push(indicator);
    creation.push(added(indicator, i));
  });
  creation.push({ type: 'NarrativeSet', data: { field: 'goal', text: narrativeTexts.goal } }, { type: 'NarrativeSet', data: { field: 'achievement', text: narrativeTexts.achievement } });
  if (kind === 'department') {
    for (const [i, category] of ['履职效能', '预算管理', '财务管理', '资产管理'].entries()) {
      creation.push({ type: 'EvaluationItemSet', data: { itemId: `e${i + 1}`, item: { category, maximum: '10', score: null, justification: null } } });
    }
  }
  yield creation;

  const editSession = (): Draft[] => {
    const session: Draft[] = [];
    const roll = random();
    if (roll < 0.45) {
      for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
        const indicator = pick(indicators);
        const ratio = 0.8 + random() * 0.5;
        const actual = indicator.template.comparator === '定性' ? pick(['好', '较好', '一般']) : `${Math.round(indicator.target * ratio)}${indicator.template.unit ?? ''}`;
        const score = (Number(indicator.weight) * Math.min(1, ratio)).toFixed(2);
        session.push({ type: 'IndicatorUpdated', data: { indicatorId: indicator.id, changes: { actual, selfScore: score } } });
        if (ratio < 1) session.push({ type: 'IndicatorUpdated', data: { indicatorId: indicator.id, changes: { explanation: '受疫情及资金到位时间影响，部分任务延后完成。' } } });
      }
    } else if (roll < 0.6) {
      const field = pick(['conclusion', 'problems', 'improvements'] as const);
      session.push({ type: 'NarrativeSet', data: { field, text: `${narrativeTexts[field]}（第${Math.floor(random() * 9) + 1}稿）` } });
    } else if (roll < 0.7) {
      executed = Math.min(adjusted, executed + Math.floor(random() * adjusted * 0.05));
      session.push({ type: 'BudgetRowSet', data: { source: 'total', row: { initial: money(adjusted * 1.1), adjusted: money(adjusted), executed: money(executed), statedRate: null } } });
      session.push({ type: 'BudgetAssessmentUpdated', data: { changes: { selfScore: (10 * Math.min(1, executed / adjusted)).toFixed(2), explanation: executed / adjusted < 0.9 ? '部分资金年底到位，尚未支付。' : null } } });
    } else if (roll < 0.8) {
      const indicator = random() < 0.5 ? pick(indicators) : null;
      const id = `ev-${Math.floor(random() * 1e9).toString(36)}`;
      session.push({
        type: 'EvidenceAttached',
        data: {
          evidenceId: id,
          evidence: { fileName: `佐证材料-${id}.pdf`, mediaType: 'application/pdf', sizeBytes: 10_000 + Math.floor(random() * 900_000), sha256: createHash('sha256').update(id).digest('hex'), description: null, indicatorId: indicator?.id ?? null },
        },
      });
    } else if (roll < 0.88) {
      session.push({ type: 'SelfTotalSet', data: { value: (80 + random() * 20).toFixed(2) } });
    } else if (roll < 0.93 && kind === 'department') {
      const item = 1 + Math.floor(random() * 4);
      session.push({ type: 'EvaluationItemSet', data: { itemId: `e${item}`, item: { category: ['履职效能', '预算管理', '财务管理', '资产管理'][item - 1]!, maximum: '10', score: (7 + random() * 3).toFixed(2), justification: '按评分标准逐项核实' } } });
    } else if (roll < 0.96 && indicators.length > 3) {
      const removed = indicators.splice(Math.floor(random() * indicators.length), 1)[0]!;
      const replacement = newIndicator(Number(removed.weight));
      indicators.push(replacement);
      session.push({ type: 'IndicatorRemoved', data: { indicatorId: removed.id } }, added(replacement, indicators.length - 1));
    } else if (roll < 0.98) {
      indicators.reverse();
      session.push({ type: 'IndicatorsReordered', data: { order: indicators.map((i) => i.id) } });
    } else if (projectName !== null) {
      session.push({ type: 'HeaderUpdated', data: { changes: { projectName: `${projectName}（调整）` } } });
    } else {
      session.push({ type: 'NarrativeSet', data: { field: 'implementation', text: '按计划组织实施。' } });
    }
    return session;
  };

  const submitted = (): Draft => {
    const total = (75 + random() * 25).toFixed(2);
    const grade = Number(total) >= 90 ? '优' : Number(total) >= 80 ? '良' : '中';
    return { type: 'ReportSubmitted', data: { score: { profileId, profileVersion: 1, total, grade }, workflow: defaultWorkflow } };
  };

  for (let n = 3 + Math.floor(random() * 10); n > 0; n--) yield editSession();
  yield [submitted()];
  const after = random();
  if (after < 0.3) {
    yield [{ type: 'ReportReturned', data: { stage: 'department_review', opinion: '请补充偏差原因说明，并核对预算执行数。', opinions: [], to: 'draft' }, by: reviewer }];
    for (let n = 1 + Math.floor(random() * 4); n > 0; n--) yield editSession();
    yield [submitted()];
  } else if (after < 0.4) {
    yield [{ type: 'ReportWithdrawn', data: { reason: '发现指标完成值填报有误，撤回修改。' } }];
    yield editSession();
    yield [submitted()];
  }
}

/** The appends of `options.events` events, each with the expected revision of its stream. */
export function* reportHistories(options: HistoryOptions): Generator<GeneratedAppend> {
  const random = prng(options.seed ?? 1);
  const windowSize = options.window ?? 32;
  const units = options.units ?? 200;
  let clock = Date.parse(options.startAt ?? '2025-03-01T00:00:00.000Z');
  let remaining = options.events;
  let nextReport = 0;
  const open = () => {
    const index = nextReport++;
    const filler: Actor = { userId: `u-filler-${index % units}`, role: 'unit_filler', organisationId: `org-unit-${index % units}` };
    return { streamId: `report-r-${index}`, revision: -1, filler, life: reportLife(index, random, units) };
  };
  const active = Array.from({ length: windowSize }, open);
  while (remaining > 0) {
    const slot = Math.floor(random() * active.length);
    const report = active[slot]!;
    const next = report.life.next();
    if (next.done) {
      active[slot] = open();
      continue;
    }
    const drafts = next.value.slice(0, remaining);
    const at = new Date((clock += 1000)).toISOString();
    const correlationId = randomUUID();
    const events = drafts.map((draft): NewEvent => {
      const by = draft.by ?? report.filler;
      const data = { at, by, ...draft.data } as ReportEvent['data'];
      return { id: randomUUID(), type: draft.type, data, metadata: { actor: by, correlationId, causationId: null, idempotencyKey: null, recordedAt: at, schemaVersion: 1 } };
    });
    const expectedRevision: ExpectedRevision = report.revision < 0 ? 'no_stream' : report.revision;
    report.revision += events.length;
    remaining -= events.length;
    yield { streamId: report.streamId, expectedRevision, events };
  }
}

function laneOf(streamId: string, lanes: number): number {
  let hash = 0;
  for (let i = 0; i < streamId.length; i++) hash = (Math.imul(hash, 31) + streamId.charCodeAt(i)) | 0;
  return Math.abs(hash) % lanes;
}

/**
 * Appends the histories through the store, `lanes` appends at a time. A stream always goes
 * through the same lane, so its appends stay in order.
 */
export async function appendHistories(store: EventStore, appends: Iterable<GeneratedAppend>, options: { lanes?: number; chunk?: number } = {}): Promise<{ events: number; appends: number }> {
  const lanes = options.lanes ?? 8;
  const chunk = options.chunk ?? 4000;
  let events = 0;
  let count = 0;
  let pending: GeneratedAppend[][] = Array.from({ length: lanes }, () => []);
  let queued = 0;
  const flush = async () => {
    const work = pending;
    pending = Array.from({ length: lanes }, () => []);
    queued = 0;
    await Promise.all(
      work.map(async (lane) => {
        for (const append of lane) await store.append(append.streamId, append.events, append.expectedRevision);
      }),
    );
  };
  for (const append of appends) {
    pending[laneOf(append.streamId, lanes)]!.push(append);
    events += append.events.length;
    count++;
    if (++queued >= chunk) await flush();
  }
  await flush();
  return { events, appends: count };
}
