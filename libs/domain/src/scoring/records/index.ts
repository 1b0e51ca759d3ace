// Score records: what the background worker computed, per report revision and profile version.
export {
  parseStoredReportScored,
  parseStoredScoreBasis,
  REPORT_SCORED,
  REPORT_SCORED_VERSION,
  reportIdOfScoreStream,
  reportScoredData,
  reportScoredSchemas,
  scoreRecordName,
  scoreStreamId,
  scoringActor,
  scoringActorSchema,
  supersedes,
  type ReportScoredData,
  type ScoreBasis,
  type ScoringActor,
} from './report-scored.event.js';
