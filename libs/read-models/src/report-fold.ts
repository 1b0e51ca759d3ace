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
  upcastReportEvent,
  type Check,
  type CheckSummary,
  type LocalizedText,
  type ReportAggregate,
  type ReportEvent,
  type ReportScoreView,
  type ReportView,
} from '#domain';
import type { RecordedEvent } from '#eventstore';

// Two read models fold the report stream into rows of their own — the documents, and the audit
// trail's per-report context — so that each can be rebuilt alone. What they compute from the same
// history is the same, so it is computed once and shared: the runner hands every projection the
// same event object, one projection after the other, and the hash chain makes an event name the
// whole history of its stream up to it, which makes "the report after this event" a pure function
// of the event. The caches are small or weak, so that what is derived for one event is garbage by
// the next (young, and cheap to collect). A cache miss only costs time.

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

/**
 * Upcasts a stored report event, once per event object however many projections ask.
 *
 * Not validated again: the decider made every payload from a validated command, and the store's
 * hash chain shows any later change. Checking each against its zod schema again cost a sixth of a
 * rebuild's time. Commands still validate what they read (ReportRepository), and upcasting still
 * brings older payload versions up to date.
 */
export function decodeReportEvent(event: RecordedEvent): ReportEvent {
  const known = decoded.get(event);
  if (known) return known;
  let parsed: ReportEvent;
  try {
    parsed = { type: event.type, data: upcastReportEvent(event.type, event.metadata.schemaVersion, event.data) } as ReportEvent;
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
}

/** The last fold: the projections folding the same event one after the other share it. */
let lastFold: { event: RecordedEvent; folded: FoldedReport } | null = null;

/** The report after `event`, from the report before it (null before ReportCreated). */
export function foldReport(before: FoldedReport | null, event: RecordedEvent): FoldedReport {
  if (lastFold !== null && lastFold.event === event) return lastFold.folded;
  let state;
  try {
    state = evolve(before?.state ?? initialState(), decodeReportEvent(event));
  } catch (error) {
    throw new Error(`cannot fold ${event.type} at position ${event.position} into ${event.streamId}: ${(error as Error).message}`, { cause: error });
  }
  if (state.status === 'none') throw new Error(`folding ${event.type} into ${event.streamId} left no report`);
  const folded: FoldedReport = { state, revision: event.revision };
  lastFold = { event, folded };
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
  return { state, revision };
}

// ── scoring, once per report revision ──────────────────────────────────────

export interface ReportScoring {
  /** Null when the report's rule profile is unknown here (scoreError says why). */
  score: ReportScoreView | null;
  checks: Check[];
  checkSummary: CheckSummary;
  scoreError: LocalizedText | null;
}

let views = new WeakMap<FoldedReport, ReportView>();
let scorings = new WeakMap<FoldedReport, ReportScoring>();

function memoised<V>(memo: WeakMap<FoldedReport, V>, folded: FoldedReport, compute: () => V): V {
  const known = memo.get(folded);
  if (known) return known;
  const value = compute();
  memo.set(folded, value);
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
  lastFold = null;
  views = new WeakMap();
  scorings = new WeakMap();
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
