import { runChecks, summariseChecks, type CheckSummary } from '../checks/checks.js';
import type { Check } from '../checks/check-catalogue.js';
import { DomainError } from '../shared/domain-error.js';
import { text } from '../shared/i18n.js';
import { documentToContent, parseReportDocument } from '../report/report.document.js';
import type { ReportKind } from '../report/report.model.js';
import { getRuleProfile, type ProfileLookup, builtInProfiles } from '../scoring/profiles/index.js';
import { scoreReport, toScoreView, type ReportScoreView } from '../scoring/score-report.js';

export interface ScoreFileResult {
  profile: { id: string; version: number; name: { 'zh-CN': string; en: string } };
  report: { kind: ReportKind; unit: string; year: number; projectCode: string | null; projectName: string | null };
  score: ReportScoreView & { indicators: Array<ReportScoreView['indicators'][number] & { name: string }> };
  checks: Check[];
  summary: CheckSummary;
}

/**
 * Scores a report document (the score CLI's input) and runs every check on it.
 * @param json the file's text, or its already parsed value
 * @param profileId overrides the document's `profileId`
 * @throws DomainError REPORT_FILE_INVALID naming each bad field; PROFILE_NOT_FOUND
 */
export function scoreReportFile(json: unknown, profileId?: string, profiles: ProfileLookup = builtInProfiles): ScoreFileResult {
  let input = json;
  if (typeof json === 'string') {
    try {
      input = JSON.parse(json) as unknown;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw DomainError.of('REPORT_FILE_INVALID', '', text(`文件不是有效的 JSON：${reason}`, `the file is not valid JSON: ${reason}`));
    }
  }
  const doc = parseReportDocument(input);
  const profile = getRuleProfile(profileId ?? doc.profileId, profiles);
  const content = documentToContent(doc);
  const score = scoreReport(content, profile);
  const checks = runChecks(content, score, profile);
  const view = toScoreView(score);
  return {
    profile: { id: profile.id, version: profile.version, name: profile.name },
    report: { kind: doc.kind, unit: doc.header.unit, year: doc.header.year, projectCode: doc.header.projectCode, projectName: doc.header.projectName },
    score: { ...view, indicators: view.indicators.map((v, i) => ({ ...v, name: content.indicators[i]!.name })) },
    checks,
    summary: summariseChecks(checks),
  };
}
