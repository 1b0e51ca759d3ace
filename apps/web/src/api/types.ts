import type { LocalizedText } from '../i18n/i18n.js';

// Wire shapes of the API, as it serves them (decimals are strings). Kept by hand: the API's
// OpenAPI document describes bodies, not these representations.

export type Role = 'unit_filler' | 'unit_leader' | 'department_reviewer' | 'finance_reviewer' | 'performance_officer' | 'auditor' | 'admin';

export interface SessionUser {
  userId: string;
  role: Role;
  organisationId: string;
  displayName: string;
}

export interface LoginResponse {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: SessionUser;
}

export interface OrganisationRef {
  organisationId: string;
  kind: 'finance_bureau' | 'department' | 'unit';
  name: string;
}

export interface Me extends SessionUser {
  username: string;
  organisation: OrganisationRef;
  lineage: OrganisationRef[];
  scopeRootId: string;
}

export interface Actor {
  userId: string;
  role: Role;
  organisationId: string;
}

export type ReportKind = 'department' | 'project';
export type ReportStatus = 'draft' | 'submitted' | 'approved' | 'published';
export type FundingSource = 'total' | 'fiscal' | 'specialAccount' | 'unit' | 'other';
export type Level1 = 'output' | 'benefit' | 'satisfaction' | 'cost';
export type Comparator = '≥' | '>' | '=' | '≤' | '<' | '定性';
export type QualitativeBand = 'achieved' | 'partial' | 'failed';
export type NarrativeField = 'goal' | 'achievement' | 'implementation' | 'conclusion' | 'problems' | 'improvements';

export interface Header {
  unit: string;
  competentDepartment: string | null;
  implementingUnit: string | null;
  year: number;
  projectCode: string | null;
  projectName: string | null;
}

export interface BudgetRow {
  initial: string | null;
  adjusted: string | null;
  executed: string | null;
  statedRate: string | null;
}

export type Budget = Partial<Record<FundingSource, BudgetRow>> & { selfScore: string | null; explanation: string | null };

export interface Indicator {
  id: string;
  level1: Level1;
  level2: string;
  name: string;
  comparator: Comparator;
  target: string | null;
  unit: string | null;
  actual: string | null;
  weight: string;
  selfScore: string | null;
  explanation: string | null;
  qualitativeBand: QualitativeBand | null;
}

export interface EvaluationItem {
  id: string;
  category: string;
  maximum: string | null;
  score: string | null;
  justification: string | null;
}

export interface Evidence {
  id: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  description: string | null;
  indicatorId: string | null;
  attachedAt: string;
  attachedBy: string;
}

export interface ReportDocument {
  id: string;
  kind: ReportKind;
  profileId: string;
  header: Header;
  budget: Budget;
  narrative: Record<NarrativeField, string | null>;
  indicators: Indicator[];
  evaluationItems: EvaluationItem[];
  evidence: Evidence[];
  selfTotal: string | null;
}

export interface IndicatorScore {
  indicatorId: string;
  weight: string;
  score: string | null;
  rule: string;
  reason: { code: string; message: LocalizedText } | null;
  attainmentPercent: string | null;
}

export interface ScoreView {
  profile: { id: string; version: number };
  execution: { rule: string; weight: string; rate: string | null; score: string | null; reason: { code: string; message: LocalizedText } | null };
  indicators: IndicatorScore[];
  evaluationItems: Array<{ itemId: string; maximum: string | null; score: string | null; rule: string }>;
  indicatorTotal: string;
  evaluationTotal: string;
  maximum: string;
  total: string;
  complete: boolean;
  grade: '优' | '良' | '中' | '差' | null;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Check {
  code: string;
  severity: Severity;
  path: string;
  message: LocalizedText;
  details?: Record<string, unknown>;
}

export interface ReviewOpinion {
  path: string;
  text: string;
}

export interface ReportRepresentation {
  id: string;
  status: ReportStatus;
  organisationId: string;
  createdAt: string;
  createdBy: Actor;
  updatedAt: string;
  submittedAt: string | null;
  submittedBy: Actor | null;
  editors: string[];
  /** The last return to the filler; `opinions` point at single fields with the checks' paths (review workflow). */
  lastReturn: { at: string; by: Actor; stage: string | null; opinion: string | null; opinions?: ReviewOpinion[] } | null;
  report: ReportDocument;
  revision: number;
  score: ScoreView;
  checks: Check[];
  checkSummary: { errors: number; warnings: number; infos: number; submittable: boolean };
}

export interface ReportSummary {
  reportId: string;
  kind: ReportKind;
  year: number;
  status: ReportStatus;
  stage: string | null;
  grade: string | null;
  errors: number;
  warnings: number;
  overdue: boolean;
  complete: boolean;
  revision: number;
  unitName: string;
  projectCode: string | null;
  projectName: string | null;
  competentDepartment: string | null;
  computedTotal: string | null;
  selfTotal: string | null;
  organisationId: string;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface FieldChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  label: LocalizedText;
  before: unknown;
  after: unknown;
}

export interface HistoryEntry {
  revision: number;
  position: string;
  type: string;
  at: string;
  actor: Actor;
  reason: string | null;
  correlationId: string;
  hash: string;
  changes: FieldChange[];
}

export interface History {
  reportId: string;
  total: number;
  page: number;
  pageSize: number;
  items: HistoryEntry[];
}

export interface Diff {
  reportId: string;
  from: number;
  to: number;
  changes: FieldChange[];
}

export type Verification =
  | { ok: true; streamId: string; events: number; lastHash: string | null }
  | { ok: false; streamId: string; events: number; brokenAt: number; reason: 'hash_mismatch' | 'previous_hash_mismatch' | 'revision_gap'; expected: string; found: string };

export interface OrganisationNode extends OrganisationRef {
  parentId: string | null;
  children: OrganisationNode[];
}
