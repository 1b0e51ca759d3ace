import { diffDocuments, evolve, initialState, toReportView, type FieldChange, type LocalizedText, type ReportState } from '#domain';
import type { RecordedEvent } from '#eventstore';
import { toDomainEvent } from '../reports/report-repository.js';

export interface HistoryEntry {
  revision: number;
  position: string;
  type: string;
  at: string;
  actor: { userId: string; role: string; organisationId: string };
  reason: string | null;
  correlationId: string;
  hash: string;
  changes: FieldChange[];
}

/** The parts of a report a reader compares: its lifecycle status and its document. */
/**
 * What a diff compares: the status, the review stage, the report document, the reviewers'
 * scores and the opinions of the last return — what people changed, not bookkeeping.
 */
export function comparable(state: ReportState): unknown {
  const view = toReportView(state);
  if (view === null || state.status === 'none') return null;
  const review = state.review;
  const stage = state.status === 'submitted' && review ? review.workflow.stages[review.stageIndex]!.id : null;
  const reviewerScores = Object.fromEntries(Object.entries(review?.reviewerScores ?? {}).map(([path, s]) => [path, { score: s.score, reason: s.reason }]));
  const returnOpinions = state.lastReturn ? [{ path: '', text: state.lastReturn.opinion ?? '' }, ...state.lastReturn.opinions] : [];
  return { status: view.status, stage, report: view.report, reviewerScores, returnOpinions };
}

function reasonOf(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const record = data as Record<string, unknown>;
  for (const key of ['reason', 'opinion', 'comment']) if (typeof record[key] === 'string') return record[key] as string;
  return null;
}

/** Folds the stream once, describing each event by what it changed. */
export function describeHistory(events: readonly RecordedEvent[]): HistoryEntry[] {
  let state: ReportState = initialState();
  return events.map((event) => {
    const before = comparable(state);
    state = evolve(state, toDomainEvent(event));
    return {
      revision: event.revision,
      position: event.position.toString(),
      type: event.type,
      at: event.metadata.recordedAt,
      actor: event.metadata.actor,
      reason: reasonOf(event.data),
      correlationId: event.metadata.correlationId,
      hash: event.hash,
      changes: diffDocuments(before, comparable(state)),
    };
  });
}

export const eventTypeLabels: Record<string, LocalizedText> = {
  ReportCreated: { 'zh-CN': '创建报告', en: 'Report created' },
  ReportSubmitted: { 'zh-CN': '提交报告', en: 'Report submitted' },
  ReportWithdrawn: { 'zh-CN': '撤回提交', en: 'Submission withdrawn' },
  ReportReturned: { 'zh-CN': '退回修改', en: 'Returned for revision' },
};

function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV for Excel: UTF-8 with BOM, CRLF, one row per changed field (or per event without changes). */
export function historyCsv(reportId: string, entries: readonly HistoryEntry[]): string {
  const header = ['报告(report)', '修订号(revision)', '时间(time)', '事件(event)', '用户(user)', '角色(role)', '组织(organisation)', '原因(reason)', '字段(field)', '字段名(label)', '修改前(before)', '修改后(after)', '哈希(hash)'];
  const rows = [header.map(csvField).join(',')];
  for (const entry of entries) {
    const event = eventTypeLabels[entry.type]?.['zh-CN'] ?? entry.type;
    const base = [reportId, entry.revision, entry.at, event, entry.actor.userId, entry.actor.role, entry.actor.organisationId, entry.reason];
    const changes = entry.changes.length > 0 ? entry.changes : [null];
    for (const change of changes) {
      rows.push([...base, change?.path ?? '', change?.label['zh-CN'] ?? '', change?.before ?? '', change?.after ?? '', entry.hash].map(csvField).join(','));
    }
  }
  return `\uFEFF${rows.join('\r\n')}\r\n`;
}
