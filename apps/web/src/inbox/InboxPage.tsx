import { Alert, Card, Radio, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../api/client.js';
import type { InboxItem, Page, StageCount } from '../api/types.js';
import { Link, setSearch, useLocation } from '../app/router.js';
import { useI18n } from '../i18n/i18n.js';
import { loadReportPage } from '../reports/ReportPage.js';
import { formatTime, gradeColors, kindLabels, roleLabels } from '../shared/labels.js';
import { ProblemAlert } from '../shared/ProblemAlert.js';

/**
 * 待办审核: the reports waiting for this user's action, oldest stage first, with the stage's due
 * date in working days and an overdue mark; the counts per stage over everything in view.
 */
export default function InboxPage() {
  const { t, l, lang } = useI18n();
  const { search } = useLocation();
  const stage = search.get('stage') ?? undefined;
  const page = Number(search.get('page') ?? '1') || 1;
  const pageSize = Number(search.get('pageSize') ?? '20') || 20;
  const [data, setData] = useState<Page<InboxItem> | null>(null);
  const [counts, setCounts] = useState<StageCount[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const query = new URLSearchParams({ page: String(page), pageSize: String(pageSize), ...(stage && { stage }) }).toString();

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    api
      .get<Page<InboxItem>>(`/inbox?${query}`, controller.signal)
      .then((result) => {
        setData(result);
        setError(null);
      })
      .catch((e: unknown) => (e as Error).name !== 'AbortError' && setError(e))
      .finally(() => setLoading(false));
    return () => controller.abort();
  }, [query]);

  useEffect(() => {
    api.get<{ stages: StageCount[] }>('/inbox/counts').then(({ stages }) => setCounts(stages), () => setCounts([]));
    const idle = window.requestIdleCallback ?? ((callback: () => void) => window.setTimeout(callback, 200));
    idle(() => void loadReportPage());
  }, []);

  const columns: TableColumnsType<InboxItem> = [
    {
      title: t('报告', 'Report'),
      key: 'name',
      render: (_, r) => (
        <div>
          <Link to={`/reports/${encodeURIComponent(r.reportId)}`} data-testid="inbox-link">
            {r.projectName ?? `${r.unitName} ${l(kindLabels[r.kind])}`}
          </Link>
          <div className="jx-muted">
            {r.unitName} · {r.year}
          </div>
        </div>
      ),
    },
    { title: t('审核环节', 'Stage'), key: 'stage', render: (_, r) => (r.review ? <Tag color="blue">{l(r.review.stageName)}</Tag> : '—') },
    { title: t('进入环节', 'Since'), key: 'entered', render: (_, r) => formatTime(r.review?.enteredAt, lang) },
    {
      title: t('办理期限', 'Due'),
      key: 'due',
      render: (_, r) =>
        r.due ? (
          <span data-testid="inbox-due" data-overdue={r.due.overdue}>
            <span className={r.due.overdue ? 'jx-overdue' : undefined}>{r.due.dueDate}</span>
            {r.due.overdue && (
              <Tag color="red" style={{ marginLeft: 6 }} data-testid="overdue-mark">
                {t('逾期', 'Overdue')}
              </Tag>
            )}
          </span>
        ) : (
          <span className="jx-muted" title={t('本环节无时限，或工作日历缺少该年度', 'No time limit, or the working-day calendar lacks the year')}>
            —
          </span>
        ),
    },
    { title: t('自评总分', 'Self total'), dataIndex: 'selfTotal', key: 'self', align: 'right', render: (v: string | null) => v ?? '—' },
    {
      title: t('系统得分', 'Computed'),
      key: 'computed',
      align: 'right',
      render: (_, r) => (
        <span data-testid="inbox-computed">
          {r.computedTotal ?? '—'} {r.grade && <Tag color={gradeColors[r.grade]}>{r.grade}</Tag>}
        </span>
      ),
    },
    { title: t('核查得分', 'Reviewer'), dataIndex: 'reviewerTotal', key: 'reviewer', align: 'right', render: (v: string | null | undefined) => v ?? '—' },
    {
      title: t('审核提示', 'Open findings'),
      key: 'checks',
      render: (_, r) => (
        <Space size={4}>
          {r.errors > 0 && <Tag color="red">{t(`错误 ${r.errors}`, `${r.errors} error${r.errors === 1 ? '' : 's'}`)}</Tag>}
          {r.warnings > 0 && <Tag color="orange">{t(`警告 ${r.warnings}`, `${r.warnings} warning${r.warnings === 1 ? '' : 's'}`)}</Tag>}
          {r.errors === 0 && r.warnings === 0 && <span className="jx-muted">—</span>}
        </Space>
      ),
    },
    {
      title: t('审核人数', 'Approvals'),
      key: 'approvals',
      render: (_, r) => (r.review ? `${r.review.approvedBy.length} / ${r.review.approvalsRequired}` : '—'),
    },
  ];

  const total = counts?.reduce((sum, c) => sum + c.count, 0) ?? 0;
  return (
    <div>
      <div className="jx-page-head">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('待办审核', 'Review inbox')}
        </Typography.Title>
        <span className="jx-muted">{t('按进入环节的时间排列，等得最久的在前', 'Oldest stage first: what has waited longest')}</span>
      </div>
      {counts && counts.length > 0 && (
        <Card size="small" style={{ marginBottom: 12 }} data-testid="stage-counts" title={t(`审核中的报告（共 ${total} 份，按环节）`, `Reports in review (${total}, by stage)`)}>
          <Radio.Group
            value={stage ?? ''}
            onChange={(event) => setSearch({ stage: (event.target.value as string) || null, pageSize })}
            optionType="button"
            options={[
              { value: '', label: t('我的全部待办', 'All my work') },
              ...counts.map((c) => ({ value: c.stage, label: <span data-stage={c.stage}>{`${l(c.stageName)}（${l(roleLabels[c.role])}）${c.count}`}</span> })),
            ]}
          />
        </Card>
      )}
      {error !== null && <ProblemAlert error={error} />}
      {data && data.total === 0 && !loading && <Alert type="success" showIcon style={{ marginBottom: 12 }} title={t('没有等待您办理的报告', 'Nothing waits for you')} data-testid="inbox-empty" />}
      <Table<InboxItem>
        rowKey="reportId"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        rowClassName={(r) => (r.due?.overdue ? 'jx-row-overdue' : '')}
        data-testid="inbox-table"
        pagination={{ current: page, pageSize, total: data?.total ?? 0, showTotal: (n) => t(`共 ${n} 份待办`, `${n} waiting`), onChange: (p, size) => setSearch({ stage, page: size === pageSize ? p : 1, pageSize: size }) }}
      />
    </div>
  );
}
