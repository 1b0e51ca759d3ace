import { Alert, Button, DatePicker, Form, Radio, TreeSelect, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { api, download } from '../api/client.js';
import type { OrganisationNode } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';

interface TreeOption {
  value: string;
  title: string;
  children: TreeOption[];
}

function toTree(node: OrganisationNode): TreeOption {
  return { value: node.organisationId, title: node.name, children: node.children.map(toTree) };
}

/** 审计导出: the trail of an organisation and everything below it, for a period, as CSV or JSON. */
export default function TrailExportPage() {
  const { t } = useI18n();
  const [tree, setTree] = useState<TreeOption[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();

  useEffect(() => {
    api.get<{ root: OrganisationNode }>('/organisations').then(
      ({ root }) => {
        setTree([toTree(root)]);
        form.setFieldValue('organisationId', root.organisationId);
      },
      (e: unknown) => setError((e as Error).message),
    );
  }, [form]);

  const run = async (values: { organisationId: string; period?: [Dayjs, Dayjs] | null; format: 'csv' | 'json' }) => {
    setBusy(true);
    setError(null);
    const params = new URLSearchParams({ format: values.format });
    if (values.period?.[0]) params.set('from', values.period[0].format('YYYY-MM-DD'));
    if (values.period?.[1]) params.set('to', values.period[1].format('YYYY-MM-DD'));
    try {
      await download(`/audit/organisations/${encodeURIComponent(values.organisationId)}/trail?${params}`, `audit-trail.${values.format}`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div style={{ maxWidth: 640 }}>
      <Typography.Title level={4}>{t('审计轨迹导出', 'Audit trail export')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('导出所选组织及其下级全部报告的每一个事件。日期按北京时间计，结束日期包含当天。', 'Exports every event of every report of the organisation and everything below it. Days are Beijing time; the end day is included.')}</Typography.Paragraph>
      {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ format: 'csv' }} onFinish={(values) => void run(values)}>
        <Form.Item name="organisationId" label={t('组织', 'Organisation')} rules={[{ required: true }]}>
          <TreeSelect treeData={tree} treeDefaultExpandAll data-testid="trail-organisation" />
        </Form.Item>
        <Form.Item name="period" label={t('日期范围（可选）', 'Period (optional)')}>
          <DatePicker.RangePicker />
        </Form.Item>
        <Form.Item name="format" label={t('格式', 'Format')}>
          <Radio.Group options={[{ value: 'csv', label: 'CSV (Excel)' }, { value: 'json', label: 'JSON' }]} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="trail-export">
          {t('导出', 'Export')}
        </Button>
      </Form>
    </div>
  );
}
