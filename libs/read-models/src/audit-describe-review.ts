import { text, type LocalizedText, type ReportAggregate, type ReportEventOf } from '#domain';

type ReviewEventType = 'ReviewStageEntered' | 'ReviewApproved' | 'ReportReturned' | 'ReviewerScoreSet' | 'ReportApproved' | 'ReportPublished' | 'ReportReopened';

export interface ReviewDescription {
  summary: LocalizedText;
  /** The opinion or reason the actor gave, as they wrote it. */
  reason: string | null;
}

function stageName(before: ReportAggregate, stageId: string | null): LocalizedText {
  const stage = before.review?.workflow.stages.find((s) => s.id === stageId);
  return stage ? text(stage.name['zh-CN'], stage.name.en) : text(stageId ?? '', stageId ?? '');
}

/** What a review action did, in words an auditor reads: stage names, opinions, scores. */
export function describeReviewEvent(before: ReportAggregate, event: ReportEventOf<ReviewEventType>): ReviewDescription {
  switch (event.type) {
    case 'ReviewStageEntered': {
      const stage = stageName(before, event.data.stageId);
      const limit = event.data.timeLimitWorkingDays;
      return {
        summary: text(`进入“${stage['zh-CN']}”环节${limit ? `（时限${limit}个工作日）` : ''}`, `entered stage "${stage.en}"${limit ? ` (${limit} working days)` : ''}`),
        reason: null,
      };
    }
    case 'ReviewApproved': {
      const stage = stageName(before, event.data.stageId);
      return { summary: text(`审核通过“${stage['zh-CN']}”（第${event.data.revision}版）`, `approved stage "${stage.en}" (revision ${event.data.revision})`), reason: event.data.opinion };
    }
    case 'ReportReturned': {
      const stage = stageName(before, event.data.stage);
      const fields = event.data.opinions.filter((o) => o.path !== '');
      const where = event.data.to === 'previous' ? text('退回上一环节', 'returned to the previous stage') : text('退回修改', 'returned the report for revision');
      const extra = fields.length > 0 ? text(`，${fields.length}条字段意见`, `, ${fields.length} field opinion${fields.length === 1 ? '' : 's'}`) : text('', '');
      const reason = [event.data.opinion, ...event.data.opinions.map((o) => (o.path ? `${o.path}: ${o.text}` : o.text))].filter((r): r is string => !!r).join('\n');
      const at = event.data.stage === null ? text('', '') : text(`（${stage['zh-CN']}）`, ` (${stage.en})`);
      return { summary: text(`${where['zh-CN']}${at['zh-CN']}${extra['zh-CN']}`, `${where.en}${at.en}${extra.en}`), reason: reason || null };
    }
    case 'ReviewerScoreSet': {
      const { path, score } = event.data;
      const previous = before.review?.reviewerScores[path]?.score ?? null;
      const shown = (value: string | null, empty: string) => value ?? empty;
      return {
        summary: text(`设定核查分数 ${path}：${shown(previous, '（空）')} → ${shown(score, '（清除）')}`, `set the reviewer score of ${path}: ${shown(previous, '(none)')} → ${shown(score, '(cleared)')}`),
        reason: event.data.reason,
      };
    }
    case 'ReportApproved':
      return { summary: text('全部环节审核通过', 'approved at every stage'), reason: null };
    case 'ReportPublished':
      return { summary: text('发布报告', 'published the report'), reason: null };
    case 'ReportReopened':
      return { summary: text('重新打开报告', 'reopened the report'), reason: event.data.reason };
  }
}
