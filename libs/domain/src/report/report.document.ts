import { z } from 'zod';
import type { ReturnRecord, ReviewState } from '../workflow/review.state.js';
import { actorSchema } from '../shared/actor.js';
import { optionalDec, optionalPlain, scoreString } from '../shared/decimal.js';
import { parseOrThrow } from '../shared/zod-problems.js';
import { fundingSources, narrativeFields, type Budget, type FundingSource, type ReportContent } from './report.model.js';
import {
  budgetRowFromWire,
  budgetRowSchema,
  budgetRowToWire,
  evaluationItemFieldsSchema,
  evaluationItemFromWire,
  evaluationItemToWire,
  evidenceFieldsSchema,
  headerSchema,
  idSchema,
  indicatorFieldsSchema,
  indicatorFromWire,
  indicatorToWire,
  reportKindSchema,
} from './report.fields.js';
import type { ReportState } from './report.state.js';

// The report as one JSON document: the score CLI's input file, and the `report` member of the
// view the HTTP layer serves. Field paths in checks and errors point into this shape.

const longText = z.string().max(20000).nullable();

const budgetDocumentSchema = z
  .object({
    ...(Object.fromEntries(fundingSources.map((s) => [s, budgetRowSchema.optional()])) as Record<FundingSource, z.ZodOptional<typeof budgetRowSchema>>),
    selfScore: scoreString.nullable().default(null),
    explanation: longText.default(null),
  })
  .strict();

const narrativeDocumentSchema = z
  .object(Object.fromEntries(narrativeFields.map((f) => [f, longText.default(null)])) as Record<(typeof narrativeFields)[number], z.ZodDefault<typeof longText>>)
  .strict();

export const reportDocumentSchema = z
  .object({
    /** Where the document came from; ignored by scoring. */
    source: z.object({ title: z.string(), url: z.string(), notes: z.array(z.string()) }).partial().strict().optional(),
    id: idSchema.optional(),
    kind: reportKindSchema,
    profileId: z.string().min(1).max(64).default('default'),
    header: headerSchema,
    budget: budgetDocumentSchema.prefault({}),
    narrative: narrativeDocumentSchema.prefault({}),
    indicators: z.array(z.object({ id: idSchema, ...indicatorFieldsSchema.shape }).strict()).default([]),
    evaluationItems: z.array(z.object({ id: idSchema, ...evaluationItemFieldsSchema.shape }).strict()).default([]),
    evidence: z
      .array(z.object({ id: idSchema, ...evidenceFieldsSchema.shape, attachedAt: z.iso.datetime({ offset: true }), attachedBy: z.string().min(1) }).strict())
      .default([]),
    selfTotal: scoreString.nullable().default(null),
  })
  .strict()
  .superRefine((doc, ctx) => {
    for (const list of ['indicators', 'evaluationItems', 'evidence'] as const) {
      const seen = new Set<string>();
      doc[list].forEach((entry, index) => {
        if (seen.has(entry.id)) ctx.addIssue({ code: 'custom', path: [list, index, 'id'], message: 'id.duplicate' });
        seen.add(entry.id);
      });
    }
  });

export type ReportDocument = z.output<typeof reportDocumentSchema>;
export type ReportDocumentInput = z.input<typeof reportDocumentSchema>;

/** Parses an untrusted document; a DomainError (code REPORT_FILE_INVALID) names each bad field. */
export function parseReportDocument(input: unknown): ReportDocument {
  return parseOrThrow(reportDocumentSchema, input, 'REPORT_FILE_INVALID');
}

export function documentToContent(doc: ReportDocument): ReportContent {
  const rows: Budget['rows'] = {};
  for (const source of fundingSources) {
    const row = doc.budget[source];
    if (row) rows[source] = budgetRowFromWire(row);
  }
  return {
    kind: doc.kind,
    profileId: doc.profileId,
    header: doc.header,
    budget: { rows, selfScore: optionalDec(doc.budget.selfScore), explanation: doc.budget.explanation },
    indicators: doc.indicators.map(({ id, ...fields }) => indicatorFromWire(id, fields)),
    evaluationItems: doc.evaluationItems.map(({ id, ...fields }) => evaluationItemFromWire(id, fields)),
    narrative: doc.narrative,
    evidence: doc.evidence,
    selfTotal: optionalDec(doc.selfTotal),
  };
}

export function contentToDocument(content: ReportContent, id?: string): ReportDocument {
  const budget: ReportDocument['budget'] = { selfScore: optionalPlain(content.budget.selfScore), explanation: content.budget.explanation };
  for (const source of fundingSources) {
    const row = content.budget.rows[source];
    if (row) budget[source] = budgetRowToWire(row);
  }
  return {
    ...(id !== undefined && { id }),
    kind: content.kind,
    profileId: content.profileId,
    header: content.header,
    budget,
    narrative: content.narrative,
    indicators: content.indicators.map((i) => ({ id: i.id, ...indicatorToWire(i) })),
    evaluationItems: content.evaluationItems.map((i) => ({ id: i.id, ...evaluationItemToWire(i) })),
    evidence: content.evidence,
    selfTotal: optionalPlain(content.selfTotal),
  };
}

export type ActorView = z.output<typeof actorSchema>;

/** The report as the HTTP layer serves it: JSON only, decimals as strings. */
export interface ReportView {
  id: string;
  status: Exclude<ReportState['status'], 'none'>;
  organisationId: string;
  createdAt: string;
  createdBy: ActorView;
  updatedAt: string;
  submittedAt: string | null;
  submittedBy: ActorView | null;
  editors: string[];
  submitters: string[];
  lastReturn: ReturnRecord | null;
  /** Where the report stands in its workflow; null until its first submission. Plain JSON already. */
  review: ReviewState | null;
  report: ReportDocument;
}

export function toReportView(state: ReportState): ReportView | null {
  if (state.status === 'none') return null;
  const { content, revision: _revision, ...lifecycle } = state;
  return { ...lifecycle, status: state.status, report: contentToDocument(content, state.id) };
}
