import { describe, expect, it } from '@jest/globals';
import type { ReportRepresentation, ReviewState, WorkflowStage } from '../../apps/web/src/api/types.js';
import { reviewEligibility } from '../../apps/web/src/review/eligibility.js';
import { describePath, enclosingPaths, isOpinionPath, opinionTargets } from '../../apps/web/src/review/field-paths.js';
import { fileNameOf } from '../../apps/web/src/shared/file-name.js';

const stage = (id: string, role: WorkflowStage['role'], extra: Partial<WorkflowStage> = {}): WorkflowStage => ({
  id,
  name: { 'zh-CN': id, en: id },
  role,
  mayScore: false,
  approvals: 1,
  timeLimitWorkingDays: 5,
  returnTo: 'draft',
  ...extra,
});

const document = {
  id: 'r1',
  kind: 'project',
  profileId: 'default',
  header: { unit: '示范市人民医院', competentDepartment: null, implementingUnit: null, year: 2025, projectCode: null, projectName: '设备项目' },
  budget: { selfScore: null, explanation: null },
  narrative: { goal: null, achievement: null, implementation: null, conclusion: null, problems: null, improvements: null },
  indicators: [{ id: 'i-1', level1: 'benefit', level2: 'social-benefit', name: '门诊服务人次', comparator: '≥', target: '50000', unit: '人次', actual: '45000', weight: '30', selfScore: null, explanation: null, qualitativeBand: null }],
  evaluationItems: [{ id: 'e-1', category: '预算管理', maximum: '20', score: '18', justification: null }],
  evidence: [],
  selfTotal: null,
} as unknown as ReportRepresentation['report'];

function inReview(review: Partial<ReviewState>, extra: Partial<ReportRepresentation> = {}): ReportRepresentation {
  return {
    status: 'submitted',
    editors: ['filler'],
    submitters: ['filler'],
    report: document,
    review: {
      workflow: { id: 'default', version: 0, resubmission: 'restart', stages: [stage('signoff', 'unit_leader'), stage('check', 'finance_reviewer', { approvals: 2, mayScore: true })] },
      cycle: 1,
      stageIndex: 1,
      stageEnteredAt: '2026-05-20T01:00:00Z',
      firstSubmittedAt: '2026-05-20T01:00:00Z',
      approvals: [],
      reviewedThisCycle: true,
      approvedStageOf: { leader: 'signoff' },
      reviewerScores: {},
      resumeAt: null,
      approvedAt: null,
      publishedAt: null,
      ...review,
    },
    ...extra,
  } as ReportRepresentation;
}

describe('which fields a reviewer may put an opinion on, and what the form calls them', () => {
  it('accepts the paths the review decider accepts, and no section as a whole', () => {
    for (const path of ['indicators[i-1]', 'indicators[i-1].actual', 'evaluationItems[e-1].score', 'budget', 'budget.total', 'budget.total.executed', 'budget.selfScore', 'header.unit', 'narrative.goal', 'selfTotal', 'evidence[x]']) {
      expect([path, isOpinionPath(path)]).toEqual([path, true]);
    }
    for (const path of ['indicators', 'evaluationItems', 'budget.total.executed.more', 'report', 'indicators[i-1].actual.x']) expect([path, isOpinionPath(path)]).toEqual([path, false]);
  });

  it('offers the field picked and what contains it, most specific first', () => {
    expect(enclosingPaths('budget.total.executed')).toEqual(['budget.total.executed', 'budget.total', 'budget']);
    expect(opinionTargets('indicators[i-1].actual')).toEqual(['indicators[i-1].actual', 'indicators[i-1]']);
    expect(opinionTargets('indicators')).toEqual([]);
  });

  it('names paths as the form does, in both languages', () => {
    expect(describePath('indicators[i-1]', document, 'zh-CN')).toBe('指标“门诊服务人次”（整行）');
    expect(describePath('indicators[i-1].actual', document, 'zh-CN')).toBe('指标“门诊服务人次” · 完成值');
    expect(describePath('indicators[i-1].actual', document, 'en')).toBe('Indicator “门诊服务人次” · actual');
    expect(describePath('evaluationItems[e-1].score', document, 'zh-CN')).toBe('评价项目“预算管理” · 得分');
    expect(describePath('budget.total.executed', document, 'zh-CN')).toBe('预算执行 · 总额 · 执行数');
    expect(describePath('narrative.goal', document, 'zh-CN')).toBe('年度总体目标');
    expect(describePath('', document, 'zh-CN')).toBe('整个报告');
  });
});

describe('who may approve, and why not (as the review decider rules)', () => {
  const finance = { userId: 'fin-1', role: 'finance_reviewer' as const };

  it('opens approval, return and scoring to the stage’s role, and counts the four eyes', () => {
    const e = reviewEligibility(inReview({}), finance);
    expect(e).toMatchObject({ canAct: true, canApprove: true, canScore: true, reasons: [], approvals: 0, approvalsRequired: 2 });
  });

  it('says why the door is closed: another role’s stage, an editor, a second stage, an approval already given', () => {
    expect(reviewEligibility(inReview({}), { userId: 'leader', role: 'unit_leader' }).reasons.map((r) => r['zh-CN'])).toEqual([
      '当前环节“check”由财政局业务科室办理',
      '您已审核通过本报告的“signoff”环节，同一人不能审核通过两个环节',
    ]);
    const edited = reviewEligibility(inReview({}, { editors: ['filler', 'fin-1'] }), finance);
    expect([edited.canAct, edited.canApprove, edited.reasons[0]!['zh-CN']]).toEqual([true, false, '您编辑或提交过本报告，不能审核通过（不相容岗位分离）']);
    const again = reviewEligibility(inReview({ approvals: [{ stageId: 'check', userId: 'fin-1', at: '2026-05-20T02:00:00Z', revision: 9, opinion: null }] }), finance);
    expect([again.canApprove, again.approvals, again.reasons[0]!.en]).toEqual([false, 1, 'You have already approved this stage; another person must approve it too (2 needed)']);
  });

  it('closes everything on a report that is not in review', () => {
    const e = reviewEligibility(inReview({}, { status: 'approved' }), finance);
    expect([e.stage, e.canAct, e.canApprove, e.reasons[0]!['zh-CN']]).toEqual([null, false, false, '报告当前不在审核中（已通过）']);
  });
});

describe('download names', () => {
  it('prefers the UTF-8 name of Content-Disposition, then the ASCII one, then the fallback', () => {
    expect(fileNameOf(`attachment; filename="report-1.xlsx"; filename*=UTF-8''${encodeURIComponent('示范市人民医院-2025-项目绩效自评表.xlsx')}`, 'x')).toBe('示范市人民医院-2025-项目绩效自评表.xlsx');
    expect(fileNameOf('attachment; filename="trail.csv"', 'x')).toBe('trail.csv');
    expect(fileNameOf(`attachment; filename*=UTF-8''%E0%A4%A`, 'fallback.bin')).toBe('fallback.bin');
    expect(fileNameOf('', 'fallback.bin')).toBe('fallback.bin');
  });
});
