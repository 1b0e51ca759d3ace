import type { Projection } from '#projections';
import { auditEntriesProjection } from './audit-entries.projection.js';
import { campaignUnitsProjection } from './campaign-units.projection.js';
import { campaignsProjection } from './campaigns.projection.js';
import { reportDocumentsProjection } from './report-documents.projection.js';
import { reportScoresProjection } from './report-scores.projection.js';

/**
 * Every read model of the application, in the order the runner applies them within a batch:
 * report documents (with the list summaries as a view over them, rm_report_summaries), the
 * audit trail, campaigns and the units each asks for, and score records. Each folds the events
 * into its own rows only, so any can be rebuilt alone; they share their folding work through
 * caches keyed by event hash (report-fold.ts) and by event (campaigns.projection.ts).
 */
export const readModelProjections: readonly Projection[] = [reportDocumentsProjection, auditEntriesProjection, campaignsProjection, campaignUnitsProjection, reportScoresProjection];
