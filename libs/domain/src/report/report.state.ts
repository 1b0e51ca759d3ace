import type { Actor } from '../shared/actor.js';
import { optionalDec } from '../shared/decimal.js';
import { emptyBudget, emptyNarrative, type ReportContent } from './report.model.js';
import { applyIndicatorChanges, budgetRowFromWire, evaluationItemFromWire, indicatorFromWire } from './report.fields.js';
import type { ReportEvent } from './report.events.js';

/**
 * Where a report stands. Only `draft` and `submitted` are reached by this aggregate's own
 * commands; the review workflow will add its stages and uses `ReportReturned` to send a report
 * back to draft.
 */
export const reportStatuses = ['draft', 'submitted'] as const;
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
  lastReturn: { at: string; by: Actor; stage: string | null; opinion: string | null } | null;
}

export type ReportState = { status: 'none' } | ReportAggregate;

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
      lastReturn: null,
    };
  }
  if (state.status === 'none') return corrupt(event, 'before ReportCreated');
  const report = state;
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
    case 'ReportSubmitted':
      return { ...report, status: 'submitted', submittedAt: event.data.at, submittedBy: event.data.by, updatedAt: event.data.at };
    case 'ReportWithdrawn':
      return { ...report, status: 'draft', submittedAt: null, submittedBy: null, updatedAt: event.data.at };
    case 'ReportReturned': {
      const { at, by, stage, opinion } = event.data;
      return { ...report, status: 'draft', submittedAt: null, submittedBy: null, updatedAt: at, lastReturn: { at, by, stage, opinion } };
    }
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
