import type { Actor } from '../shared/actor.js';
import { optionalDec } from '../shared/decimal.js';
import { emptyBudget, emptyNarrative, type ReportContent } from './report.model.js';
import { applyIndicatorChanges, budgetRowFromWire, evaluationItemFromWire, indicatorFromWire } from './report.fields.js';
import type { ReportEvent } from './report.events.js';
import { startReview, type ReturnRecord, type ReviewState } from '../workflow/review.state.js';

/**
 * Where a report stands. `submitted` means in review: `review.stageIndex` says at which stage of
 * its workflow. A return sends it back to `draft` (or to the previous stage, still submitted).
 */
export const reportStatuses = ['draft', 'submitted', 'approved', 'published'] as const;
export type ReportStatus = (typeof reportStatuses)[number];

export interface ReportAggregate {
  status: ReportStatus;
  id: string;
  /** The budget unit the report belongs to. */
  organisationId: string;
  content: ReportContent;
  createdAt: string;
  createdBy: Actor;
  updatedAt: string;
  submittedAt: string | null;
  submittedBy: Actor | null;
  /** Everyone who ever changed the content: segregation of duties bars them from approving it. */
  editors: string[];
  /** Everyone who ever submitted it: barred from approving it likewise. */
  submitters: string[];
  lastReturn: ReturnRecord | null;
  /** The stream revision of the last event folded in: what a reviewer approves. */
  revision: number;
  review: ReviewState | null;
}

export type ReportState = { status: 'none' } | ReportAggregate;

type ReviewEvent = Extract<
  ReportEvent,
  { type: 'ReviewStageEntered' | 'ReviewApproved' | 'ReportReturned' | 'ReviewerScoreSet' | 'ReportApproved' | 'ReportPublished' | 'ReportReopened' }
>;

export function initialState(): ReportState {
  return { status: 'none' };
}

export function reportStreamId(reportId: string): string {
  return `report-${reportId}`;
}

function corrupt(event: ReportEvent, why: string): never {
  throw new Error(`Report stream is inconsistent: ${event.type} ${why}`);
}

function edited(report: ReportAggregate, event: ReportEvent, content: ReportContent): ReportAggregate {
  const { at, by } = event.data;
  const editors = report.editors.includes(by.userId) ? report.editors : [...report.editors, by.userId];
  return { ...report, content, updatedAt: at, editors };
}

export function evolve(state: ReportState, event: ReportEvent): ReportState {
  if (event.type === 'ReportCreated') {
    if (state.status !== 'none') corrupt(event, 'on an existing report');
    const d = event.data;
    return {
      status: 'draft',
      id: d.reportId,
      organisationId: d.organisationId,
      content: {
        kind: d.kind,
        profileId: d.profileId,
        header: d.header,
        budget: emptyBudget(),
        indicators: [],
        evaluationItems: [],
        narrative: emptyNarrative(),
        evidence: [],
        selfTotal: null,
      },
      createdAt: d.at,
      createdBy: d.by,
      updatedAt: d.at,
      submittedAt: null,
      submittedBy: null,
      editors: [d.by.userId],
      submitters: [],
      lastReturn: null,
      revision: 0,
      review: null,
    };
  }
  if (state.status === 'none') return corrupt(event, 'before ReportCreated');
  return { ...evolveReport(state, event), revision: state.revision + 1 };
}

function evolveReport(report: ReportAggregate, event: Exclude<ReportEvent, { type: 'ReportCreated' }>): ReportAggregate {
  const c = report.content;

  switch (event.type) {
    case 'HeaderUpdated':
      return edited(report, event, { ...c, header: { ...c.header, ...event.data.changes } });
    case 'BudgetRowSet': {
      const { source, row } = event.data;
      const rows = { ...c.budget.rows };
      if (Object.values(row).every((v) => v === null)) delete rows[source];
      else rows[source] = budgetRowFromWire(row);
      return edited(report, event, { ...c, budget: { ...c.budget, rows } });
    }
    case 'BudgetAssessmentUpdated': {
      const { selfScore, explanation } = event.data.changes;
      const budget = {
        ...c.budget,
        ...(selfScore !== undefined && { selfScore: optionalDec(selfScore) }),
        ...(explanation !== undefined && { explanation }),
      };
      return edited(report, event, { ...c, budget });
    }
    case 'IndicatorAdded': {
      const { indicatorId, indicator, position } = event.data;
      const indicators = [...c.indicators];
      indicators.splice(position, 0, indicatorFromWire(indicatorId, indicator));
      return edited(report, event, { ...c, indicators });
    }
    case 'IndicatorUpdated': {
      const { indicatorId, changes } = event.data;
      if (!c.indicators.some((i) => i.id === indicatorId)) corrupt(event, `for unknown ${indicatorId}`);
      const indicators = c.indicators.map((i) => (i.id === indicatorId ? applyIndicatorChanges(i, changes) : i));
      return edited(report, event, { ...c, indicators });
    }
    case 'IndicatorRemoved': {
      const id = event.data.indicatorId;
      const evidence = c.evidence.map((e) => (e.indicatorId === id ? { ...e, indicatorId: null } : e));
      return edited(report, event, { ...c, indicators: c.indicators.filter((i) => i.id !== id), evidence });
    }
    case 'IndicatorsReordered': {
      const byId = new Map(c.indicators.map((i) => [i.id, i]));
      const indicators = event.data.order.map((id) => byId.get(id) ?? corrupt(event, `names unknown ${id}`));
      return edited(report, event, { ...c, indicators });
    }
    case 'EvaluationItemSet': {
      const item = evaluationItemFromWire(event.data.itemId, event.data.item);
      const exists = c.evaluationItems.some((i) => i.id === item.id);
      const evaluationItems = exists ? c.evaluationItems.map((i) => (i.id === item.id ? item : i)) : [...c.evaluationItems, item];
      return edited(report, event, { ...c, evaluationItems });
    }
    case 'EvaluationItemRemoved':
      return edited(report, event, { ...c, evaluationItems: c.evaluationItems.filter((i) => i.id !== event.data.itemId) });
    case 'NarrativeSet':
      return edited(report, event, { ...c, narrative: { ...c.narrative, [event.data.field]: event.data.text } });
    case 'SelfTotalSet':
      return edited(report, event, { ...c, selfTotal: optionalDec(event.data.value) });
    case 'EvidenceAttached': {
      const { evidenceId, evidence, at, by } = event.data;
      return edited(report, event, { ...c, evidence: [...c.evidence, { id: evidenceId, ...evidence, attachedAt: at, attachedBy: by.userId }] });
    }
    case 'EvidenceDetached':
      return edited(report, event, { ...c, evidence: c.evidence.filter((e) => e.id !== event.data.evidenceId) });
    case 'ReportSubmitted': {
      const { at, by, workflow } = event.data;
      const submitters = report.submitters.includes(by.userId) ? report.submitters : [...report.submitters, by.userId];
      return { ...report, status: 'submitted', submittedAt: at, submittedBy: by, updatedAt: at, submitters, review: startReview(report.review, workflow, at) };
    }
    case 'ReportWithdrawn':
      return { ...report, status: 'draft', submittedAt: null, submittedBy: null, updatedAt: event.data.at };
    default:
      return evolveReview(report, event);
  }
}

/** The review workflow's events: every one needs a report that has been submitted at least once. */
function evolveReview(report: ReportAggregate, event: ReviewEvent): ReportAggregate {
  const review = report.review ?? corrupt(event, 'before the first submission');
  const at = event.data.at;
  switch (event.type) {
    case 'ReviewStageEntered':
      return { ...report, updatedAt: at, review: { ...review, stageIndex: event.data.stageIndex, stageEnteredAt: at, approvals: [] } };
    case 'ReviewApproved': {
      const { stageId, by, revision, opinion } = event.data;
      return {
        ...report,
        updatedAt: at,
        review: {
          ...review,
          reviewedThisCycle: true,
          approvals: [...review.approvals, { stageId, userId: by.userId, at, revision, opinion }],
          approvedStageOf: { ...review.approvedStageOf, [by.userId]: stageId },
        },
      };
    }
    case 'ReportReturned': {
      const { by, stage, opinion, opinions, to } = event.data;
      const lastReturn = { at, by, stage, opinion, opinions, to };
      if (to === 'previous') return { ...report, updatedAt: at, lastReturn, review: { ...review, reviewedThisCycle: true } };
      const resumeAt = review.workflow.resubmission === 'resume' ? review.stageIndex : null;
      return { ...report, status: 'draft', submittedAt: null, submittedBy: null, updatedAt: at, lastReturn, review: { ...review, reviewedThisCycle: true, resumeAt } };
    }
    case 'ReviewerScoreSet': {
      const { path, score, reason, stageId, by } = event.data;
      return { ...report, updatedAt: at, review: { ...review, reviewedThisCycle: true, reviewerScores: { ...review.reviewerScores, [path]: { score, reason, stageId, by, at } } } };
    }
    case 'ReportApproved':
      return { ...report, status: 'approved', updatedAt: at, review: { ...review, approvedAt: at, resumeAt: null } };
    case 'ReportPublished':
      return { ...report, status: 'published', updatedAt: at, review: { ...review, publishedAt: at } };
    case 'ReportReopened':
      return { ...report, status: 'draft', submittedAt: null, submittedBy: null, updatedAt: at, review: { ...review, resumeAt: null } };
    default: {
      const unknown: never = event;
      return corrupt(unknown, 'is not a report event');
    }
  }
}

export function evolveAll(events: Iterable<ReportEvent>, state: ReportState = initialState()): ReportState {
  let current = state;
  for (const event of events) current = evolve(current, event);
  return current;
}
