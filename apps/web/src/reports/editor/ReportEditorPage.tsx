import { Alert, App, Badge, Button, Card, Col, Input, Result, Row, Space, Spin, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, type ReactNode } from 'react';
import { ApiError, randomId, sessionStore } from '../../api/client.js';
import { Link } from '../../app/router.js';
import { useI18n } from '../../i18n/i18n.js';
import { describePath } from '../../review/field-paths.js';
import { WorkflowSteps } from '../../review/WorkflowSteps.js';
import { formatTime, kindLabels, roleLabels, statusColors, statusLabels } from '../../shared/labels.js';
import { ReportExportButtons } from '../../shared/transfers.js';
import { ChecksPanel } from './ChecksPanel.js';
import { ConflictBanner } from './ConflictBanner.js';
import { RevisionConflict, type SessionState } from './edit-session.js';
import type { EvidenceInput } from './EvidenceSection.js';
import { buildMarks, focusPath } from './marks.js';
import { ReportForm, type FormActions } from './ReportForm.js';
import { ScorePanel } from './ScorePanel.js';
import { useEditSession } from './use-edit-session.js';

/** The report page: the editor for the unit's filler while it is a draft, read-only otherwise. */
export default function ReportEditorPage({ reportId }: { reportId: string }) {
  const { t, l, lang } = useI18n();
  const { message, modal } = App.useApp();
  const [session, state] = useEditSession(reportId);
  const rep = state.rep;
  const me = sessionStore.get()!.user;
  const editable = !!rep && rep.status === 'draft' && me.role === 'unit_filler' && rep.organisationId === me.organisationId;
  const withdrawable = !!rep && rep.status === 'submitted' && me.role === 'unit_filler' && rep.organisationId === me.organisationId;

  // A returned draft shows the reviewers' opinions beside the fields they point at, until resubmitted.
  const opinions = rep?.status === 'draft' ? rep.lastReturn?.opinions : undefined;
  const marks = useMemo(() => buildMarks(rep?.checks ?? [], state.fieldErrors, lang, opinions), [rep?.checks, state.fieldErrors, lang, opinions]);
  const change = useCallback((target: string, field: string, value: unknown) => session.change(target, field, value), [session]);

  const rendered = useRef(false);
  useEffect(() => {
    // The Playwright run reads this mark: the first paint of the loaded report.
    if (rep && !rendered.current) {
      rendered.current = true;
      performance.mark('jx-report-rendered');
    }
  }, [rep]);

  const fail = useCallback(
    (error: unknown) => {
      if (error instanceof RevisionConflict || (error instanceof ApiError && error.status === 412)) return; // the banner explains it
      const detail = error instanceof ApiError ? [error.message, ...error.errors.map((e) => e.message)].filter((v, i, all) => all.indexOf(v) === i).join('；') : String(error);
      void message.error(detail);
    },
    [message],
  );

  const actions = useMemo<FormActions>(
    () => ({
      addIndicator() {
        const indicatorId = randomId();
        session
          .command('POST', `/reports/${reportId}/indicators`, { indicatorId, indicator: { level1: 'output', level2: 'quantity', name: t('新指标', 'New indicator'), comparator: '≥', weight: '0' } })
          .then(() => requestAnimationFrame(() => focusPath(`indicators[${indicatorId}].name`)), fail);
      },
      removeIndicator(indicatorId) {
        modal.confirm({
          title: t('删除此指标？', 'Remove this indicator?'),
          okButtonProps: { danger: true },
          onOk: () => session.command('DELETE', `/reports/${reportId}/indicators/${indicatorId}`, undefined, { dropTargets: [`indicator:${indicatorId}`] }).catch(fail),
        });
      },
      addItem() {
        const itemId = randomId();
        session.command('PUT', `/reports/${reportId}/evaluation-items/${itemId}`, { category: t('新评价项目', 'New item'), maximum: null, score: null, justification: null }).then(() => requestAnimationFrame(() => focusPath(`evaluationItems[${itemId}].category`)), fail);
      },
      removeItem(itemId) {
        modal.confirm({
          title: t('删除此评价项目？', 'Remove this evaluation item?'),
          okButtonProps: { danger: true },
          onOk: () => session.command('DELETE', `/reports/${reportId}/evaluation-items/${itemId}`, undefined, { dropTargets: [`item:${itemId}`] }).catch(fail),
        });
      },
      attachEvidence: (evidence: EvidenceInput) => session.command('POST', `/reports/${reportId}/evidence`, { evidenceId: randomId(), evidence }).catch(fail),
      detachEvidence(evidenceId) {
        session.command('DELETE', `/reports/${reportId}/evidence/${evidenceId}`, undefined).catch(fail);
      },
    }),
    [session, reportId, t, fail, modal],
  );

  if (state.loading && !rep) return <Spin style={{ display: 'block', margin: 80 }} />;
  if (!rep) {
    const notFound = state.loadError instanceof ApiError && state.loadError.status === 404;
    return <Result status={notFound ? '404' : 'error'} title={notFound ? t('报告不存在或无权查看', 'No such report, or not visible to you') : state.loadError?.message} extra={<Link to="/reports">{t('返回报告列表', 'Back to reports')}</Link>} />;
  }

  const pending = Object.keys(state.drafts).length;
  const submit = () => {
    session.command('POST', `/reports/${reportId}/submit`, {}).then(() => void message.success(t('已提交', 'Submitted')), fail);
  };
  const withdraw = () => {
    let reason = '';
    modal.confirm({
      title: t('撤回提交？', 'Withdraw the submission?'),
      content: <Input.TextArea rows={3} placeholder={t('撤回原因（可选）', 'Reason (optional)')} onChange={(event) => (reason = event.target.value)} />,
      onOk: () =>
        session
          .command('POST', `/reports/${reportId}/withdraw`, { reason: reason.trim() || null })
          .then(() => void message.success(t('已撤回，报告回到草稿', 'Withdrawn; the report is a draft again')), fail),
    });
  };
  const title = rep.report.header.projectName ?? `${rep.report.header.unit} ${l(kindLabels[rep.report.kind])}`;

  return (
    <div className="jx-editor">
      <div className="jx-editor-bar">
        <Space wrap>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="report-title">
            {title}
          </Typography.Title>
          <Tag>{rep.report.header.year}</Tag>
          <Tag color={statusColors[rep.status]} data-testid="report-status">
            {l(statusLabels[rep.status])}
          </Tag>
          {rep.status === 'draft' && rep.lastReturn && <Tag color="red">{t('已退回', 'Returned')}</Tag>}
          <SaveState state={state} pending={pending} />
        </Space>
        <Space wrap align="start">
          <Link to={`/reports/${encodeURIComponent(reportId)}/history`}>{t('历史记录与审计', 'History and audit')}</Link>
          <ReportExportButtons reportId={reportId} />
          {editable && (
            <Button type="primary" onClick={submit} disabled={!!state.conflict} data-testid="submit-report" title={rep.checkSummary.submittable ? undefined : t('存在错误级审核提示，暂不能提交', 'Error-level findings block submission')}>
              {t('提交', 'Submit')}
            </Button>
          )}
          {withdrawable && (
            <Button onClick={withdraw} data-testid="withdraw-report">
              {t('撤回', 'Withdraw')}
            </Button>
          )}
        </Space>
      </div>
      {state.conflict && <ConflictBanner conflict={state.conflict} pending={pending} onReapply={() => void session.reloadAndReapply().catch(fail)} onDiscard={() => void session.discardAndReload()} />}
      {state.restoredDrafts > 0 && !state.conflict && <Alert type="info" showIcon closable style={{ marginBottom: 12 }} title={t(`已恢复上次未保存的 ${state.restoredDrafts} 项修改，正在保存。`, `Restored ${state.restoredDrafts} unsaved change(s) from last time; saving them.`)} />}
      {rep.lastReturn && rep.status === 'draft' && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={t(`此报告已于${formatTime(rep.lastReturn.at, lang)}被${l(roleLabels[rep.lastReturn.by.role])}退回修改`, `Returned for changes by the ${l(roleLabels[rep.lastReturn.by.role])} at ${formatTime(rep.lastReturn.at, lang)}`)}
          description={rep.lastReturn.opinion}
        />
      )}
      {!editable && <Alert type="info" style={{ marginBottom: 12 }} title={t('只读：报告不在草稿状态，或您不是本单位的填报人。', 'Read-only: the report is not a draft, or you are not its unit’s filler.')} />}
      {rep.review && rep.status !== 'draft' && (
        <div className="jx-form" style={{ marginBottom: 12, paddingTop: 12 }}>
          <WorkflowSteps rep={rep} compact />
        </div>
      )}
      <Row gutter={16} wrap={false} className="jx-editor-body">
        <Col flex="auto" style={{ minWidth: 0 }}>
          <ReportForm rep={rep} drafts={state.drafts} marks={marks} change={editable ? change : undefined} actions={editable ? actions : undefined} />
        </Col>
        <Col flex="340px">
          <div className="jx-side">
            <Card size="small" title={t('系统计分', 'Computed score')} style={{ marginBottom: 12 }}>
              <ScorePanel rep={rep} drafts={state.drafts} marks={marks} change={editable ? change : undefined} />
            </Card>
            {opinions && opinions.length > 0 && (
              <Card size="small" title={t('退回意见', 'Reviewers’ opinions')} style={{ marginBottom: 12 }} data-testid="opinions">
                <ol className="jx-checks">
                  {opinions.map((opinion, index) => (
                    <li key={`${opinion.path}-${index}`}>
                      <button type="button" className="jx-check" onClick={() => focusPath(opinion.path)} data-testid="opinion-item" data-path-target={opinion.path}>
                        <Tag color="purple">{describePath(opinion.path, rep.report, lang)}</Tag>
                        <span>{opinion.text}</span>
                      </button>
                    </li>
                  ))}
                </ol>
              </Card>
            )}
            <Card
              size="small"
              title={
                <Space>
                  {t('审核提示', 'Findings')}
                  <Badge count={rep.checkSummary.errors} color="red" showZero data-testid="check-errors" />
                  <Badge count={rep.checkSummary.warnings} color="orange" showZero />
                </Space>
              }
            >
              <ChecksPanel checks={rep.checks} />
            </Card>
          </div>
        </Col>
      </Row>
    </div>
  );
}

function SaveState({ state, pending }: { state: SessionState; pending: number }): ReactNode {
  const { t } = useI18n();
  let text: string;
  let color = 'default';
  if (state.conflict) [text, color] = [t('保存冲突', 'Conflict'), 'warning'];
  else if (state.offline) [text, color] = [t('网络中断，正在重试…', 'Offline, retrying…'), 'warning'];
  else if (state.saveError) [text, color] = [`${t('保存失败', 'Save failed')}: ${state.saveError}`, 'error'];
  else if (state.saving) text = t('保存中…', 'Saving…');
  else if (pending > 0) {
    const refused = Object.values(state.drafts).filter((d) => d.refused).length;
    [text, color] = refused > 0 ? [t(`${refused} 项输入有误，未保存`, `${refused} invalid input(s), not saved`), 'error'] : [t(`${pending} 项待保存`, `${pending} pending`), 'processing'];
  } else [text, color] = [`${t('已保存', 'Saved')} · ${t('修订', 'rev.')} ${state.rep?.revision ?? ''}`, 'success'];
  return (
    <Tag color={color} data-testid="save-state" data-revision={state.rep?.revision}>
      {text}
    </Tag>
  );
}
