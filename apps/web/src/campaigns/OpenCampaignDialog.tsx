import { DatePicker, Form, Input, Radio, Spin, Tree, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { api, randomId, request } from '../api/client.js';
import type { Campaign, OrganisationNode } from '../api/types.js';
import { navigate } from '../app/router.js';
import { useI18n } from '../i18n/i18n.js';
import { ActionDialog } from '../review/ActionDialog.js';

interface TreeNode {
  key: string;
  title: string;
  children: TreeNode[];
}

function toTree(node: OrganisationNode): TreeNode {
  return { key: node.organisationId, title: node.name, children: node.children.map(toTree) };
}

function unitsOf(node: OrganisationNode, into = new Set<string>()): Set<string> {
  if (node.kind === 'unit') into.add(node.organisationId);
  for (const child of node.children) unitsOf(child, into);
  return into;
}

/** 开启评价任务: a year, a kind, the units (picked on the organisation tree) and the submission deadline. */
export function OpenCampaignDialog({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [root, setRoot] = useState<OrganisationNode | null>(null);
  const [checked, setChecked] = useState<string[]>([]);
  const [key] = useState(randomId);
  const name = Form.useWatch('name', form) as string | undefined;
  const deadline = Form.useWatch('deadline', form) as Dayjs | null | undefined;

  useEffect(() => {
    api.get<{ root: OrganisationNode }>('/organisations').then(({ root: tree }) => setRoot(tree), () => setRoot(null));
  }, []);
  const units = root ? unitsOf(root) : new Set<string>();
  const unitIds = checked.filter((id) => units.has(id));

  const submit = async () => {
    const values = (await form.validateFields().catch(() => {
      throw new Error(t('请检查表单中标红的项目', 'Check the fields marked in red'));
    })) as { name: string; year: string; kind: 'project' | 'department' | 'both'; deadline: Dayjs };
    const { body } = await request<Campaign>('POST', '/campaigns', {
      body: { name: values.name.trim(), year: Number(values.year), kind: values.kind === 'both' ? null : values.kind, unitIds, submissionDeadline: values.deadline.format('YYYY-MM-DD') },
      headers: { 'idempotency-key': key },
    });
    navigate(`/campaigns/${encodeURIComponent(body.campaignId)}`);
  };

  return (
    <ActionDialog title={t('开启评价任务', 'Open a campaign')} okText={t('开启', 'Open')} ready={!!name?.trim() && !!deadline && unitIds.length > 0} onSubmit={submit} onClose={onClose} onStale={() => undefined} testId="open-campaign-dialog">
      <Form form={form} layout="vertical" initialValues={{ year: String(new Date().getFullYear() - 1), kind: 'project' }}>
        <Form.Item name="name" label={t('任务名称', 'Name')} rules={[{ required: true, message: t('请填写任务名称', 'Enter a name') }]}>
          <Input data-testid="campaign-name" placeholder={t('如：2025年度项目支出绩效自评', 'e.g. 2025 project spending self-evaluation')} />
        </Form.Item>
        <Form.Item name="year" label={t('评价年度', 'Year')} rules={[{ required: true, pattern: /^20\d\d$/, message: t('请填写四位年度', 'Enter a four-digit year') }]}>
          <Input data-testid="campaign-year" style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="kind" label={t('报告类型', 'Kind')}>
          <Radio.Group
            options={[
              { value: 'project', label: t('项目支出', 'Project') },
              { value: 'department', label: t('部门整体支出', 'Department') },
              { value: 'both', label: t('两者', 'Both') },
            ]}
          />
        </Form.Item>
        <Form.Item name="deadline" label={t('提交截止日期（北京时间当天结束）', 'Submission deadline (end of day, Beijing time)')} rules={[{ required: true, message: t('请选择截止日期', 'Pick the deadline') }]}>
          <DatePicker data-testid="campaign-deadline" />
        </Form.Item>
        <Form.Item label={t(`参评单位（已选 ${unitIds.length} 个）`, `Units (${unitIds.length} chosen)`)} required>
          {root ? (
            <div className="jx-tree-box" data-testid="campaign-units">
              <Tree checkable defaultExpandAll selectable={false} treeData={[toTree(root)]} checkedKeys={checked} onCheck={(keys) => setChecked((Array.isArray(keys) ? keys : keys.checked).map(String))} />
            </div>
          ) : (
            <Spin />
          )}
        </Form.Item>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('提醒按默认安排：截止前 7、3、1 个工作日，当天，逾期后 1 个工作日（并通知上级）。', 'Reminders as by default: 7, 3 and 1 working days before, on the day, and 1 working day after (escalated).')}
        </Typography.Paragraph>
      </Form>
    </ActionDialog>
  );
}
