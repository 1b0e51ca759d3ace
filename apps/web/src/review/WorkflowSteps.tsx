import { Steps, Tag } from 'antd';
import { sessionStore } from '../api/client.js';
import type { ReportRepresentation } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { formatTime, roleLabels } from '../shared/labels.js';

type StepStatus = 'wait' | 'process' | 'finish' | 'error';

/**
 * The report's workflow as steps: submission, each review stage with who approved it and the
 * approvals the current one still needs, publication. A return shows at the stage that returned.
 */
export function WorkflowSteps({ rep, compact }: { rep: ReportRepresentation; compact?: boolean }) {
  const { t, l, lang } = useI18n();
  const review = rep.review;
  if (!review) return null;
  const me = sessionStore.get()?.user.userId;
  const who = (userId: string) => (userId === me ? t('您', 'you') : userId);
  const done = rep.status === 'approved' || rep.status === 'published';
  const returnedHere = (stageId: string) => rep.status === 'draft' && rep.lastReturn?.stage === stageId;

  const stageItems = review.workflow.stages.map((stage, index) => {
    let status: StepStatus;
    if (done) status = 'finish';
    else if (rep.status === 'submitted') status = index < review.stageIndex ? 'finish' : index === review.stageIndex ? 'process' : 'wait';
    else status = index === review.stageIndex && returnedHere(stage.id) ? 'error' : index < review.stageIndex && review.reviewedThisCycle ? 'finish' : 'wait';
    const approvers = Object.entries(review.approvedStageOf)
      .filter(([, stageId]) => stageId === stage.id)
      .map(([userId]) => who(userId));
    const current = rep.status === 'submitted' && index === review.stageIndex;
    const content = (
      <div className="jx-step-content" data-testid={`stage-${stage.id}`} data-status={status}>
        <div className="jx-muted">{l(roleLabels[stage.role])}</div>
        {!compact && stage.timeLimitWorkingDays !== null && <div className="jx-muted">{t(`时限 ${stage.timeLimitWorkingDays} 个工作日`, `${stage.timeLimitWorkingDays} working days`)}</div>}
        {current && (
          <div>
            {t(`已通过 ${review.approvals.length} / ${stage.approvals} 人`, `${review.approvals.length} of ${stage.approvals} approvals`)}
            {stage.approvals > 1 && (
              <Tag color="purple" style={{ marginLeft: 4 }}>
                {t('四眼复核', 'four eyes')}
              </Tag>
            )}
          </div>
        )}
        {approvers.length > 0 && !compact && <div>{t(`审核人：${approvers.join('、')}`, `Approved by ${approvers.join(', ')}`)}</div>}
        {status === 'error' && <div className="jx-field-msg-error">{t('在此环节退回修改', 'Returned at this stage')}</div>}
      </div>
    );
    return { key: stage.id, title: l(stage.name), status, content };
  });

  const submitted: StepStatus = rep.status === 'draft' ? (rep.lastReturn ? 'finish' : 'wait') : 'finish';
  const items = [
    {
      key: 'submit',
      title: t('填报提交', 'Submission'),
      status: submitted,
      content: (
        <div className="jx-step-content">
          {rep.submittedAt && <div className="jx-muted">{formatTime(rep.submittedAt, lang)}</div>}
          {review.cycle > 1 && <div className="jx-muted">{t(`第 ${review.cycle} 次提交`, `submission ${review.cycle}`)}</div>}
        </div>
      ),
    },
    ...stageItems,
    {
      key: 'publish',
      title: t('公开', 'Publication'),
      status: (rep.status === 'published' ? 'finish' : rep.status === 'approved' ? 'process' : 'wait') as StepStatus,
      content: <div className="jx-step-content jx-muted">{rep.status === 'approved' ? t('已审核通过，待公开', 'approved, awaiting publication') : review.publishedAt ? formatTime(review.publishedAt, lang) : ''}</div>,
    },
  ];
  return <Steps size="small" items={items} data-testid="workflow-steps" className="jx-steps" />;
}
