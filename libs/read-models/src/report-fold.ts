import {
  documentToContent,
  evolve,
  getRuleProfile,
  initialState,
  isDomainError,
  ruleProfiles,
  runChecks,
  scoreReport,
  summariseChecks,
  toReportView,
  toScoreView,
  type Check,
  type CheckSummary,
  type LocalizedText,
  type ReportAggregate,
  type ReportEvent,
  type ReportScoreView,
  type ReportView,
  upcastStoredReportEvent,
} from '#domain';
import type { RecordedEvent } from '#eventstore';
import { LRUCache } from 'lru-cache';

// Two read models fold the report stream into rows of their own — the documents, and the audit
// trail's per-report context — so that each can be rebuilt alone. What they compute from the same
// history is the same, so it is computed once and shared through caches keyed by event hash: the
// hash chain makes an event's hash name the whole history of its stream up to that event, which
// makes "the report after event h" a pure function of h. A cache miss only costs time.

const REPORT_STREAM_PREFIX = 'report-';

export function isReportStream(streamId: string): boolean {
  return streamId.startsWith(REPORT_STREAM_PREFIX);
}

export function reportIdOfStream(streamId: string): string {
  return streamId.slice(REPORT_STREAM_PREFIX.length);
}

/**
 * Built-in rule profiles are part of what the score read models compute: a profile's new version
 * must re-score every report. Profile versions only grow, so their sum grows with any of them.
 */
export const profilesFingerprint = Object.values(ruleProfiles).reduce((sum, profile) => sum + profile.version, 0);

// ── reading events ─────────────────────────────────────────────────────────

const decoded = new WeakMap<RecordedEvent, ReportEvent>();

/** Upcasts a stored report event (see upcastStoredReportEvent), once per event object however many projections ask. */
export function decodeReportEvent(event: RecordedEvent): ReportEvent {
  const known = decoded.get(event);
  if (known) return known;
  let parsed: ReportEvent;
  try {
    parsed = upcastStoredReportEvent({ type: event.type, schemaVersion: event.metadata.schemaVersion, data: event.data });
  } catch (error) {
    const why = isDomainError(error) ? error.problems.map((p) => `${p.path}: ${p.message.en}`).join('; ') : String(error);
    throw new Error(`cannot read ${event.type} at position ${event.position} of ${event.streamId} (revision ${event.revision}): ${why}`, { cause: error });
  }
  decoded.set(event, parsed);
  return parsed;
}

// ── folding ────────────────────────────────────────────────────────────────

export interface FoldedReport {
  readonly state: ReportAggregate;
  /** Stream revision of the last event folded in. */
  readonly revision: number;
  /** Hash of that event; null for a report read back from a stored row (no event folded since). */
  readonly hash: string | null;
}

// Large enough to span a batch of the runner several times over.
const afterEvent = new LRUCache<string, FoldedReport>({ max: 32_768 });

/** The report after `event`, from the report before it (null before ReportCreated). */
export function foldReport(before: FoldedReport | null, event: RecordedEvent): FoldedReport {
  const known = afterEvent.get(event.hash);
  if (known) return known;
  let state;
  try {
    state = evolve(before?.state ?? initialState(), decodeReportEvent(event));
  } catch (error) {
    throw new Error(`cannot fold ${event.type} at position ${event.position} into ${event.streamId}: ${(error as Error).message}`, { cause: error });
  }
  if (state.status === 'none') throw new Error(`folding ${event.type} into ${event.streamId} left no report`);
  const folded: FoldedReport = { state, revision: event.revision, hash: event.hash };
  afterEvent.set(event.hash, folded);
  return folded;
}

/** Reads a stored view back into the domain's state, so folding can go on from it. */
export function foldFromView(view: ReportView, revision: number): FoldedReport {
  const { id, status, organisationId, createdAt, createdBy, updatedAt, submittedAt, submittedBy, editors, lastReturn, report } = view;
  // Views stored before the workflow existed lack its fields: they had no review yet.
  const { submitters = submittedBy ? [submittedBy.userId] : [], review = null } = view as Partial<ReportView>;
  const state: ReportAggregate = {
    id,
    status,
    organisationId,
    content: documentToContent(report),
    createdAt,
    createdBy,
    updatedAt,
    submittedAt,
    submittedBy,
    editors,
    submitters,
    lastReturn: lastReturn && { ...lastReturn, opinions: lastReturn.opinions ?? [], to: lastReturn.to ?? 'draft' },
    revision,
    review,
  };
  return { state, revision, hash: null };
}

// ── scoring, once per report revision ──────────────────────────────────────

export interface ReportScoring {
  /** Null when the report's rule profile is unknown here (scoreError says why). */
  score: ReportScoreView | null;
  checks: Check[];
  checkSummary: CheckSummary;
  scoreError: LocalizedText | null;
}

const views = new LRUCache<string, ReportView>({ max: 8_192 });
const scorings = new LRUCache<string, ReportScoring>({ max: 8_192 });

function memoised<V extends {}>(memo: LRUCache<string, V>, folded: FoldedReport, compute: () => V): V {
  if (folded.hash === null) return compute();
  const known = memo.get(folded.hash);
  if (known) return known;
  const value = compute();
  memo.set(folded.hash, value);
  return value;
}

/** The view the read models store: the report as the HTTP layer serves it (toReportView). */
export function viewOf(folded: FoldedReport): ReportView {
  return memoised(views, folded, () => toReportView(folded.state)!);
}

/** Score and checks of a report revision: computed once, whichever read model asks first. */
export function scoringOf(folded: FoldedReport): ReportScoring {
  return memoised(scorings, folded, () => {
    const content = folded.state.content;
    let profile;
    try {
      profile = getRuleProfile(content.profileId);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      return { score: null, checks: [], checkSummary: summariseChecks([]), scoreError: error.problems[0]!.message };
    }
    const score = scoreReport(content, profile);
    const checks = runChecks(content, score, profile);
    return { score: toScoreView(score), checks, checkSummary: summariseChecks(checks), scoreError: null };
  });
}

/** Forgets every cached fold, view and score: for specs proving that a read model needs no other. */
export function clearFoldCaches(): void {
  afterEvent.clear();
  views.clear();
  scorings.clear();
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** UTC ISO-8601, so that instants recorded with different offsets sort as text. */
export function utc(instant: string): string;
export function utc(instant: string | null): string | null;
export function utc(instant: string | null): string | null {
  if (instant === null) return null;
  // What Date#toISOString writes already is UTC: most instants, so no parsing for them.
  if (instant.length === 24 && instant.endsWith('Z') && ISO_UTC.test(instant)) return instant;
  return new Date(instant).toISOString();
}
