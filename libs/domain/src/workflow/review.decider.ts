import type { CommandMetadata } from '../shared/actor.js';
import { dec } from '../shared/decimal.js';
import { DomainError } from '../shared/domain-error.js';
import { text } from '../shared/i18n.js';
import type { RuleProfile } from '../scoring/rule-profile.js';
import type { ReportCommandOf } from '../report/report.commands.js';
import { reportEvent, type ReportEvent } from '../report/report.events.js';
import type { ReportAggregate } from '../report/report.state.js';
import type { ReviewCommandType } from './review.commands.js';
import type { ReviewState } from './review.state.js';
import { type WorkflowSnapshot, type WorkflowStage } from './workflow.definition.js';

/**
 * What the application resolves for a review decision: the report unit's place in the
 * organisation tree, the unit first and the finance bureau last.
 */
export interface ReviewContext {
  organisationPath: readonly string[];
}

type ReviewCommand = ReportCommandOf<ReviewCommandType>;
type Meta = { at: string; by: CommandMetadata['actor'] };

const refuse = (code: string, path: string, zh: string, en: string, details?: Record<string, unknown>): never => {
  throw DomainError.of(code, path, text(zh, en), details);
};

/**
 * The review workflow's decisions. Segregation of duties (不相容岗位分离) is enforced here, not in
 * a controller, so every way into the system obeys it.
 */
export function decideReview(command: ReviewCommand, report: ReportAggregate, context: ReviewContext, profile: RuleProfile): ReportEvent[] {
  const meta = { at: command.metadata.at, by: command.metadata.actor };
  const actor = command.metadata.actor;
  if (!context.organisationPath.includes(actor.organisationId)) {
    refuse('ACTOR_OUTSIDE_SUBTREE', '', '只能审核本机构管辖范围内的报告', 'reviewers act only on reports inside their own organisation subtree', {
      organisationId: actor.organisationId,
    });
  }
  switch (command.type) {
    case 'ApproveReport':
      return approve(report, command.data, meta);
    case 'ReturnReport':
      return returnReport(report, command.data, meta);
    case 'SetReviewerScore':
      return setReviewerScore(report, command.data, meta, profile);
    case 'PublishReport':
      requirePerformanceOfficer(meta);
      if (report.status !== 'approved') refuse('REPORT_NOT_APPROVED', 'status', '只能发布已审核通过的报告', 'only an approved report can be published', { status: report.status });
      return [reportEvent('ReportPublished', meta)];
    case 'ReopenReport':
      requirePerformanceOfficer(meta);
      if (report.status !== 'approved' && report.status !== 'published') {
        refuse('REPORT_NOT_APPROVED', 'status', '只能重新打开已审核通过的报告', 'only an approved report can be reopened', { status: report.status });
      }
      return [reportEvent('ReportReopened', { ...meta, reason: command.data.reason })];
    default: {
      const unknown: never = command;
      throw new Error(`unhandled review command ${(unknown as ReviewCommand).type}`);
    }
  }
}

/** The events that open a submission's review: resubmission restarts the chain or resumes where it was returned. */
export function startReviewEvents(report: ReportAggregate, workflow: WorkflowSnapshot, meta: Meta): ReportEvent[] {
  const review = report.review;
  const bound = review?.workflow ?? workflow;
  const index = review?.resumeAt ?? 0;
  return [stageEntered(bound, index, (review?.cycle ?? 0) + 1, meta)];
}

/** The workflow a submission goes through: the one a report started with, for its whole life. */
export function workflowForSubmission(report: ReportAggregate, current: WorkflowSnapshot): WorkflowSnapshot {
  return report.review?.workflow ?? current;
}

/** Withdrawal is possible until the first review action on the submission. */
export function refuseWithdrawalAfterReview(report: ReportAggregate): void {
  if (report.review?.reviewedThisCycle && report.status === 'submitted') {
    refuse('REPORT_ALREADY_REVIEWED', 'status', '审核已开始，不能撤回', 'a reviewer has already acted on this submission: it can no longer be withdrawn');
  }
}

function stageEntered(workflow: WorkflowSnapshot, index: number, cycle: number, meta: Meta): ReportEvent {
  const stage = workflow.stages[index]!;
  return reportEvent('ReviewStageEntered', {
    ...meta,
    stageId: stage.id,
    stageIndex: index,
    role: stage.role,
    approvalsRequired: stage.approvals,
    timeLimitWorkingDays: stage.timeLimitWorkingDays,
    cycle,
  });
}

/** The stage that acts now, after checking the command names it and the actor holds its role. */
function actingStage(report: ReportAggregate, stageId: string, meta: Meta): { review: ReviewState; stage: WorkflowStage } {
  if (report.status !== 'submitted' || !report.review) {
    refuse('REPORT_NOT_IN_REVIEW', 'status', '报告不在审核中', 'the report is not in review', { status: report.status });
  }
  const review = report.review!;
  const stage = review.workflow.stages[review.stageIndex]!;
  if (stage.id !== stageId) {
    refuse('STAGE_MISMATCH', 'stageId', `报告当前处于“${stage.name['zh-CN']}”环节，不是${stageId}`, `the report is at stage "${stage.name.en}", not ${stageId}`, {
      currentStage: stage.id,
    });
  }
  if (meta.by.role !== stage.role) {
    refuse('ROLE_NOT_ALLOWED_AT_STAGE', '', `“${stage.name['zh-CN']}”环节须由${stage.role}办理`, `stage "${stage.name.en}" is for the ${stage.role} role`, {
      role: meta.by.role,
      required: stage.role,
    });
  }
  return { review, stage };
}

function approve(report: ReportAggregate, data: ReportCommandOf<'ApproveReport'>['data'], meta: Meta): ReportEvent[] {
  const { review, stage } = actingStage(report, data.stageId, meta);
  const userId = meta.by.userId;
  if (report.editors.includes(userId) || report.submitters.includes(userId)) {
    refuse('SOD_EDITOR_CANNOT_APPROVE', '', '编辑或提交过本报告的人员不能审核通过', 'whoever edited or submitted this report may not approve it');
  }
  const otherStage = review.approvedStageOf[userId];
  if (otherStage !== undefined && otherStage !== stage.id) {
    refuse('SOD_SECOND_STAGE', '', '同一人不能审核通过同一报告的两个环节', 'one person may not approve two stages of the same report', { approvedStage: otherStage });
  }
  if (review.approvals.some((a) => a.userId === userId)) {
    refuse('SOD_ALREADY_APPROVED', '', '您已审核通过本环节，须由另一人复核', 'you have already approved this stage: another person must approve it too', {
      approvals: review.approvals.length,
      required: stage.approvals,
    });
  }
  const events: ReportEvent[] = [reportEvent('ReviewApproved', { ...meta, stageId: stage.id, revision: report.revision, opinion: data.opinion })];
  if (review.approvals.length + 1 < stage.approvals) return events;
  const next = review.stageIndex + 1;
  if (next < review.workflow.stages.length) events.push(stageEntered(review.workflow, next, review.cycle, meta));
  else events.push(reportEvent('ReportApproved', meta));
  return events;
}

function returnReport(report: ReportAggregate, data: ReportCommandOf<'ReturnReport'>['data'], meta: Meta): ReportEvent[] {
  const { review, stage } = actingStage(report, data.stageId, meta);
  data.opinions.forEach((opinion, index) => {
    if (!pathExists(report, opinion.path)) {
      refuse('OPINION_PATH_UNKNOWN', `opinions[${index}].path`, `报告中没有“${opinion.path}”这一项`, `the report has no field ${opinion.path}`);
    }
  });
  const toPrevious = stage.returnTo === 'previous' && review.stageIndex > 0;
  const returned = reportEvent('ReportReturned', { ...meta, stage: stage.id, opinion: data.opinion, opinions: data.opinions, to: toPrevious ? 'previous' : 'draft' });
  return toPrevious ? [returned, stageEntered(review.workflow, review.stageIndex - 1, review.cycle, meta)] : [returned];
}

function setReviewerScore(report: ReportAggregate, data: ReportCommandOf<'SetReviewerScore'>['data'], meta: Meta, profile: RuleProfile): ReportEvent[] {
  const { stage, review } = actingStage(report, data.stageId, meta);
  if (!stage.mayScore) {
    refuse('STAGE_MAY_NOT_SCORE', 'stageId', `“${stage.name['zh-CN']}”环节不能设定核查分数`, `stage "${stage.name.en}" may not set reviewer scores`);
  }
  const bound = scoreBound(report, data.path, profile);
  if (data.score !== null && dec(data.score).greaterThan(bound)) {
    refuse('REVIEWER_SCORE_ABOVE_WEIGHT', 'score', `核查分数${data.score}超过该项分值${bound.toFixed()}`, `reviewer score ${data.score} is above the item's weight ${bound.toFixed()}`, {
      weight: bound.toFixed(),
    });
  }
  const current = review.reviewerScores[data.path];
  const sameScore = current ? (current.score === null ? data.score === null : data.score !== null && dec(current.score).equals(data.score)) : data.score === null;
  if (sameScore && current?.reason === data.reason) return [];
  return [reportEvent('ReviewerScoreSet', { ...meta, stageId: stage.id, path: data.path, score: data.score, reason: data.reason })];
}

const indicatorPath = /^indicators\[([^\]]+)\](?:\.[A-Za-z]+)?$/;
const evaluationItemPath = /^evaluationItems\[([^\]]+)\](?:\.[A-Za-z]+)?$/;
const otherPaths = /^(|budget(\.[A-Za-z]+){0,2}|header(\.[A-Za-z]+)?|narrative(\.[A-Za-z]+)?|selfTotal|evidence(\[[^\]]+\])?)$/;

function pathExists(report: ReportAggregate, path: string): boolean {
  const indicator = indicatorPath.exec(path);
  if (indicator) return report.content.indicators.some((i) => i.id === indicator[1]);
  const item = evaluationItemPath.exec(path);
  if (item) return report.content.evaluationItems.some((i) => i.id === item[1]);
  return otherPaths.test(path);
}

/** The most a reviewer may give an item: its weight (an indicator), its maximum (an evaluation item), or the execution weight. */
function scoreBound(report: ReportAggregate, path: string, profile: RuleProfile) {
  if (path === 'budget') return profile.execution.weight;
  const indicator = /^indicators\[([^\]]+)\]$/.exec(path);
  if (indicator) {
    const found = report.content.indicators.find((i) => i.id === indicator[1]);
    if (found) return found.weight;
  }
  const item = /^evaluationItems\[([^\]]+)\]$/.exec(path);
  if (item) {
    const found = report.content.evaluationItems.find((i) => i.id === item[1]);
    if (found?.maximum) return found.maximum;
    if (found) refuse('EVALUATION_ITEM_HAS_NO_MAXIMUM', 'path', '该评价项目没有满分，不能设定核查分数', 'this evaluation item has no maximum, so it cannot take a reviewer score');
  }
  return refuse('REVIEWER_SCORE_TARGET_UNKNOWN', 'path', `不能对“${path}”设定核查分数`, `no scored item at ${path}`, {
    expected: 'indicators[<id>] | evaluationItems[<id>] | budget',
  });
}

function requirePerformanceOfficer(meta: Meta): void {
  if (meta.by.role !== 'performance_officer') {
    refuse('ROLE_NOT_ALLOWED', '', '只有财政局绩效管理科可以发布或重新打开报告', 'only the performance officer may publish or reopen a report', { role: meta.by.role });
  }
}
