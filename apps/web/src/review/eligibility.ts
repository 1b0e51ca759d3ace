import type { LocalizedText } from '../i18n/text.js';
import type { ReportRepresentation, Role, WorkflowStage } from '../api/types.js';
import { roleLabels, statusLabels } from '../shared/labels.js';

export interface ReviewEligibility {
  /** The stage acting now; null when the report is not in review. */
  stage: WorkflowStage | null;
  /** May return the report and (where the stage may) set reviewer scores: the stage's role, in review. */
  canAct: boolean;
  canApprove: boolean;
  canScore: boolean;
  /** Why approving is not open to this user, in the order the domain refuses. Empty when it is. */
  reasons: LocalizedText[];
  approvals: number;
  approvalsRequired: number;
}

const text = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en });

/**
 * What this user may do at the report's current stage, and why not, from the report itself:
 * the same rules the review decider applies (role of the stage, segregation of duties, four
 * eyes), so the page can explain a closed door before anyone knocks. The API still decides.
 */
export function reviewEligibility(rep: ReportRepresentation, user: { userId: string; role: Role }): ReviewEligibility {
  const review = rep.review ?? null;
  const inReview = rep.status === 'submitted' && review !== null;
  const stage = inReview ? (review.workflow.stages[review.stageIndex] ?? null) : null;
  const approvals = inReview ? review.approvals.length : 0;
  const approvalsRequired = stage?.approvals ?? 0;
  const reasons: LocalizedText[] = [];
  if (!inReview || !stage) {
    reasons.push(text(`报告当前不在审核中（${statusLabels[rep.status]['zh-CN']}）`, `The report is not in review (${statusLabels[rep.status].en.toLowerCase()})`));
    return { stage: null, canAct: false, canApprove: false, canScore: false, reasons, approvals, approvalsRequired };
  }
  const roleMatches = user.role === stage.role;
  if (!roleMatches) {
    reasons.push(text(`当前环节“${stage.name['zh-CN']}”由${roleLabels[stage.role]['zh-CN']}办理`, `The current stage, ${stage.name.en}, is for the ${roleLabels[stage.role].en.toLowerCase()}`));
  }
  if (rep.editors.includes(user.userId) || (rep.submitters ?? []).includes(user.userId)) {
    reasons.push(text('您编辑或提交过本报告，不能审核通过（不相容岗位分离）', 'You edited or submitted this report, so you may not approve it (segregation of duties)'));
  }
  const otherStageId = review.approvedStageOf[user.userId];
  if (otherStageId !== undefined && otherStageId !== stage.id) {
    const other = review.workflow.stages.find((s) => s.id === otherStageId);
    reasons.push(
      text(
        `您已审核通过本报告的“${other?.name['zh-CN'] ?? otherStageId}”环节，同一人不能审核通过两个环节`,
        `You approved this report at ${other?.name.en ?? otherStageId}; one person may not approve two stages of a report`,
      ),
    );
  }
  if (review.approvals.some((a) => a.userId === user.userId)) {
    reasons.push(text(`您已审核通过本环节，须由另一人复核（需 ${approvalsRequired} 人）`, `You have already approved this stage; another person must approve it too (${approvalsRequired} needed)`));
  }
  return { stage, canAct: roleMatches, canApprove: reasons.length === 0, canScore: roleMatches && stage.mayScore, reasons, approvals, approvalsRequired };
}
