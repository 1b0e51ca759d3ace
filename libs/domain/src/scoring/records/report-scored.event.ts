import { z } from 'zod';
import { fixed2, optionalFixed2, percentString, plain, scoreString } from '../../shared/decimal.js';
import { DomainError } from '../../shared/domain-error.js';
import { text } from '../../shared/i18n.js';
import { parseOrThrow } from '../../shared/zod-problems.js';
import { gradeSchema } from '../grade.js';
import type { ReportScore } from '../score-report.js';

/**
 * The score the background worker computed for one revision of a report under one version of its
 * rule profile. It lives in its own stream, `score-<reportId>`, never in the report's: the filler's
 * next edit (If-Match on the report stream) cannot conflict with it.
 */
export const REPORT_SCORED = 'ReportScored';

export function scoreStreamId(reportId: string): string {
  return `score-${reportId}`;
}

const SCORE_PREFIX = scoreStreamId('');

/** The report a `score-<reportId>` stream belongs to; null for any other stream. */
export function reportIdOfScoreStream(streamId: string): string | null {
  return streamId.startsWith(SCORE_PREFIX) ? streamId.slice(SCORE_PREFIX.length) : null;
}

/** Background work records itself as the system, in the report's unit. */
export const scoringActorSchema = z.object({ userId: z.literal('system'), role: z.literal('system'), organisationId: z.string().min(1).max(128) }).strict();
export type ScoringActor = z.output<typeof scoringActorSchema>;

export function scoringActor(organisationId: string): ScoringActor {
  return { userId: 'system', role: 'system', organisationId };
}

const score = scoreString.nullable();

const basisFields = {
  /** The report stream revision the score was computed from. */
  reportRevision: z.number().int().min(0),
  profileId: z.string().min(1).max(64),
  profileVersion: z.number().int().min(1),
};

export const reportScoredSchemas = {
  ReportScored: {
    version: 1,
    schema: z
      .object({
        at: z.iso.datetime({ offset: true }),
        by: scoringActorSchema,
        reportId: z.string().min(1).max(128),
        /** The report's unit, so the audit trail files the record under it. */
        organisationId: z.string().min(1).max(128),
        ...basisFields,
        total: scoreString,
        maximum: scoreString,
        complete: z.boolean(),
        grade: gradeSchema.nullable(),
        indicatorTotal: scoreString,
        evaluationTotal: scoreString,
        execution: z.object({ rule: z.string().min(1), weight: scoreString, rate: percentString.nullable(), score }).strict(),
        indicators: z.array(z.object({ indicatorId: z.string().min(1), weight: scoreString, score, rule: z.string().min(1) }).strict()),
        evaluationItems: z.array(z.object({ itemId: z.string().min(1), maximum: score, score }).strict()),
      })
      .strict(),
  },
} as const;

export type ReportScoredData = z.output<(typeof reportScoredSchemas)['ReportScored']['schema']>;
export const REPORT_SCORED_VERSION = reportScoredSchemas.ReportScored.version;

/** Reads a stored ReportScored payload (version 1 is the only one so far: no upcaster yet). */
export function parseStoredReportScored(stored: { type: string; schemaVersion: number; data: unknown }): ReportScoredData {
  if (stored.type !== REPORT_SCORED) {
    throw DomainError.of('EVENT_TYPE_UNKNOWN', 'type', text(`未知的事件类型：${stored.type}`, `unknown event type: ${stored.type}`));
  }
  if (stored.schemaVersion !== REPORT_SCORED_VERSION) {
    throw DomainError.of(
      'EVENT_VERSION_UNSUPPORTED',
      'schemaVersion',
      text(`事件 ReportScored 的版本 ${stored.schemaVersion} 不受支持`, `ReportScored version ${stored.schemaVersion} is not supported`),
    );
  }
  return parseOrThrow(reportScoredSchemas.ReportScored.schema, stored.data, 'EVENT_INVALID', 'data');
}

/** What a score record is about: which revision, under which rules. */
export interface ScoreBasis {
  reportRevision: number;
  profileId: string;
  profileVersion: number;
}

// Not strict: the record's other fields are left unread.
const basisSchema = z.object({ reportRevision: basisFields.reportRevision, profileId: basisFields.profileId, profileVersion: basisFields.profileVersion });

/**
 * Reads only what a stored ReportScored is about, for readers that need nothing else (the
 * scoring tracker folds every record; validating thirty item scores it ignores would cost more
 * than the rest of its work).
 */
export function parseStoredScoreBasis(stored: { type: string; schemaVersion: number; data: unknown }): ScoreBasis {
  if (stored.type !== REPORT_SCORED || stored.schemaVersion !== REPORT_SCORED_VERSION) return parseStoredReportScored(stored);
  return parseOrThrow(basisSchema, stored.data, 'EVENT_INVALID', 'data');
}

/**
 * Whether a score computed on `candidate` should follow one recorded on `recorded`: a later
 * revision always does (should its profile version be older, the worker still owes the report a
 * computation under the newer one); the same revision only under a later profile version.
 */
export function supersedes(candidate: ScoreBasis, recorded: ScoreBasis | null): boolean {
  if (recorded === null) return true;
  if (candidate.reportRevision !== recorded.reportRevision) return candidate.reportRevision > recorded.reportRevision;
  // A report names one profile for life; should that ever change, the newer computation wins.
  return candidate.profileId !== recorded.profileId || candidate.profileVersion > recorded.profileVersion;
}

/** The name of one computation: a deterministic event id is derived from it. */
export function scoreRecordName(reportId: string, basis: ScoreBasis): string {
  return `ReportScored|${reportId}|${basis.reportRevision}|${basis.profileId}|${basis.profileVersion}`;
}

/** The payload recording `score`, computed from `reportRevision` of the report. */
export function reportScoredData(input: { reportId: string; organisationId: string; reportRevision: number; at: string; score: ReportScore }): ReportScoredData {
  const { score } = input;
  return {
    at: input.at,
    by: scoringActor(input.organisationId),
    reportId: input.reportId,
    organisationId: input.organisationId,
    reportRevision: input.reportRevision,
    profileId: score.profile.id,
    profileVersion: score.profile.version,
    total: fixed2(score.total),
    maximum: plain(score.maximum),
    complete: score.complete,
    grade: score.grade,
    indicatorTotal: fixed2(score.indicatorTotal),
    evaluationTotal: fixed2(score.evaluationTotal),
    execution: { rule: score.execution.rule, weight: plain(score.execution.weight), rate: optionalFixed2(score.execution.rate), score: optionalFixed2(score.execution.score) },
    indicators: score.indicators.map((i) => ({ indicatorId: i.indicatorId, weight: plain(i.weight), score: optionalFixed2(i.score), rule: i.rule })),
    evaluationItems: score.evaluationItems.map((i) => ({ itemId: i.itemId, maximum: i.maximum === null ? null : plain(i.maximum), score: optionalFixed2(i.score) })),
  };
}
