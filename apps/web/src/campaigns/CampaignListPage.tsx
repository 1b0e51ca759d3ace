import { Button, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { api, sessionStore } from '../api/client.js';
import type { Campaign, Page } from '../api/types.js';
import { campaignManagers } from '../app/routes.js';
import { Link, setSearch, useLocation } from '../app/router.js';
import { useI18n } from '../i18n/i18n.js';
import { formatTime, kindLabels } from '../shared/labels.js';
import { ProblemAlert } from '../shared/ProblemAlert.js';
import { OpenCampaignDialog } from './OpenCampaignDialog.js';

/** 评价任务: the region's campaigns, newest year first; the performance office opens new ones. */
export default function CampaignListPage() {
  const { t, l, lang } = useI18n();
  const { search } = useLocation();
  const page = Number(search.get('page') ?? '1') || 1;
  const [data, setData] = useState<Page<Campaign> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [opening, setOpening] = useState(false);
  const manager = campaignManagers.includes(sessionStore.get()!.user.role);

  useEffect(() => {
    api.get<Page<Campaign>>(`/campaigns?page=${page}&pageSize=20`).then(setData, setError);
  }, [page]);

  const columns: TableColumnsType<Campaign> = [
    {
      title: t('评价任务', 'Campaign'),
      key: 'name',
      render: (_, c) => (
        <Link to={`/campaigns/${encodeURIComponent(c.campaignId)}`} data-testid="campaign-link">
          {c.name}
        </Link>
      ),
    },
    { title: t('年度', 'Year'), dataIndex: 'year', key: 'year', width: 80 },
    { title: t('报告类型', 'Kind'), key: 'kind', render: (_, c) => (c.kind ? l(kindLabels[c.kind]) : t('全部', 'both')) },
    { title: t('单位数', 'Units'), key: 'units', align: 'right', render: (_, c) => c.unitIds.length },
    {
      title: t('提交截止', 'Deadline'),
      key: 'deadline',
      render: (_, c) => (
        <span>
          {c.submissionDeadline}
          {Object.keys(c.unitDeadlines).length > 0 && <Tag style={{ marginLeft: 6 }}>{t(`${Object.keys(c.unitDeadlines).length} 个单位延期`, `${Object.keys(c.unitDeadlines).length} unit(s) extended`)}</Tag>}
        </span>
      ),
    },
    { title: t('开启时间', 'Opened'), key: 'opened', render: (_, c) => formatTime(c.openedAt, lang) },
  ];

  return (
    <div>
      <div className="jx-page-head">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('评价任务', 'Campaigns')}
        </Typography.Title>
        {manager && (
          <Button type="primary" onClick={() => setOpening(true)} data-testid="open-campaign">
            + {t('开启评价任务', 'Open a campaign')}
          </Button>
        )}
      </div>
      {error !== null && <ProblemAlert error={error} />}
      <Table<Campaign>
        rowKey="campaignId"
        loading={!data && !error}
        columns={columns}
        dataSource={data?.items ?? []}
        data-testid="campaign-list"
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: (p) => setSearch({ page: p }) }}
      />
      {opening && <OpenCampaignDialog onClose={() => setOpening(false)} />}
    </div>
  );
}
