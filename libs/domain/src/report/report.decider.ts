import type { Decimal } from 'decimal.js';
import type { CommandMetadata } from '../shared/actor.js';
import { DomainError, type Problem } from '../shared/domain-error.js';
import { text } from '../shared/i18n.js';
import { runChecks } from '../checks/checks.js';
import { dec, fixed2 } from '../shared/decimal.js';
import { builtInProfiles, getRuleProfile, type ProfileLookup } from '../scoring/profiles/index.js';
import { scoreReport } from '../scoring/score-report.js';
import type { ReportCommand, ReportCommandOf } from './report.commands.js';
import { reviewCommandTypes, type ReviewCommandType } from '../workflow/review.commands.js';
import { decideReview, refuseWithdrawalAfterReview, startReviewEvents, workflowForSubmission, type ReviewContext } from '../workflow/review.decider.js';
import { defaultWorkflow, type WorkflowSnapshot } from '../workflow/workflow.definition.js';
import { reportEvent, type ReportEvent } from './report.events.js';
import { applyIndicatorChanges, budgetRowFromWire, budgetRowToWire, evaluationItemFromWire, evaluationItemToWire, indicatorToWire } from './report.fields.js';
import { paths } from './report.model.js';
import type { ReportAggregate, ReportState } from './report.state.js';

export interface ReportDeciderOptions {
  /** Where rule profiles come from; the built-in ones unless an admin-managed store is given. */
  profiles?: ProfileLookup;
  /** The finance bureau's current workflow, for a first submission; the built-in chain when absent. */
  workflow?: WorkflowSnapshot;
  /** The report unit's place in the organisation tree; review commands need it. */
  review?: ReviewContext;
}

const refuse = (code: string, path: string, zh: string, en: string, details?: Record<string, unknown>): never => {
  throw DomainError.of(code, path, text(zh, en), details);
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sameDecimal = (current: Decimal | null, next: string | null) => (current === null ? next === null : next !== null && current.equals(next));

/**
 * Decides what a command means for a report: the events to append, or a DomainError naming the
 * field and the reason. Pure: time, ids and the actor come with the command.
 */
export function decide(command: ReportCommand, state: ReportState, options: ReportDeciderOptions = {}): ReportEvent[] {
  const profiles = options.profiles ?? builtInProfiles;
  const meta = { at: command.metadata.at, by: command.metadata.actor };

  if (command.type === 'CreateReport') {
    const d = command.data;
    if (state.status !== 'none') refuse('REPORT_ALREADY_EXISTS', 'reportId', `报告${d.reportId}已存在`, `report ${d.reportId} already exists`);
    const organisationId = d.organisationId ?? command.metadata.actor.organisationId;
    authoriseFiller(organisationId, command.metadata);
    getRuleProfile(d.profileId, profiles);
    return [
      reportEvent('ReportCreated', {
        ...meta,
        reportId: d.reportId,
        kind: d.kind,
        organisationId,
        profileId: d.profileId,
        header: d.header,
      }),
    ];
  }

  if (state.status === 'none') return refuse('REPORT_NOT_FOUND', '', '报告不存在', 'the report does not exist');
  const report = state;
  if (isReviewCommand(command)) {
    if (!options.review) throw new Error(`${command.type} needs the report's organisation path`);
    return decideReview(command, report, options.review, getRuleProfile(report.content.profileId, profiles));
  }
  authorise(report, command.metadata);

  switch (command.type) {
    case 'SubmitReport':
      return submit(report, meta, profiles, workflowForSubmission(report, options.workflow ?? defaultWorkflow));
    case 'WithdrawReport':
      if (report.status !== 'submitted') refuse('REPORT_NOT_SUBMITTED', 'status', '只能撤回已提交且尚未审核的报告', 'only a submitted report that no one has reviewed yet can be withdrawn', { status: report.status });
      refuseWithdrawalAfterReview(report);
      return [reportEvent('ReportWithdrawn', { ...meta, reason: command.data.reason })];
    default:
      if (report.status !== 'draft') refuse('REPORT_NOT_DRAFT', 'status', '报告不在草稿状态，不能修改', 'the report is not a draft and cannot be changed', { status: report.status });
      return edit(command, report, meta);
  }
}

type EditCommand = Exclude<ReportCommand, { type: 'CreateReport' | 'SubmitReport' | 'WithdrawReport' | ReviewCommandType }>;

function isReviewCommand(command: ReportCommand): command is ReportCommandOf<ReviewCommandType> {
  return (reviewCommandTypes as readonly string[]).includes(command.type);
}
type Meta = { at: string; by: CommandMetadata['actor'] };

/** The unit's filler drafts, submits and withdraws; review roles act through the workflow. */
function authorise(report: ReportAggregate, metadata: CommandMetadata): void {
  authoriseFiller(report.organisationId, metadata);
}

/** A report is drafted by its own unit's filler, and by no one else. */
function authoriseFiller(organisationId: string, metadata: CommandMetadata): void {
  const { actor } = metadata;
  if (actor.organisationId !== organisationId) {
    refuse('ACTOR_OUTSIDE_UNIT', '', '只有本单位人员可以编辑本单位的报告', "only the unit's own staff may change its report", { organisationId: actor.organisationId });
  }
  if (actor.role !== 'unit_filler') {
    refuse('ROLE_NOT_ALLOWED', '', '只有预算单位填报人可以编辑、提交或撤回报告', 'only the unit filler may edit, submit or withdraw a report', { role: actor.role });
  }
}

function edit(command: EditCommand, report: ReportAggregate, meta: Meta): ReportEvent[] {
  const c = report.content;
  switch (command.type) {
    case 'UpdateHeader': {
      const changes = command.data.changes;
      if (same({ ...c.header, ...changes }, c.header)) return [];
      return [reportEvent('HeaderUpdated', { ...meta, changes })];
    }
    case 'SetBudgetRow': {
      const { source, row } = command.data;
      const current = c.budget.rows[source];
      const next = Object.values(row).every((v) => v === null) ? null : budgetRowToWire(budgetRowFromWire(row));
      if (same(current ? budgetRowToWire(current) : null, next)) return [];
      return [reportEvent('BudgetRowSet', { ...meta, source, row })];
    }
    case 'UpdateBudgetAssessment': {
      const { changes } = command.data;
      const unchanged =
        (changes.selfScore === undefined || sameDecimal(c.budget.selfScore, changes.selfScore)) &&
        (changes.explanation === undefined || changes.explanation === c.budget.explanation);
      if (unchanged) return [];
      return [reportEvent('BudgetAssessmentUpdated', { ...meta, changes })];
    }
    case 'AddIndicator': {
      const { indicatorId, indicator, position } = command.data;
      if (c.indicators.some((i) => i.id === indicatorId)) {
        refuse('INDICATOR_ID_TAKEN', paths.indicator(indicatorId), `指标标识${indicatorId}已被使用`, `indicator id ${indicatorId} is already in use`);
      }
      const at = Math.min(position ?? c.indicators.length, c.indicators.length);
      return [reportEvent('IndicatorAdded', { ...meta, indicatorId, indicator, position: at })];
    }
    case 'UpdateIndicator': {
      const { indicatorId, changes } = command.data;
      const indicator = findIndicator(report, indicatorId);
      if (same(indicatorToWire(applyIndicatorChanges(indicator, changes)), indicatorToWire(indicator))) return [];
      return [reportEvent('IndicatorUpdated', { ...meta, indicatorId, changes })];
    }
    case 'RemoveIndicator':
      findIndicator(report, command.data.indicatorId);
      return [reportEvent('IndicatorRemoved', { ...meta, indicatorId: command.data.indicatorId })];
    case 'ReorderIndicators': {
      const { order } = command.data;
      const current = c.indicators.map((i) => i.id);
      const permutation = order.length === current.length && new Set(order).size === order.length && order.every((id) => current.includes(id));
      if (!permutation) {
        refuse('INDICATOR_ORDER_MISMATCH', 'indicators', '新顺序须恰好包含现有全部指标各一次', 'the new order must list every current indicator exactly once', { expected: current, got: order });
      }
      if (same(order, current)) return [];
      return [reportEvent('IndicatorsReordered', { ...meta, order })];
    }
    case 'SetEvaluationItem': {
      const { itemId, item } = command.data;
      if (item.score !== null && item.maximum !== null && dec(item.score).greaterThan(item.maximum)) {
        refuse('EVALUATION_SCORE_ABOVE_MAXIMUM', paths.evaluationItem(itemId, 'score'), `得分${item.score}高于满分${item.maximum}`, `score ${item.score} is above the maximum ${item.maximum}`);
      }
      const existing = c.evaluationItems.find((i) => i.id === itemId);
      if (existing && same(evaluationItemToWire(existing), evaluationItemToWire(evaluationItemFromWire(itemId, item)))) return [];
      return [reportEvent('EvaluationItemSet', { ...meta, itemId, item })];
    }
    case 'RemoveEvaluationItem': {
      const { itemId } = command.data;
      if (!c.evaluationItems.some((i) => i.id === itemId)) {
        refuse('EVALUATION_ITEM_NOT_FOUND', paths.evaluationItem(itemId), `评价项目${itemId}不存在`, `evaluation item ${itemId} does not exist`);
      }
      return [reportEvent('EvaluationItemRemoved', { ...meta, itemId })];
    }
    case 'SetNarrative': {
      const { field, text: value } = command.data;
      if (c.narrative[field] === value) return [];
      return [reportEvent('NarrativeSet', { ...meta, field, text: value })];
    }
    case 'SetSelfTotal': {
      const { value } = command.data;
      if (sameDecimal(c.selfTotal, value)) return [];
      return [reportEvent('SelfTotalSet', { ...meta, value })];
    }
    case 'AttachEvidence': {
      const { evidenceId, evidence } = command.data;
      if (c.evidence.some((e) => e.id === evidenceId)) {
        refuse('EVIDENCE_ID_TAKEN', paths.evidence(evidenceId), `佐证材料标识${evidenceId}已被使用`, `evidence id ${evidenceId} is already in use`);
      }
      if (evidence.indicatorId !== null) findIndicator(report, evidence.indicatorId, paths.evidence(evidenceId, 'indicatorId'));
      return [reportEvent('EvidenceAttached', { ...meta, evidenceId, evidence })];
    }
    case 'DetachEvidence': {
      const { evidenceId } = command.data;
      if (!c.evidence.some((e) => e.id === evidenceId)) {
        refuse('EVIDENCE_NOT_FOUND', paths.evidence(evidenceId), `佐证材料${evidenceId}不存在`, `evidence ${evidenceId} does not exist`);
      }
      return [reportEvent('EvidenceDetached', { ...meta, evidenceId })];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unhandled command ${(unknown as ReportCommand).type}`);
    }
  }
}

function findIndicator(report: ReportAggregate, id: string, path = paths.indicator(id)) {
  return report.content.indicators.find((i) => i.id === id) ?? refuse('INDICATOR_NOT_FOUND', path, `指标${id}不存在`, `indicator ${id} does not exist`);
}

function submit(report: ReportAggregate, meta: Meta, profiles: ProfileLookup, workflow: WorkflowSnapshot): ReportEvent[] {
  if (report.status !== 'draft') refuse('REPORT_NOT_DRAFT', 'status', '报告已提交', 'the report has already been submitted', { status: report.status });
  const profile = getRuleProfile(report.content.profileId, profiles);
  const score = scoreReport(report.content, profile);
  const errors = runChecks(report.content, score, profile).filter((c) => c.severity === 'error');
  if (errors.length > 0) {
    const blocking: Problem[] = errors.map((c) => ({ code: c.code, path: c.path, message: c.message, ...(c.details && { details: c.details }) }));
    throw new DomainError([
      {
        code: 'SUBMIT_BLOCKED_BY_CHECKS',
        path: '',
        message: text(`有${errors.length}项审核错误须先更正`, `${errors.length} check error${errors.length === 1 ? '' : 's'} must be fixed first`),
        details: { checks: errors.map((c) => c.code) },
      },
      ...blocking,
    ]);
  }
  return [
    reportEvent('ReportSubmitted', {
      ...meta,
      score: { profileId: profile.id, profileVersion: profile.version, total: fixed2(score.total), grade: score.grade },
      workflow,
    }),
    ...startReviewEvents(report, workflow, meta),
  ];
}
