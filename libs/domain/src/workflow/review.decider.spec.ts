import { describe, expect, it } from '@jest/globals';
import type { Actor } from '../shared/actor.js';
import { given } from '../testing/decider-spec.js';
import { command, event, filler, indicatorAdded, reportCreated } from '../testing/report-builders.js';
import type { ReportEvent } from '../report/report.events.js';
import { evolveAll } from '../report/report.state.js';
import { defaultWorkflow, type WorkflowSnapshot } from './workflow.definition.js';

const UNIT = filler.organisationId;
const DEPARTMENT = 'org-kaijiang-dept';
const BUREAU = 'org-kaijiang-czj';
const review = { organisationPath: [UNIT, DEPARTMENT, BUREAU] };

const actor = (userId: string, role: Actor['role'], organisationId: string): Actor => ({ userId, role, organisationId });
const leader = actor('u-leader', 'unit_leader', UNIT);
const department = actor('u-dept', 'department_reviewer', DEPARTMENT);
const finance = actor('u-fin', 'finance_reviewer', BUREAU);
const finance2 = actor('u-fin-2', 'finance_reviewer', BUREAU);
const officer = actor('u-perf', 'performance_officer', BUREAU);
const officer2 = actor('u-perf-2', 'performance_officer', BUREAU);
const otherDepartment = actor('u-dept-other', 'department_reviewer', 'org-other-dept');

// A draft whose checks hold no error: budget rows that add up, indicators weighing 90.
const draft: ReportEvent[] = [
  reportCreated(),
  event('BudgetRowSet', { source: 'total', row: { initial: '10.00', adjusted: '10.00', executed: '10.00', statedRate: '100.00' } }),
  event('BudgetRowSet', { source: 'fiscal', row: { initial: '10.00', adjusted: '10.00', executed: '10.00', statedRate: '100.00' } }),
  indicatorAdded('i1', { weight: '50', selfScore: '50' }, 0),
  indicatorAdded('i2', { level1: 'satisfaction', level2: 'service-satisfaction', name: '群众满意度', target: '90', unit: '%', actual: '95%', weight: '40', selfScore: '40' }, 1),
];

const score = { profileId: 'default', profileVersion: 1, total: '100.00', grade: '优' as const };
const submittedWith = (workflow: WorkflowSnapshot) => event('ReportSubmitted', { score, workflow });
const entered = (workflow: WorkflowSnapshot, stageIndex: number, cycle = 1, by: Actor = filler) => {
  const stage = workflow.stages[stageIndex]!;
  return event(
    'ReviewStageEntered',
    { stageId: stage.id, stageIndex, role: stage.role, approvalsRequired: stage.approvals, timeLimitWorkingDays: stage.timeLimitWorkingDays, cycle },
    by,
  );
};
const approved = (stageId: string, by: Actor, revision: number, opinion: string | null = null) => event('ReviewApproved', { stageId, revision, opinion }, by);

const inReview = [...draft, submittedWith(defaultWorkflow), entered(defaultWorkflow, 0)];
/** Revision of the last event of a history: what an approver sees. */
const revisionOf = (events: ReportEvent[]) => events.length - 1;
/** The default chain approved up to (not including) stage `index`. */
function approvedUpTo(index: number): ReportEvent[] {
  const people = [leader, department, finance, officer];
  const events = [...inReview];
  for (let i = 0; i < index; i++) {
    events.push(approved(defaultWorkflow.stages[i]!.id, people[i]!, revisionOf(events)), entered(defaultWorkflow, i + 1, 1, people[i]!));
  }
  return events;
}
const atFinance = approvedUpTo(2);
const atPerformance = approvedUpTo(3);
const fullyApproved = [...atPerformance, approved('performance_review', officer, revisionOf(atPerformance)), event('ReportApproved', {}, officer)];

const when = (history: ReportEvent[], type: Parameters<typeof command>[0], data: object, by: Actor) =>
  given(history, { review }).when(command(type, data as never, by));

describe('review workflow: submission opens the chain', () => {
  it('submits into the first stage of the built-in chain, recording the workflow it goes through', () => {
    given(draft).when(command('SubmitReport', {})).then([submittedWith(defaultWorkflow), entered(defaultWorkflow, 0)]);
  });

  it('submits into a bureau’s own workflow when one is given', () => {
    given(draft, { workflow: twoStages }).when(command('SubmitReport', {})).then([submittedWith(twoStages), entered(twoStages, 0)]);
  });

  it('lets the filler withdraw until the first review action, and not after', () => {
    when(inReview, 'WithdrawReport', { reason: '补充材料' }, filler).then([event('ReportWithdrawn', { reason: '补充材料' })]);
    const afterSignOff = approvedUpTo(1);
    when(afterSignOff, 'WithdrawReport', {}, filler).thenRefused('REPORT_ALREADY_REVIEWED', 'status');
  });
});

describe('review workflow: approving', () => {
  it('approves the stage and moves the report to the next stage', () => {
    when(inReview, 'ApproveReport', { stageId: 'unit_signoff', opinion: '同意报送' }, leader).then([
      approved('unit_signoff', leader, revisionOf(inReview), '同意报送'),
      entered(defaultWorkflow, 1, 1, leader),
    ]);
  });

  it('completes the chain at the last stage: the report is approved', () => {
    when(atPerformance, 'ApproveReport', { stageId: 'performance_review' }, officer).then([
      approved('performance_review', officer, revisionOf(atPerformance)),
      event('ReportApproved', {}, officer),
    ]);
    expect(evolveAll(fullyApproved)).toMatchObject({ status: 'approved' });
  });

  it('refuses an action aimed at another stage than the current one (a stale screen)', () => {
    const refusal = when(atFinance, 'ApproveReport', { stageId: 'department_review' }, department).thenRefused('STAGE_MISMATCH', 'stageId');
    expect(refusal.problems[0]!.details).toEqual({ currentStage: 'finance_review' });
  });

  it('refuses a role that is not the stage’s', () => {
    when(atFinance, 'ApproveReport', { stageId: 'finance_review' }, officer).thenRefused('ROLE_NOT_ALLOWED_AT_STAGE', '');
    when(atFinance, 'ApproveReport', { stageId: 'finance_review' }, filler).thenRefused('ROLE_NOT_ALLOWED_AT_STAGE', '');
  });

  it('refuses a reviewer outside the report’s organisation subtree', () => {
    when(approvedUpTo(1), 'ApproveReport', { stageId: 'department_review' }, otherDepartment).thenRefused('ACTOR_OUTSIDE_SUBTREE', '');
  });

  it('refuses review actions on a draft, and on an approved report', () => {
    when(draft, 'ApproveReport', { stageId: 'unit_signoff' }, leader).thenRefused('REPORT_NOT_IN_REVIEW', 'status');
    when(fullyApproved, 'ReturnReport', { stageId: 'performance_review', opinion: '再看看' }, officer).thenRefused('REPORT_NOT_IN_REVIEW', 'status');
  });

  it('refuses edits while in review: only the workflow moves the report', () => {
    when(atFinance, 'SetSelfTotal', { value: '99' }, filler).thenRefused('REPORT_NOT_DRAFT', 'status');
  });
});

describe('review workflow: segregation of duties (不相容岗位分离)', () => {
  it('bars whoever edited the report from approving it', () => {
    // Stored history where the department reviewer once edited (e.g. under an earlier rule):
    // evolve keeps every editor, and the decider bars them.
    const history = [...draft, event('SelfTotalSet', { value: '100' }, department)];
    const submitted = [...history, submittedWith(defaultWorkflow), entered(defaultWorkflow, 0)];
    const afterSignOff = [...submitted, approved('unit_signoff', leader, revisionOf(submitted)), entered(defaultWorkflow, 1, 1, leader)];
    when(afterSignOff, 'ApproveReport', { stageId: 'department_review' }, department).thenRefused('SOD_EDITOR_CANNOT_APPROVE', '');
  });

  it('bars whoever submitted the report from approving it', () => {
    const submittedByLeader = [...draft, event('ReportSubmitted', { score, workflow: defaultWorkflow }, leader), entered(defaultWorkflow, 0, 1, leader)];
    when(submittedByLeader, 'ApproveReport', { stageId: 'unit_signoff' }, leader).thenRefused('SOD_EDITOR_CANNOT_APPROVE', '');
  });

  it('bars one person from approving two stages of the same report', () => {
    const financeTwice: WorkflowSnapshot = {
      ...twoStages,
      id: 'bureau-x',
      stages: [
        { ...twoStages.stages[0]!, role: 'finance_reviewer' },
        { ...twoStages.stages[1]!, role: 'finance_reviewer' },
      ],
    };
    const submitted = [...draft, submittedWith(financeTwice), entered(financeTwice, 0)];
    const afterFirst = [...submitted, approved('check', finance, revisionOf(submitted)), entered(financeTwice, 1, 1, finance)];
    const refusal = when(afterFirst, 'ApproveReport', { stageId: 'final' }, finance).thenRefused('SOD_SECOND_STAGE', '');
    expect(refusal.problems[0]!.details).toEqual({ approvedStage: 'check' });
    when(afterFirst, 'ApproveReport', { stageId: 'final' }, finance2).then([approved('final', finance2, revisionOf(afterFirst)), event('ReportApproved', {}, finance2)]);
  });

  it('still bars a second stage after a return and resubmission (over every cycle)', () => {
    const financeTwice: WorkflowSnapshot = { ...twoStages, stages: twoStages.stages.map((s) => ({ ...s, role: 'finance_reviewer' as const })) };
    const submitted = [...draft, submittedWith(financeTwice), entered(financeTwice, 0)];
    const returned = [
      ...submitted,
      approved('check', finance, revisionOf(submitted)),
      entered(financeTwice, 1, 1, finance),
      event('ReportReturned', { stage: 'final', opinion: '请补充', opinions: [], to: 'draft' }, finance2),
    ];
    const again = [...returned, submittedWith(financeTwice), entered(financeTwice, 0, 2)];
    const afterFirst = [...again, approved('check', finance2, revisionOf(again)), entered(financeTwice, 1, 2, finance2)];
    when(afterFirst, 'ApproveReport', { stageId: 'final' }, finance2).thenRefused('SOD_SECOND_STAGE', '');
  });

  describe('four-eyes: a stage that needs two distinct approvers', () => {
    const fourEyes: WorkflowSnapshot = { ...defaultWorkflow, id: 'bureau-4e', version: 3, stages: defaultWorkflow.stages.map((s) => (s.id === 'finance_review' ? { ...s, approvals: 2 } : s)) };
    const submitted = [...draft, submittedWith(fourEyes), entered(fourEyes, 0)];
    const s1 = [...submitted, approved('unit_signoff', leader, revisionOf(submitted)), entered(fourEyes, 1, 1, leader)];
    const atFinanceFourEyes = [...s1, approved('department_review', department, revisionOf(s1)), entered(fourEyes, 2, 1, department)];
    const oneApproval = [...atFinanceFourEyes, approved('finance_review', finance, revisionOf(atFinanceFourEyes))];

    it('keeps the report at the stage after the first approval', () => {
      when(atFinanceFourEyes, 'ApproveReport', { stageId: 'finance_review' }, finance).then([approved('finance_review', finance, revisionOf(atFinanceFourEyes))]);
      expect(evolveAll(oneApproval)).toMatchObject({ status: 'submitted', review: { stageIndex: 2, approvals: [{ userId: 'u-fin' }] } });
    });

    it('refuses the same person approving twice', () => {
      const refusal = when(oneApproval, 'ApproveReport', { stageId: 'finance_review' }, finance).thenRefused('SOD_ALREADY_APPROVED', '');
      expect(refusal.problems[0]!.details).toEqual({ approvals: 1, required: 2 });
    });

    it('moves on when a second, different person approves', () => {
      when(oneApproval, 'ApproveReport', { stageId: 'finance_review' }, finance2).then([
        approved('finance_review', finance2, revisionOf(oneApproval)),
        entered(fourEyes, 3, 1, finance2),
      ]);
    });
  });
});

describe('review workflow: returning (退回修改)', () => {
  it('returns to draft with opinions on the report and on single indicators', () => {
    const opinions = [{ path: 'indicators[i2]', text: '满意度须附问卷' }, { path: 'budget.total.executed', text: '执行数与决算不符' }];
    when(atFinance, 'ReturnReport', { stageId: 'finance_review', opinion: '请修改后重新报送', opinions }, finance).then([
      event('ReportReturned', { stage: 'finance_review', opinion: '请修改后重新报送', opinions, to: 'draft' }, finance),
    ]);
  });

  it('refuses an opinion that points at no field of the report', () => {
    when(atFinance, 'ReturnReport', { stageId: 'finance_review', opinion: '请修改', opinions: [{ path: 'indicators[nope]', text: 'x' }] }, finance).thenRefused(
      'OPINION_PATH_UNKNOWN',
      'opinions[0].path',
    );
  });

  it('requires the return to say why', () => {
    when(atFinance, 'ReturnReport', { stageId: 'finance_review', opinion: '  ' }, finance).thenRefused('COMMAND_INVALID', 'data.opinion');
  });

  it('restarts the chain on resubmission after a return (the default)', () => {
    const returned = [...atFinance, event('ReportReturned', { stage: 'finance_review', opinion: '请修改', opinions: [], to: 'draft' }, finance)];
    expect(evolveAll(returned)).toMatchObject({ status: 'draft', lastReturn: { stage: 'finance_review', opinion: '请修改' } });
    given(returned).when(command('SubmitReport', {})).then([submittedWith(defaultWorkflow), entered(defaultWorkflow, 0, 2)]);
  });

  it('keeps the workflow the report started with, even when the bureau has a newer one', () => {
    const returned = [...atFinance, event('ReportReturned', { stage: 'finance_review', opinion: '请修改', opinions: [], to: 'draft' }, finance)];
    given(returned, { workflow: twoStages }).when(command('SubmitReport', {})).then([submittedWith(defaultWorkflow), entered(defaultWorkflow, 0, 2)]);
  });

  it('resumes at the returning stage when the workflow says so', () => {
    const submitted = [...draft, submittedWith(twoStages), entered(twoStages, 0)];
    const atFinal = [...submitted, approved('check', department, revisionOf(submitted)), entered(twoStages, 1, 1, department)];
    const returned = [...atFinal, event('ReportReturned', { stage: 'final', opinion: '请修改', opinions: [], to: 'draft' }, officer)];
    given(returned).when(command('SubmitReport', {})).then([submittedWith(twoStages), entered(twoStages, 1, 2)]);
  });

  it('returns to the previous stage when the stage is set up that way', () => {
    const backwards: WorkflowSnapshot = { ...twoStages, stages: [twoStages.stages[0]!, { ...twoStages.stages[1]!, returnTo: 'previous' }] };
    const submitted = [...draft, submittedWith(backwards), entered(backwards, 0)];
    const atFinal = [...submitted, approved('check', department, revisionOf(submitted)), entered(backwards, 1, 1, department)];
    when(atFinal, 'ReturnReport', { stageId: 'final', opinion: '部门意见不充分' }, officer).then([
      event('ReportReturned', { stage: 'final', opinion: '部门意见不充分', opinions: [], to: 'previous' }, officer),
      entered(backwards, 0, 1, officer),
    ]);
    const back = [...atFinal, event('ReportReturned', { stage: 'final', opinion: '部门意见不充分', opinions: [], to: 'previous' }, officer), entered(backwards, 0, 1, officer)];
    expect(evolveAll(back)).toMatchObject({ status: 'submitted', review: { stageIndex: 0, approvals: [] } });
    // The same department reviewer approves the same stage again: that is not a second stage.
    when(back, 'ApproveReport', { stageId: 'check' }, department).then([approved('check', department, revisionOf(back)), entered(backwards, 1, 1, department)]);
  });
});

describe('review workflow: reviewer scores (核查分数)', () => {
  it('sets a reviewer score within the item’s weight, with a reason', () => {
    when(atPerformance, 'SetReviewerScore', { stageId: 'performance_review', path: 'indicators[i1]', score: '45', reason: '佐证不足' }, officer).then([
      event('ReviewerScoreSet', { stageId: 'performance_review', path: 'indicators[i1]', score: '45', reason: '佐证不足' }, officer),
    ]);
    when(atPerformance, 'SetReviewerScore', { stageId: 'performance_review', path: 'budget', score: '9.5', reason: '执行率按决算' }, officer).then([
      event('ReviewerScoreSet', { stageId: 'performance_review', path: 'budget', score: '9.5', reason: '执行率按决算' }, officer),
    ]);
  });

  it('refuses a score above the weight, naming the weight', () => {
    const refusal = when(atPerformance, 'SetReviewerScore', { stageId: 'performance_review', path: 'indicators[i2]', score: '40.5', reason: 'x' }, officer).thenRefused(
      'REVIEWER_SCORE_ABOVE_WEIGHT',
      'score',
    );
    expect(refusal.problems[0]!.details).toEqual({ weight: '40' });
  });

  it('refuses an unknown item, and a stage that may not score', () => {
    when(atPerformance, 'SetReviewerScore', { stageId: 'performance_review', path: 'indicators[zz]', score: '1', reason: 'x' }, officer).thenRefused('REVIEWER_SCORE_TARGET_UNKNOWN', 'path');
    when(atFinance, 'SetReviewerScore', { stageId: 'finance_review', path: 'indicators[i1]', score: '1', reason: 'x' }, finance).thenRefused('STAGE_MAY_NOT_SCORE', 'stageId');
  });

  it('records nothing when the score and reason are unchanged; counts as a review action', () => {
    const scored = [...atPerformance, event('ReviewerScoreSet', { stageId: 'performance_review', path: 'indicators[i1]', score: '45', reason: '佐证不足' }, officer)];
    when(scored, 'SetReviewerScore', { stageId: 'performance_review', path: 'indicators[i1]', score: '45.00', reason: '佐证不足' }, officer).thenNothing();
    expect(evolveAll(scored)).toMatchObject({ review: { reviewerScores: { 'indicators[i1]': { score: '45', reason: '佐证不足' } } } });
  });
});

describe('review workflow: publishing and reopening', () => {
  it('publishes an approved report (performance officer only)', () => {
    when(fullyApproved, 'PublishReport', {}, officer2).then([event('ReportPublished', {}, officer2)]);
    when(fullyApproved, 'PublishReport', {}, finance).thenRefused('ROLE_NOT_ALLOWED', '');
    when(atPerformance, 'PublishReport', {}, officer).thenRefused('REPORT_NOT_APPROVED', 'status');
  });

  it('reopens an approved or published report with a reason, back to draft for a new cycle', () => {
    when(fullyApproved, 'ReopenReport', { reason: '审计发现执行数有误' }, officer).then([event('ReportReopened', { reason: '审计发现执行数有误' }, officer)]);
    const published = [...fullyApproved, event('ReportPublished', {}, officer)];
    when(published, 'ReopenReport', { reason: '更正' }, officer).then([event('ReportReopened', { reason: '更正' }, officer)]);
    when(published, 'ReopenReport', { reason: '' }, officer).thenRefused('COMMAND_INVALID', 'data.reason');
    when(inReview, 'ReopenReport', { reason: '更正' }, officer).thenRefused('REPORT_NOT_APPROVED', 'status');
    const reopened = [...published, event('ReportReopened', { reason: '更正' }, officer)];
    expect(evolveAll(reopened)).toMatchObject({ status: 'draft' });
    given(reopened).when(command('SubmitReport', {})).then([submittedWith(defaultWorkflow), entered(defaultWorkflow, 0, 2)]);
  });
});

// A custom two-stage workflow: the department checks, the performance officer decides and scores;
// a resubmission resumes where the report was returned.
const twoStages: WorkflowSnapshot = {
  id: 'org-kaijiang-czj',
  version: 2,
  resubmission: 'resume',
  stages: [
    { id: 'check', name: { 'zh-CN': '部门审核', en: 'department check' }, role: 'department_reviewer', mayScore: false, approvals: 1, timeLimitWorkingDays: 5, returnTo: 'draft' },
    { id: 'final', name: { 'zh-CN': '财政复核', en: 'final review' }, role: 'performance_officer', mayScore: true, approvals: 1, timeLimitWorkingDays: 10, returnTo: 'draft' },
  ],
};
