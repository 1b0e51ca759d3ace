import { describe, expect, it } from '@jest/globals';
import { given } from '../testing/decider-spec.js';
import { AT, REPORT_ID, command, event, filler, header, indicatorAdded, indicatorFields, reportCreated } from '../testing/report-builders.js';
import { parseReportCommand } from './report.commands.js';
import { DomainError } from '../shared/domain-error.js';
import type { ReportEvent } from './report.events.js';
import { defaultWorkflow } from '../workflow/workflow.definition.js';

const created = reportCreated();

// Seed 003, 全县政府性投资建设: a complete project report whose checks hold no error.
const projectB: ReportEvent[] = [
  created,
  event('BudgetRowSet', { source: 'total', row: { initial: '0.00', adjusted: '10.00', executed: '10.00', statedRate: '100.00' } }),
  event('BudgetRowSet', { source: 'fiscal', row: { initial: '0.00', adjusted: '10.00', executed: '10.00', statedRate: '100.00' } }),
  indicatorAdded('b01', {}, 0),
  indicatorAdded('b02', { level2: 'timeliness', name: '支付完成时间', comparator: '≤', target: '12', unit: '月', actual: '12月' }, 1),
  indicatorAdded('b03', { level1: 'benefit', level2: 'social-benefit', name: '追回定点医疗机构违规资金', target: '50', unit: '万元', actual: '大于50万元' }, 2),
  indicatorAdded('b04', { level1: 'satisfaction', level2: 'service-satisfaction', name: '群众满意度', target: '90', unit: '%', actual: '90%', weight: '10', selfScore: '10' }, 3),
  indicatorAdded('b05', { level1: 'cost', level2: 'economic-cost', name: '项目超支额', comparator: '=', target: '0', unit: '万元', actual: '0万元' }, 4),
];
const submittedOnly = event('ReportSubmitted', { score: { profileId: 'default', profileVersion: 1, total: '100.00', grade: '优' }, workflow: defaultWorkflow });
const submitted = submittedOnly;

describe('report decider: creating', () => {
  it('creates a draft for the acting unit with the default rule profile', () => {
    given([])
      .when(command('CreateReport', { reportId: REPORT_ID, kind: 'project', header }))
      .then([event('ReportCreated', { reportId: REPORT_ID, kind: 'project', organisationId: filler.organisationId, profileId: 'default', header })]);
  });

  it('refuses a second creation of the same report', () => {
    given([created]).when(command('CreateReport', { reportId: REPORT_ID, kind: 'project', header })).thenRefused('REPORT_ALREADY_EXISTS', 'reportId');
  });

  it('lets only the unit’s own filler create its report', () => {
    const reviewer = { userId: 'u-reviewer', role: 'department_reviewer' as const, organisationId: 'org-kaijiang-yb' };
    given([]).when(command('CreateReport', { reportId: REPORT_ID, kind: 'project', header }, reviewer)).thenRefused('ROLE_NOT_ALLOWED', '');
    given([]).when(command('CreateReport', { reportId: REPORT_ID, kind: 'project', header, organisationId: 'org-other-unit' })).thenRefused('ACTOR_OUTSIDE_UNIT', '');
  });

  it('refuses a rule profile that does not exist', () => {
    given([]).when(command('CreateReport', { reportId: REPORT_ID, kind: 'project', profileId: 'guangdong-2031', header })).thenRefused('PROFILE_NOT_FOUND', 'profileId');
  });

  it('refuses any other command before the report exists', () => {
    given([]).when(command('SetNarrative', { field: 'conclusion', text: '自评100分' })).thenRefused('REPORT_NOT_FOUND', '');
  });
});

describe('report decider: editing a draft', () => {
  it('appends a new indicator at the end unless a position is given', () => {
    given([created, indicatorAdded('b01')])
      .when(command('AddIndicator', { indicatorId: 'b04', indicator: { level1: '满意度指标', level2: '服务对象满意度', name: '群众满意度', comparator: '>=', target: '90', unit: '%', actual: '90%', weight: '10' } }))
      .then([
        event('IndicatorAdded', {
          indicatorId: 'b04',
          position: 1,
          indicator: indicatorFields({ level1: 'satisfaction', level2: 'service-satisfaction', name: '群众满意度', target: '90', unit: '%', actual: '90%', weight: '10', selfScore: null }),
        }),
      ]);
  });

  it('refuses an indicator id already in use', () => {
    given([created, indicatorAdded('b01')])
      .when(command('AddIndicator', { indicatorId: 'b01', indicator: indicatorFields() }))
      .thenRefused('INDICATOR_ID_TAKEN', 'indicators[b01]');
  });

  it('records only the changed fields of an indicator', () => {
    given([created, indicatorAdded('b01')])
      .when(command('UpdateIndicator', { indicatorId: 'b01', changes: { actual: '198', explanation: '两家机构停业' } }))
      .then([event('IndicatorUpdated', { indicatorId: 'b01', changes: { actual: '198', explanation: '两家机构停业' } })]);
  });

  it('records nothing when an update changes nothing', () => {
    given([created, indicatorAdded('b01')]).when(command('UpdateIndicator', { indicatorId: 'b01', changes: { weight: '20.00', actual: '206' } })).thenNothing();
  });

  it('names the missing indicator when updating one that does not exist', () => {
    given([created, indicatorAdded('b01')])
      .when(command('UpdateIndicator', { indicatorId: 'ind-3', changes: { weight: '5' } }))
      .thenRefused('INDICATOR_NOT_FOUND', 'indicators[ind-3]');
  });

  it('removes an indicator', () => {
    given([created, indicatorAdded('b01')]).when(command('RemoveIndicator', { indicatorId: 'b01' })).then([event('IndicatorRemoved', { indicatorId: 'b01' })]);
  });

  it('reorders only with every current indicator exactly once', () => {
    const two = [created, indicatorAdded('b01'), indicatorAdded('b02', {}, 1)];
    given(two).when(command('ReorderIndicators', { order: ['b02', 'b01'] })).then([event('IndicatorsReordered', { order: ['b02', 'b01'] })]);
    given(two).when(command('ReorderIndicators', { order: ['b02'] })).thenRefused('INDICATOR_ORDER_MISMATCH', 'indicators');
    given(two).when(command('ReorderIndicators', { order: ['b02', 'b02'] })).thenRefused('INDICATOR_ORDER_MISMATCH', 'indicators');
    given(two).when(command('ReorderIndicators', { order: ['b01', 'b02'] })).thenNothing();
  });

  it('sets a budget row, and records nothing when the row is already so', () => {
    const row = { initial: '170.00', adjusted: '9.33', executed: '9.33', statedRate: '100.00' };
    given([created]).when(command('SetBudgetRow', { source: 'fiscal', row })).then([event('BudgetRowSet', { source: 'fiscal', row })]);
    given([created, event('BudgetRowSet', { source: 'fiscal', row })]).when(command('SetBudgetRow', { source: 'fiscal', row: { ...row, initial: '170' } })).thenNothing();
  });

  it('refuses an evaluation score above its maximum', () => {
    given([created])
      .when(command('SetEvaluationItem', { itemId: 'e1', item: { category: '履职效能', maximum: '15', score: '15.5', justification: '目标全部完成' } }))
      .thenRefused('EVALUATION_SCORE_ABOVE_MAXIMUM', 'evaluationItems[e1].score');
  });

  it('refuses to remove an evaluation item that is not there', () => {
    given([created]).when(command('RemoveEvaluationItem', { itemId: 'e9' })).thenRefused('EVALUATION_ITEM_NOT_FOUND', 'evaluationItems[e9]');
  });

  it('attaches evidence only to an indicator that exists', () => {
    const evidence = { fileName: '检查记录.pdf', mediaType: 'application/pdf', sizeBytes: 48213, sha256: 'a'.repeat(64), indicatorId: 'b07' };
    given([created, indicatorAdded('b01')]).when(command('AttachEvidence', { evidenceId: 'ev1', evidence })).thenRefused('INDICATOR_NOT_FOUND', 'evidence[ev1].indicatorId');
    given([created, indicatorAdded('b01')])
      .when(command('AttachEvidence', { evidenceId: 'ev1', evidence: { ...evidence, indicatorId: 'b01' } }))
      .then([event('EvidenceAttached', { evidenceId: 'ev1', evidence: { ...evidence, indicatorId: 'b01', description: null } })]);
  });

  it('refuses detaching evidence that is not attached', () => {
    given([created]).when(command('DetachEvidence', { evidenceId: 'ev1' })).thenRefused('EVIDENCE_NOT_FOUND', 'evidence[ev1]');
  });

  it("refuses edits by someone outside the report's unit or not its filler", () => {
    given([created]).when(command('SetSelfTotal', { value: '100' }, { ...filler, organisationId: 'org-other-unit' })).thenRefused('ACTOR_OUTSIDE_UNIT', '');
    given([created]).when(command('SetSelfTotal', { value: '100' }, { ...filler, role: 'finance_reviewer' })).thenRefused('ROLE_NOT_ALLOWED', '');
  });
});

describe('report decider: submitting and withdrawing', () => {
  it('submits a report whose checks hold no error, recording the score it had', () => {
    given(projectB).when(command('SubmitReport', {})).then([submitted, event('ReviewStageEntered', { stageId: 'unit_signoff', stageIndex: 0, role: 'unit_leader', approvalsRequired: 1, timeLimitWorkingDays: 3, cycle: 1 })]);
  });

  it('refuses submission while error checks hold, and lists each of them with its field', () => {
    const refusal = given([...projectB, indicatorAdded('b06', { name: '新增指标', weight: '5', selfScore: null })])
      .when(command('SubmitReport', {}))
      .thenRefused('SUBMIT_BLOCKED_BY_CHECKS', '');
    expect(refusal.problems.slice(1).map((p) => [p.code, p.path])).toEqual([['WEIGHTS_TOTAL_MISMATCH', 'indicators']]);
    expect(refusal.problems[1]!.message).toEqual({ 'zh-CN': '指标权重合计105，应为100（预算执行10，绩效指标95）', en: 'Indicator weights total 105, expected 100 (budget execution 10, indicators 95)' });
  });

  it('refuses edits once submitted', () => {
    given([...projectB, submitted]).when(command('UpdateIndicator', { indicatorId: 'b01', changes: { actual: '210' } })).thenRefused('REPORT_NOT_DRAFT', 'status');
    given([...projectB, submitted]).when(command('SubmitReport', {})).thenRefused('REPORT_NOT_DRAFT', 'status');
  });

  it('withdraws a submission back to draft, and only a submission', () => {
    given([...projectB, submitted]).when(command('WithdrawReport', { reason: '补充佐证材料' })).then([event('ReportWithdrawn', { reason: '补充佐证材料' })]);
    given(projectB).when(command('WithdrawReport', {})).thenRefused('REPORT_NOT_SUBMITTED', 'status');
  });

  it('accepts edits again once the review workflow has returned the report', () => {
    const reviewer = { userId: 'u-finance', role: 'finance_reviewer' as const, organisationId: 'org-kaijiang-czj' };
    const returned = event('ReportReturned', { stage: 'finance_review', opinion: '满意度指标须附问卷', opinions: [], to: 'draft' }, reviewer);
    given([...projectB, submitted, returned])
      .when(command('UpdateIndicator', { indicatorId: 'b04', changes: { explanation: '问卷已附' } }))
      .then([event('IndicatorUpdated', { indicatorId: 'b04', changes: { explanation: '问卷已附' } })]);
  });
});

describe('report commands at the boundary', () => {
  it('refuses amounts sent as JSON numbers, naming the field in both languages', () => {
    let thrown: unknown;
    try {
      parseReportCommand({ type: 'SetBudgetRow', data: { source: 'fiscal', row: { executed: 9.33 } }, metadata: { at: AT, actor: filler } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    const [problem] = (thrown as DomainError).problems;
    expect(problem).toMatchObject({ code: 'COMMAND_INVALID', path: 'data.row.executed' });
    expect(problem!.message['zh-CN']).toContain('收到的是数字 9.33');
    expect(problem!.message.en).toContain('got the number 9.33');
  });

  it('refuses an unknown command type', () => {
    expect(() => parseReportCommand({ type: 'SignReport', data: {}, metadata: { at: AT, actor: filler } })).toThrow(DomainError);
  });
});
