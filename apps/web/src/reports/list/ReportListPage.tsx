import { App, Button, Form, Input, Modal, Radio, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiError, randomId, request, sessionStore } from '../../api/client.js';
import type { Me, Page, ReportKind, ReportRepresentation, ReportSummary } from '../../api/types.js';
import { Link, navigate, setSearch, useLocation } from '../../app/router.js';
import { useI18n } from '../../i18n/i18n.js';
import { loadReportPage } from '../ReportPage.js';
import { formatTime, gradeColors, kindLabels, statusColors, statusLabels } from '../../shared/labels.js';
import { ImportButton, ListExportButton } from '../../shared/transfers.js';

const filterKeys = ['year', 'kind', 'status', 'grade', 'q'] as const;

/** 报告列表: the reports the user may see, filtered and paged on the server. */
export default function ReportListPage() {
  const { t, l, lang } = useI18n();
  const { search } = useLocation();
  const user = sessionStore.get()!.user;
  const page = Number(search.get('page') ?? '1') || 1;
  const pageSize = Number(search.get('pageSize') ?? '20') || 20;
  const filters = Object.fromEntries(filterKeys.map((key) => [key, search.get(key) ?? undefined])) as Record<(typeof filterKeys)[number], string | undefined>;
  const [data, setData] = useState<Page<ReportSummary> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [creating, setCreating] = useState(false);
  const query = new URLSearchParams({ page: String(page), pageSize: String(pageSize), ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) }).toString();

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    api
      .get<Page<ReportSummary>>(`/reports?${query}`, controller.signal)
      .then((result) => {
        setData(result);
        setError(null);
      })
      .catch((e: unknown) => {
        if ((e as Error).name !== 'AbortError') setError((e as Error).message);
      })
      .finally(() => setLoading(false));
    return () => controller.abort();
  }, [query]);

  useEffect(() => {
    // The report page is where a click on the list leads: fetch its code while the user reads the list.
    const idle = window.requestIdleCallback ?? ((callback: () => void) => window.setTimeout(callback, 200));
    idle(() => void loadReportPage());
  }, []);

  const update = (patch: Record<string, string | number | undefined>) => setSearch({ ...filters, page, pageSize, ...patch });
  const years = Array.from({ length: 6 }, (_, i) => new Date().getFullYear() - i);

  const columns: TableColumnsType<ReportSummary> = [
    {
      title: t('项目 / 单位', 'Project / unit'),
      key: 'name',
      render: (_, r) => (
        <Link to={`/reports/${encodeURIComponent(r.reportId)}`} data-testid="report-link">
          {r.projectName ?? `${r.unitName} ${l(kindLabels[r.kind])}`}
        </Link>
      ),
    },
    { title: t('单位', 'Unit'), dataIndex: 'unitName', key: 'unit' },
    { title: t('项目编码', 'Project code'), dataIndex: 'projectCode', key: 'code', render: (v: string | null) => v ?? '—' },
    { title: t('年度', 'Year'), dataIndex: 'year', key: 'year', width: 72 },
    { title: t('类型', 'Kind'), dataIndex: 'kind', key: 'kind', render: (v: ReportKind) => l(kindLabels[v]) },
    {
      title: t('状态', 'Status'),
      dataIndex: 'status',
      key: 'status',
      render: (v: ReportSummary['status'], r) => (
        <Space size={2} wrap>
          <Tag color={r.returned ? 'red' : statusColors[v]} data-testid="report-row-status">
            {r.returned ? t('已退回', 'Returned') : l(statusLabels[v])}
            {r.overdue ? ` · ${t('逾期', 'overdue')}` : ''}
          </Tag>
          {r.review && <Tag color="blue">{l(r.review.stageName)}</Tag>}
        </Space>
      ),
    },
    { title: t('系统得分', 'Computed'), dataIndex: 'computedTotal', key: 'total', align: 'right', render: (v: string | null) => v ?? '—' },
    { title: t('核查得分', 'Reviewer'), dataIndex: 'reviewerTotal', key: 'reviewer', align: 'right', render: (v: string | null | undefined) => v ?? '—' },
    { title: t('等级', 'Grade'), dataIndex: 'grade', key: 'grade', render: (v: string | null) => (v ? <Tag color={gradeColors[v]}>{v}</Tag> : '—') },
    {
      title: t('审核提示', 'Findings'),
      key: 'checks',
      render: (_, r) => (
        <Space size={4}>
          {r.errors > 0 && <Tag color="red">{t(`错误 ${r.errors}`, `${r.errors} error${r.errors === 1 ? '' : 's'}`)}</Tag>}
          {r.warnings > 0 && <Tag color="orange">{t(`警告 ${r.warnings}`, `${r.warnings} warning${r.warnings === 1 ? '' : 's'}`)}</Tag>}
          {r.errors === 0 && r.warnings === 0 && <span className="jx-muted">—</span>}
        </Space>
      ),
    },
    { title: t('更新时间', 'Updated'), dataIndex: 'updatedAt', key: 'updated', render: (v: string) => formatTime(v, lang) },
    { title: '', key: 'history', render: (_, r) => <Link to={`/reports/${encodeURIComponent(r.reportId)}/history`}>{t('历史', 'History')}</Link> },
  ];

  return (
    <div>
      <div className="jx-page-head">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {user.role === 'unit_filler' ? t('我的报告', 'My reports') : t('报告查阅', 'Reports')}
        </Typography.Title>
        <Space wrap align="start">
          <ListExportButton query={new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => !!entry[1])).toString()} />
          {user.role === 'unit_filler' && <ImportButton />}
          {user.role === 'unit_filler' && (
            <Button type="primary" onClick={() => setCreating(true)} data-testid="new-report">
              + {t('新建自评报告', 'New self-evaluation report')}
            </Button>
          )}
        </Space>
      </div>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select allowClear placeholder={t('年度', 'Year')} style={{ width: 110 }} value={filters.year} onChange={(v?: string) => update({ year: v, page: 1 })} options={years.map((y) => ({ value: String(y), label: String(y) }))} />
        <Select allowClear placeholder={t('类型', 'Kind')} style={{ width: 150 }} value={filters.kind} onChange={(v?: string) => update({ kind: v, page: 1 })} options={(['project', 'department'] as const).map((k) => ({ value: k, label: l(kindLabels[k]) }))} />
        <Select allowClear placeholder={t('状态', 'Status')} style={{ width: 120 }} value={filters.status} onChange={(v?: string) => update({ status: v, page: 1 })} options={(['draft', 'submitted', 'approved', 'published'] as const).map((s) => ({ value: s, label: l(statusLabels[s]) }))} />
        <Select allowClear placeholder={t('等级', 'Grade')} style={{ width: 100 }} value={filters.grade} onChange={(v?: string) => update({ grade: v, page: 1 })} options={['优', '良', '中', '差'].map((g) => ({ value: g, label: g }))} />
        <Input.Search allowClear placeholder={t('单位、项目名称或编码', 'Unit, project name or code')} style={{ width: 260 }} defaultValue={filters.q} onSearch={(v) => update({ q: v.trim() || undefined, page: 1 })} />
      </Space>
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
      <Table<ReportSummary>
        rowKey="reportId"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        data-testid="report-list"
        pagination={{ current: page, pageSize, total: data?.total ?? 0, showSizeChanger: true, showTotal: (total) => t(`共 ${total} 份`, `${total} reports`), onChange: (p, size) => update({ page: size === pageSize ? p : 1, pageSize: size }) }}
      />
      {creating && <NewReportDialog onClose={() => setCreating(false)} />}
    </div>
  );
}

function NewReportDialog({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [saving, setSaving] = useState(false);
  const kind = Form.useWatch('kind', form) as ReportKind | undefined;
  const [key] = useState(randomId);

  useEffect(() => {
    api.get<Me>('/users/me').then((me) => form.setFieldValue('unit', form.getFieldValue('unit') || me.organisation.name), () => undefined);
  }, [form]);

  const create = async () => {
    const values = (await form.validateFields()) as { kind: ReportKind; unit: string; year: string; projectName?: string; projectCode?: string };
    setSaving(true);
    try {
      const header = { unit: values.unit.trim(), year: Number(values.year), ...(values.kind === 'project' && { projectName: values.projectName?.trim() || null, projectCode: values.projectCode?.trim() || null }) };
      const { body } = await request<ReportRepresentation>('POST', '/reports', { body: { kind: values.kind, header }, headers: { 'idempotency-key': key } });
      navigate(`/reports/${encodeURIComponent(body.id)}`);
    } catch (error) {
      void message.error(error instanceof ApiError ? [error.message, ...error.errors.map((e) => `${e.path}: ${e.message}`)].join('；') : String(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal open title={t('新建自评报告', 'New self-evaluation report')} onCancel={onClose} onOk={() => void create()} confirmLoading={saving} okText={t('创建', 'Create')} okButtonProps={{ 'data-testid': 'create-report' }}>
      <Form form={form} layout="vertical" initialValues={{ kind: 'project', year: String(new Date().getFullYear() - 1) }}>
        <Form.Item name="kind" label={t('报告类型', 'Kind')}>
          <Radio.Group
            options={[
              { value: 'project', label: t('项目支出绩效自评', 'Project spending') },
              { value: 'department', label: t('部门整体支出绩效自评', 'Department spending') },
            ]}
          />
        </Form.Item>
        <Form.Item name="unit" label={t('单位名称', 'Unit')} rules={[{ required: true, message: t('请填写单位名称', 'Enter the unit') }]}>
          <Input data-testid="new-unit" />
        </Form.Item>
        <Form.Item name="year" label={t('年度', 'Year')} rules={[{ required: true, pattern: /^20\d\d$/, message: t('请填写四位年度', 'Enter a four-digit year') }]}>
          <Input data-testid="new-year" />
        </Form.Item>
        {kind === 'project' && (
          <>
            <Form.Item name="projectName" label={t('项目名称', 'Project name')} rules={[{ required: true, message: t('请填写项目名称', 'Enter the project name') }]}>
              <Input data-testid="new-project-name" />
            </Form.Item>
            <Form.Item name="projectCode" label={t('项目编码', 'Project code')}>
              <Input data-testid="new-project-code" />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}
