import type { Actor } from '../shared/actor.js';
import type { Opinion } from './review.events.js';
import type { WorkflowSnapshot } from './workflow.definition.js';

export interface StageApproval {
  stageId: string;
  userId: string;
  at: string;
  revision: number;
  opinion: string | null;
}

export interface ReviewerScore {
  score: string | null;
  reason: string;
  stageId: string;
  by: Actor;
  at: string;
}

export interface ReturnRecord {
  at: string;
  by: Actor;
  stage: string | null;
  opinion: string | null;
  opinions: Opinion[];
  to: 'draft' | 'previous';
}

/** Where a report stands in its workflow: set at the first submission, kept for its whole life. */
export interface ReviewState {
  workflow: WorkflowSnapshot;
  /** The current submission, counted from 1. */
  cycle: number;
  /** Index of the stage that acts now (while submitted), or of the last stage that acted. */
  stageIndex: number;
  /** When the current stage began: its time limit counts from here. */
  stageEnteredAt: string | null;
  /** The first submission ever: whether the unit met its deadline. */
  firstSubmittedAt: string;
  /** Approvals of the current stage in the current cycle: four-eyes counts these. */
  approvals: StageApproval[];
  /** Whether anyone reviewed this submission yet: after that the filler can no longer withdraw it. */
  reviewedThisCycle: boolean;
  /** Each user's approved stage, over every cycle: nobody approves two stages of one report. */
  approvedStageOf: Record<string, string>;
  /** Reviewer scores (核查分数) by item path. */
  reviewerScores: Record<string, ReviewerScore>;
  /** Where a resubmission resumes, when the workflow resumes at the returning stage. */
  resumeAt: number | null;
  approvedAt: string | null;
  publishedAt: string | null;
}

export function startReview(previous: ReviewState | null, workflow: WorkflowSnapshot, at: string): ReviewState {
  if (previous) {
    return { ...previous, cycle: previous.cycle + 1, approvals: [], reviewedThisCycle: false, approvedAt: null, publishedAt: null };
  }
  return {
    workflow,
    cycle: 1,
    stageIndex: 0,
    stageEnteredAt: null,
    firstSubmittedAt: at,
    approvals: [],
    reviewedThisCycle: false,
    approvedStageOf: {},
    reviewerScores: {},
    resumeAt: null,
    approvedAt: null,
    publishedAt: null,
  };
}
