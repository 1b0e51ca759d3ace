import { Alert, Button, Card, Col, Descriptions, Empty, Row, Space, Spin, Statistic, Table, Tag, Timeline, Typography, type TableColumnsType } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { api, ApiError, sessionStore } from '../api/client.js';
import type { CampaignProgress, CampaignUnitProgress } from '../api/types.js';
import { campaignManagers } from '../app/routes.js';
import { Link } from '../app/router.js';
import { useI18n } from '../i18n/i18n.js';
import { formatTime, gradeColors, kindLabels, progressStateColors, progressStateLabels, roleLabels, timelinessColors, timelinessLabels } from '../shared/labels.js';
import { ProblemAlert } from '../shared/ProblemAlert.js';
import { ExtendDeadlineDialog } from './ExtendDeadlineDialog.js';

const CampaignCharts = lazy(() => import('./CampaignCharts.js'));

/**
 * A campaign's progress: its units and reports by state and review stage, on time against each
 * unit's deadline or late, the grades and the score distribution of what was submitted.
 * The performance office extends deadlines here.
 */
export default function CampaignPage({ campaignId }: { campaignId: string }) {
  const { t, l, lang } = useI18n();
  const [progress, setProgress] = useState<CampaignProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [extending, setExtending] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const manager = campaignManagers.includes(sessionStore.get()!.user.role);

  const load = useCallback(() => api.get<CampaignProgress>(`/campaigns/${encodeURIComponent(campaignId)}/progress`).then(setProgress, setError), [campaignId]);
  useEffect(() => void load(), [load]);

  if (!progress) {
    if (error === null) return <Spin style={{ display: 'block', margin: 80 }} />;
    return <ProblemAlert error={error} />;
  }
  const { campaign, totals } = progress;

  const columns: TableColumnsType<CampaignUnitProgress> = [
    { title: t('单位', 'Unit'), key: 'unit', render: (_, u) => u.unitName ?? u.unitId },
    {
      title: t('截止日期', 'Deadline'),
      key: 'deadline',
      render: (_, u) => (
        <span data-testid="unit-deadline" data-unit={u.unitId}>
          {u.deadline}
          {u.deadlineExtended && (
            <Tag color="gold" style={{ marginLeft: 6 }}>
              {t('已延期', 'extended')}
            </Tag>
          )}
        </span>
      ),
    },
    { title: t('进度', 'State'), key: 'state', render: (_, u) => <Tag color={progressStateColors[u.state]}>{l(progressStateLabels[u.state])}</Tag> },
    { title: t('按时', 'Timeliness'), key: 'timeliness', render: (_, u) => <Tag color={timelinessColors[u.timeliness]}>{l(timelinessLabels[u.timeliness])}</Tag> },
    {
      title: t('报告', 'Reports'),
      key: 'reports',
      render: (_, u) =>
        u.reports.length === 0 ? (
          <span className="jx-muted">{t('尚未创建', 'none yet')}</span>
        ) : (
          <Space orientation="vertical" size={2}>
            {u.reports.map((r) => (
              <span key={r.reportId}>
                <Link to={`/reports/${encodeURIComponent(r.reportId)}`}>{r.projectName ?? l(kindLabels[r.kind])}</Link>{' '}
                <Tag color={progressStateColors[r.state]}>{r.stage ? l(r.stage.name) : l(progressStateLabels[r.state])}</Tag>
                {r.computedTotal && <span className="jx-num">{r.computedTotal}</span>} {r.grade && <Tag color={gradeColors[r.grade]}>{r.grade}</Tag>}
                {r.reviewerTotal && <span className="jx-muted"> {t(`核查 ${r.reviewerTotal}`, `reviewer ${r.reviewerTotal}`)}</span>}
              </span>
            ))}
          </Space>
        ),
    },
  ];

  const stat = (testId: string, title: string, value: number, color?: string) => (
    <Col xs={12} md={6} lg={3}>
      <Card size="small">
        <Statistic title={title} value={value} styles={color ? { content: { color } } : undefined} data-testid={testId} />
      </Card>
    </Col>
  );

  return (
    <div data-testid="campaign-dashboard">
      <div className="jx-page-head">
        <Space wrap>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="campaign-title">
            {campaign.name}
          </Typography.Title>
          <Tag>{campaign.year}</Tag>
          <Tag>{campaign.kind ? l(kindLabels[campaign.kind]) : t('全部类型', 'both kinds')}</Tag>
        </Space>
        <Space>
          <span className="jx-muted">{t(`统计时间 ${formatTime(progress.asOf, lang)}`, `As of ${formatTime(progress.asOf, lang)}`)}</span>
          <Button onClick={() => void load()} data-testid="campaign-refresh">
            {t('刷新', 'Refresh')}
          </Button>
          {manager && (
            <Button type="primary" onClick={() => setExtending(true)} data-testid="extend-deadline">
              {t('延期', 'Extend a deadline')}
            </Button>
          )}
        </Space>
      </div>
      {notice && <Alert type="success" showIcon closable onClose={() => setNotice(null)} style={{ marginBottom: 12 }} title={notice} />}
      <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('提交截止', 'Deadline')}>
          <span data-testid="campaign-deadline-value">{campaign.submissionDeadline}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('开启时间', 'Opened')}>{formatTime(campaign.openedAt, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('参评单位', 'Units')}>{totals.units}</Descriptions.Item>
      </Descriptions>

      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        {stat('stat-units', t('参评单位', 'Units'), totals.units)}
        {stat('stat-not-started', t('未开始单位', 'Units not started'), totals.unitsByState.not_started)}
        {stat('stat-reports', t('报告', 'Reports'), totals.reports)}
        {stat('stat-in-review', t('审核中', 'In review'), totals.reportsByState.in_review)}
        {stat('stat-published', t('已公开', 'Published'), totals.reportsByState.published)}
        {stat('stat-on-time', t('按时提交单位', 'Units on time'), totals.unitsByTimeliness.on_time, '#389e0d')}
        {stat('stat-late', t('逾期单位', 'Units late'), totals.unitsByTimeliness.late, '#cf1322')}
        {stat('stat-pending', t('未到期单位', 'Units not yet due'), totals.unitsByTimeliness.pending)}
      </Row>

      <Suspense fallback={<div style={{ height: 560 }} />}>
        <CampaignCharts progress={progress} />
      </Suspense>

      <Card size="small" title={t('各单位进度', 'Units')} style={{ marginTop: 12 }}>
        <Table<CampaignUnitProgress> rowKey="unitId" size="small" columns={columns} dataSource={progress.units} pagination={{ pageSize: 50, hideOnSinglePage: true }} data-testid="campaign-units-table" />
      </Card>

      <Card size="small" title={t('延期记录', 'Extensions')} style={{ marginTop: 12 }} data-testid="campaign-extensions">
        {campaign.extensions.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('没有延期', 'No extensions')} />
        ) : (
          <Timeline
            items={campaign.extensions.map((x, index) => ({
              key: index,
              content: (
                <span>
                  {formatTime(x.at, lang)} · {l(roleLabels[x.by.role])} {x.by.userId}：
                  {x.unitId ? (progress.units.find((u) => u.unitId === x.unitId)?.unitName ?? x.unitId) : t('全部单位', 'every unit')} → <strong>{x.deadline}</strong>（{x.reason}）
                </span>
              ),
            }))}
          />
        )}
      </Card>

      {extending && (
        <ExtendDeadlineDialog
          progress={progress}
          onClose={() => setExtending(false)}
          onDone={(message) => {
            setNotice(message);
            void load();
          }}
          onStale={(e: ApiError) => {
            setNotice(t('评价任务已被他人修改，已刷新，请重新操作', 'The campaign changed meanwhile; reloaded, please try again') + (e.code ? ` (${e.code})` : ''));
            void load();
          }}
        />
      )}
    </div>
  );
}
