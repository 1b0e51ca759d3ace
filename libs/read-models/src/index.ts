export { readModelProjections } from './read-model-projections.js';
export { reportDocumentsProjection, type ReportDocumentRow } from './report-documents.projection.js';
export { summarise, type ReportSummary, type StoredReportSummary } from './report-summaries.js';
export { auditEntriesProjection, type AuditContextRow, type AuditEntry, type AuditEntryDoc } from './audit-entries.projection.js';
export { describeDirectoryEvent, describeOtherEvent, describeReportEvent, type AuditDescription } from './audit-describe.js';
export { DeferredRow } from './deferred-row.js';
export { clearFoldCaches } from './report-fold.js';
export { listReports, likeLiteral, reportSortKeys, reportSorts, MAX_PAGE_SIZE, type ListReportsQuery, type ReportList, type ReportSort } from './queries/list-reports.js';
export { getReportDocument, type ReportDocument } from './queries/report-document.js';
export { organisationTrail, MAX_TRAIL_PAGE, type OrganisationTrailQuery, type TrailCursor, type TrailPage } from './queries/organisation-trail.js';
export { rebuildReadModels, formatProgress, REBUILD_BATCH_SIZE, type RebuildOptions, type RebuildProgress, type RebuildResult } from './rebuild.js';
export { listInbox, inboxCounts, type InboxQuery, type InboxPage, type StageCount } from './queries/review-inbox.js';
export { campaignsProjection, type CampaignExtension, type CampaignRow } from './campaigns.projection.js';
export { campaignUnitsProjection, type CampaignUnitRow } from './campaign-units.projection.js';
export {
  campaignProgress,
  findCampaign,
  listCampaigns,
  progressOf,
  progressStates,
  timelinessValues,
  MAX_CAMPAIGN_PAGE_SIZE,
  type CampaignList,
  type CampaignProgress,
  type CampaignProgressOptions,
  type CampaignProgressTotals,
  type CampaignReportProgress,
  type CampaignUnitProgress,
  type ListCampaignsQuery,
  type ProgressState,
  type ReportProgressState,
  type ScoreBin,
  type Timeliness,
} from './queries/campaign-progress.js';
export { getReportScoreRecord, reportScoresProjection, type ReportScoreRecord } from './report-scores.projection.js';
