import { Alert, App, Button, Card, Col, Descriptions, Input, Result, Row, Space, Spin, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { ApiError, randomId, request, sessionStore } from '../api/client.js';
import type { ReportRepresentation } from '../api/types.js';
import { Link } from '../app/router.js';
import { useI18n } from '../i18n/i18n.js';
import { ChecksPanel } from '../reports/editor/ChecksPanel.js';
import { buildMarks, focusPath } from '../reports/editor/marks.js';
import { ReportForm } from '../reports/editor/ReportForm.js';
import { formatTime, kindLabels, roleLabels, statusColors, statusLabels } from '../shared/labels.js';
import { ProblemAlert } from '../shared/ProblemAlert.js';
import { ReportExportButtons } from '../shared/transfers.js';
import { ActionDialog } from './ActionDialog.js';
import { reviewEligibility } from './eligibility.js';
import { describePath, opinionTargets } from './field-paths.js';
import { OpinionComposer, useOpinionDrafts } from './OpinionComposer.js';
import { ScoreComparison, type ScoredItem } from './ScoreComparison.js';
import { WorkflowSteps } from './WorkflowSteps.js';

type Dialog = { kind: 'approve' } | { kind: 'return' } | { kind: 'publish' } | { kind: 'reopen' } | { kind: 'score'; item: ScoredItem };

/**
 * 审核: the report for everyone who reviews or inspects it. The workflow's stages and approvals,
 * self / computed / reviewer scores side by side, the checks, field opinions picked on the form
 * itself, and the actions of the current stage with the reasons they are closed to this user.
 */
export default function ReviewPage({ reportId }: { reportId: string }) {
  const { t, l, lang } = useI18n();
  const { message } = App.useApp();
  const me = sessionStore.get()!.user;
  const [rep, setRep] = useState<ReportRepresentation | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [stale, setStale] = useState<number | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [drafts, setDrafts] = useOpinionDrafts(me.userId, reportId);
  const formArea = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    try {
      const { body } = await request<ReportRepresentation>('GET', `/reports/${encodeURIComponent(reportId)}`);
      setRep(body);
      setStale(null);
      setLoadError(null);
    } catch (error) {
      setLoadError(error);
    }
  }, [reportId]);
  useEffect(() => void load(), [load]);

  const rendered = useRef(false);
  useEffect(() => {
    if (rep && !rendered.current) {
      rendered.current = true;
      performance.mark('jx-review-rendered');
    }
  }, [rep]);

  const eligibility = useMemo(() => (rep ? reviewEligibility(rep, me) : null), [rep, me]);
  const marks = useMemo(() => buildMarks(rep?.checks ?? [], {}, lang, drafts), [rep?.checks, lang, drafts]);

  /** One review command: If-Match is the revision on screen, so nobody acts on a version they did not see. */
  const act = useCallback(
    async (method: string, suffix: string, body: unknown) => {
      if (!rep) return;
      const { body: next } = await request<ReportRepresentation>(method, `/reports/${encodeURIComponent(reportId)}${suffix}`, {
        body,
        headers: { 'if-match': `"${rep.revision}"`, 'idempotency-key': randomId() },
      });
      setRep(next);
      setStale(null);
    },
    [rep, reportId],
  );
  const onStale = useCallback((error: ApiError) => setStale(typeof error.body.currentRevision === 'number' ? error.body.currentRevision : -1), []);

  const pick = (event: MouseEvent<HTMLDivElement>) => {
    const element = (event.target as HTMLElement).closest<HTMLElement>('[data-path]');
    const path = element?.dataset.path;
    if (!element || path === undefined || !formArea.current?.contains(element) || opinionTargets(path).length === 0) return;
    formArea.current.querySelectorAll('.jx-picked').forEach((e) => e.classList.remove('jx-picked'));
    element.classList.add('jx-picked');
    setPicked(path);
  };

  if (!rep) {
    if (!loadError) return <Spin style={{ display: 'block', margin: 80 }} />;
    const notFound = loadError instanceof ApiError && loadError.status === 404;
    return <Result status={notFound ? '404' : 'error'} title={notFound ? t('报告不存在或无权查看', 'No such report, or not visible to you') : String((loadError as Error).message)} extra={<Link to="/">{t('返回首页', 'Home')}</Link>} />;
  }

  const e = eligibility!;
  const review = rep.review ?? null;
  const title = rep.report.header.projectName ?? `${rep.report.header.unit} ${l(kindLabels[rep.report.kind])}`;
  const officer = me.role === 'performance_officer';
  const close = () => setDialog(null);
  const previousReturn = rep.status !== 'draft' && rep.lastReturn ? rep.lastReturn : null;

  return (
    <div className="jx-review">
      <div className="jx-editor-bar">
        <Space wrap>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="report-title">
            {title}
          </Typography.Title>
          <Tag>{rep.report.header.year}</Tag>
          <Tag color={statusColors[rep.status]} data-testid="report-status">
            {rep.status === 'draft' && rep.lastReturn ? t('已退回', 'Returned') : l(statusLabels[rep.status])}
          </Tag>
          {e.stage && (
            <Tag color="blue" data-testid="current-stage">
              {l(e.stage.name)}
            </Tag>
          )}
          <span className="jx-muted">
            {rep.report.header.unit} · {t('修订', 'rev.')} {rep.revision}
          </span>
        </Space>
        <Space wrap align="start">
          <Link to={`/reports/${encodeURIComponent(reportId)}/history`} data-testid="history-link">
            {t('历史记录与审计', 'History and audit')}
          </Link>
          <ReportExportButtons reportId={reportId} />
        </Space>
      </div>

      {stale !== null && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="review-stale"
          title={t(`此报告已被修改${stale >= 0 ? `（当前修订 ${stale}）` : ''}，您看到的是旧版本，操作未执行。请刷新后再审核。`, `This report has changed${stale >= 0 ? ` (now revision ${stale})` : ''}; you were looking at an older version and nothing was done. Reload, then review again.`)}
          action={
            <Button size="small" type="primary" onClick={() => void load()} data-testid="review-reload">
              {t('刷新', 'Reload')}
            </Button>
          }
        />
      )}

      {review && (
        <Card size="small" style={{ marginBottom: 12 }}>
          <WorkflowSteps rep={rep} />
        </Card>
      )}

      <Row gutter={16} wrap={false}>
        <Col flex="auto" style={{ minWidth: 0 }}>
          <Card size="small" title={t('得分对照：自评 · 系统计算 · 核查', 'Scores: self · computed · reviewer')} style={{ marginBottom: 12 }}>
            <ScoreComparison rep={rep} onScore={e.canScore ? (item) => setDialog({ kind: 'score', item }) : undefined} />
          </Card>
          <div ref={formArea} onClickCapture={e.canAct ? pick : undefined} className={e.canAct ? 'jx-pickable' : undefined}>
            <ReportForm rep={rep} marks={marks} />
          </div>
        </Col>
        <Col flex="360px" style={{ minWidth: 0 }}>
          <div className="jx-side">
            <Card size="small" title={t('审核操作', 'Review')} style={{ marginBottom: 12 }} data-testid="review-actions">
              <Descriptions size="small" column={1} style={{ marginBottom: 8 }}>
                <Descriptions.Item label={t('当前环节', 'Stage')}>{e.stage ? `${l(e.stage.name)}（${l(roleLabels[e.stage.role])}）` : '—'}</Descriptions.Item>
                {e.stage && review && (
                  <>
                    <Descriptions.Item label={t('审核人数', 'Approvals')}>
                      <span data-testid="four-eyes">
                        {t(`已通过 ${e.approvals} / 需 ${e.approvalsRequired} 人`, `${e.approvals} of ${e.approvalsRequired}`)}
                        {e.approvalsRequired > 1 && <Tag color="purple" style={{ marginLeft: 6 }}>{t('四眼复核', 'four eyes')}</Tag>}
                      </span>
                    </Descriptions.Item>
                    {review.approvals.map((approval) => (
                      <Descriptions.Item key={approval.userId} label={approval.userId === me.userId ? t('您', 'You') : approval.userId}>
                        {formatTime(approval.at, lang)} {approval.opinion ?? ''}
                      </Descriptions.Item>
                    ))}
                    <Descriptions.Item label={t('进入环节', 'Since')}>
                      {formatTime(review.stageEnteredAt, lang)}
                      {e.stage.timeLimitWorkingDays !== null && <span className="jx-muted"> · {t(`时限 ${e.stage.timeLimitWorkingDays} 个工作日`, `${e.stage.timeLimitWorkingDays} working days`)}</span>}
                    </Descriptions.Item>
                  </>
                )}
              </Descriptions>
              {e.canApprove ? (
                <Alert type="success" showIcon style={{ marginBottom: 8 }} title={t('您可以审核本环节', 'You may approve this stage')} data-testid="approve-open" />
              ) : (
                <Alert
                  type={e.canAct ? 'warning' : 'info'}
                  showIcon
                  style={{ marginBottom: 8 }}
                  data-testid="approve-blocked"
                  title={t('您不能审核通过此报告', 'You may not approve this report')}
                  description={
                    <ul className="jx-reasons">
                      {e.reasons.map((reason) => (
                        <li key={reason['zh-CN']}>{l(reason)}</li>
                      ))}
                    </ul>
                  }
                />
              )}
              <Space wrap>
                {e.stage && (
                  <Button type="primary" disabled={!e.canApprove || stale !== null} onClick={() => setDialog({ kind: 'approve' })} data-testid="approve">
                    {t('审核通过', 'Approve')}
                  </Button>
                )}
                {e.stage && (
                  <Button danger disabled={!e.canAct || stale !== null} onClick={() => setDialog({ kind: 'return' })} data-testid="return">
                    {t('退回修改', 'Return')}
                    {drafts.length > 0 && `（${drafts.length}）`}
                  </Button>
                )}
                {officer && rep.status === 'approved' && (
                  <Button type="primary" disabled={stale !== null} onClick={() => setDialog({ kind: 'publish' })} data-testid="publish">
                    {t('公开发布', 'Publish')}
                  </Button>
                )}
                {officer && (rep.status === 'approved' || rep.status === 'published') && (
                  <Button disabled={stale !== null} onClick={() => setDialog({ kind: 'reopen' })} data-testid="reopen">
                    {t('重新打开', 'Reopen')}
                  </Button>
                )}
              </Space>
            </Card>
            {e.canAct && <OpinionComposer report={rep.report} picked={picked} drafts={drafts} onChange={setDrafts} />}
            {previousReturn && (
              <Card size="small" title={t('上次退回意见', 'Opinions of the last return')} style={{ marginBottom: 12 }} data-testid="previous-return">
                <div className="jx-muted">
                  {formatTime(previousReturn.at, lang)} · {l(roleLabels[previousReturn.by.role])} {previousReturn.by.userId}
                </div>
                {previousReturn.opinion && <div>{previousReturn.opinion}</div>}
                <ol className="jx-checks">
                  {(previousReturn.opinions ?? []).map((opinion, index) => (
                    <li key={`${opinion.path}-${index}`}>
                      <button type="button" className="jx-check" onClick={() => focusPath(opinion.path)}>
                        <Tag color="purple">{describePath(opinion.path, rep.report, lang)}</Tag>
                        <span>{opinion.text}</span>
                      </button>
                    </li>
                  ))}
                </ol>
              </Card>
            )}
            <Card size="small" title={t(`审核提示（错误 ${rep.checkSummary.errors} · 警告 ${rep.checkSummary.warnings}）`, `Findings (${rep.checkSummary.errors} errors · ${rep.checkSummary.warnings} warnings)`)}>
              <ChecksPanel checks={rep.checks} />
            </Card>
          </div>
        </Col>
      </Row>

      {dialog?.kind === 'approve' && e.stage && <ApproveDialog stageName={l(e.stage.name)} onSubmit={(opinion) => act('POST', '/approve', { stageId: e.stage!.id, opinion }).then(() => void message.success(t('已审核通过', 'Approved')))} onClose={close} onStale={onStale} />}
      {dialog?.kind === 'return' && e.stage && (
        <ReturnDialog
          opinions={drafts.map((o) => ({ ...o, label: describePath(o.path, rep.report, lang) }))}
          onSubmit={(opinion) =>
            act('POST', '/return', { stageId: e.stage!.id, opinion, opinions: drafts.map(({ path, text }) => ({ path, text })) }).then(() => {
              setDrafts([]);
              void message.success(t('已退回填报单位修改', 'Returned to the unit for changes'));
            })
          }
          onClose={close}
          onStale={onStale}
        />
      )}
      {dialog?.kind === 'publish' && (
        <ActionDialog title={t('公开发布此报告？', 'Publish this report?')} okText={t('公开发布', 'Publish')} onSubmit={() => act('POST', '/publish', {}).then(() => void message.success(t('已公开', 'Published')))} onClose={close} onStale={onStale} testId="publish-dialog">
          {t('公开后报告对外发布；如需修改须重新打开。', 'Once published the report is public; changing it means reopening it.')}
        </ActionDialog>
      )}
      {dialog?.kind === 'reopen' && <ReopenDialog onSubmit={(reason) => act('POST', '/reopen', { reason }).then(() => void message.success(t('已重新打开，报告回到草稿', 'Reopened; the report is a draft again')))} onClose={close} onStale={onStale} />}
      {dialog?.kind === 'score' && e.stage && (
        <ScoreDialog
          item={dialog.item}
          onSubmit={(score, reason) => act('PUT', '/reviewer-scores', { stageId: e.stage!.id, path: dialog.item.path, score, reason }).then(() => void message.success(t('核查分数已保存', 'Reviewer score saved')))}
          onClose={close}
          onStale={onStale}
        />
      )}
    </div>
  );
}

interface DialogProps<A extends unknown[]> {
  onSubmit(...args: A): Promise<void>;
  onClose(): void;
  onStale(error: ApiError): void;
}

function ApproveDialog({ stageName, onSubmit, onClose, onStale }: DialogProps<[string | null]> & { stageName: string }) {
  const { t } = useI18n();
  const [opinion, setOpinion] = useState('');
  return (
    <ActionDialog title={t(`审核通过：${stageName}`, `Approve: ${stageName}`)} okText={t('审核通过', 'Approve')} onSubmit={() => onSubmit(opinion.trim() || null)} onClose={onClose} onStale={onStale} testId="approve-dialog">
      <Input.TextArea rows={3} value={opinion} onChange={(event) => setOpinion(event.target.value)} placeholder={t('审核意见（可选）', 'Opinion (optional)')} maxLength={5000} data-testid="approve-opinion" />
    </ActionDialog>
  );
}

function ReturnDialog({ opinions, onSubmit, onClose, onStale }: DialogProps<[string]> & { opinions: Array<{ path: string; text: string; label: string }> }) {
  const { t } = useI18n();
  const [opinion, setOpinion] = useState('');
  return (
    <ActionDialog title={t('退回修改', 'Return for changes')} okText={t('退回', 'Return')} danger ready={opinion.trim().length > 0} onSubmit={() => onSubmit(opinion.trim())} onClose={onClose} onStale={onStale} testId="return-dialog">
      <Typography.Paragraph>{t('退回后报告回到草稿，由填报人修改后重新提交。请说明退回原因：', 'The report goes back to the unit as a draft, to be changed and resubmitted. Say why:')}</Typography.Paragraph>
      <Input.TextArea rows={3} value={opinion} onChange={(event) => setOpinion(event.target.value)} placeholder={t('退回意见（必填）', 'Opinion (required)')} maxLength={5000} data-testid="return-opinion" />
      <Typography.Paragraph style={{ marginTop: 12, marginBottom: 4 }}>{opinions.length > 0 ? t(`随附 ${opinions.length} 条字段意见：`, `With ${opinions.length} field opinion(s):`) : t('没有字段意见（可在报告中点击字段添加）。', 'No field opinions (click a field of the report to add one).')}</Typography.Paragraph>
      <ul className="jx-reasons">
        {opinions.map((o, index) => (
          <li key={`${o.path}-${index}`}>
            <strong>{o.label}</strong>：{o.text}
          </li>
        ))}
      </ul>
    </ActionDialog>
  );
}

function ReopenDialog({ onSubmit, onClose, onStale }: DialogProps<[string]>) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  return (
    <ActionDialog title={t('重新打开报告', 'Reopen the report')} okText={t('重新打开', 'Reopen')} ready={reason.trim().length > 0} onSubmit={() => onSubmit(reason.trim())} onClose={onClose} onStale={onStale} testId="reopen-dialog">
      <Typography.Paragraph>{t('报告将回到草稿，由填报单位修改后重新走审核流程。', 'The report goes back to draft and through the review again.')}</Typography.Paragraph>
      <Input.TextArea rows={3} value={reason} onChange={(event) => setReason(event.target.value)} placeholder={t('原因（必填）', 'Reason (required)')} maxLength={5000} data-testid="reopen-reason" />
    </ActionDialog>
  );
}

function ScoreDialog({ item, onSubmit, onClose, onStale }: DialogProps<[string | null, string]> & { item: ScoredItem }) {
  const { t } = useI18n();
  const [score, setScore] = useState(item.reviewer?.score ?? item.computed ?? '');
  const [reason, setReason] = useState(item.reviewer?.reason ?? '');
  const existing = item.reviewer !== undefined && item.reviewer.score !== null;
  // An emptied score clears the reviewer score (the item counts at its computed score again).
  const ready = reason.trim().length > 0 && (score.trim().length > 0 || existing);
  return (
    <ActionDialog
      title={
        <span>
          {t('核查分数', 'Reviewer score')}：{item.label}
        </span>
      }
      okText={t('保存', 'Save')}
      ready={ready}
      onSubmit={() => onSubmit(score.trim() || null, reason.trim())}
      onClose={onClose}
      onStale={onStale}
      testId="score-dialog"
    >
      <Descriptions size="small" column={3} style={{ marginBottom: 8 }}>
        <Descriptions.Item label={t('分值', 'Weight')}>{item.weight ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('自评', 'Self')}>{item.self ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('系统', 'Computed')}>{item.computed ?? '—'}</Descriptions.Item>
      </Descriptions>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Input value={score} onChange={(event) => setScore(event.target.value)} placeholder={existing ? t('留空则清除核查分数', 'Empty clears the reviewer score') : t('核查分数，如 27.50', 'Score, e.g. 27.50')} style={{ width: 160 }} data-testid="reviewer-score-input" />
        <Input.TextArea rows={3} value={reason} onChange={(event) => setReason(event.target.value)} placeholder={t('核查理由（必填）', 'Reason (required)')} maxLength={5000} data-testid="reviewer-score-reason" />
      </Space>
    </ActionDialog>
  );
}
