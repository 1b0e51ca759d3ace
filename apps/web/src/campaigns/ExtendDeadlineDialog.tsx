import { DatePicker, Input, Radio, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { ApiError, randomId, request } from '../api/client.js';
import type { Campaign, CampaignProgress } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { ActionDialog } from '../review/ActionDialog.js';

interface Props {
  progress: CampaignProgress;
  onClose(): void;
  onDone(message: string): void;
  onStale(error: ApiError): void;
}

/** 延期: the whole campaign or one unit gets a later deadline, with the reason on record; reminders move with it. */
export function ExtendDeadlineDialog({ progress, onClose, onDone, onStale }: Props) {
  const { t } = useI18n();
  const campaign = progress.campaign;
  const [scope, setScope] = useState<'all' | 'unit'>('unit');
  const [unitId, setUnitId] = useState<string | null>(null);
  const [deadline, setDeadline] = useState<Dayjs | null>(null);
  const [reason, setReason] = useState('');
  const [key] = useState(randomId);
  const ready = !!deadline && reason.trim().length > 0 && (scope === 'all' || unitId !== null);

  const submit = async () => {
    const { body } = await request<Campaign>('POST', `/campaigns/${encodeURIComponent(campaign.campaignId)}/extensions`, {
      body: { unitId: scope === 'all' ? null : unitId, deadline: deadline!.format('YYYY-MM-DD'), reason: reason.trim() },
      headers: { 'if-match': `"${campaign.revision}"`, 'idempotency-key': key },
    });
    const unitName = progress.units.find((u) => u.unitId === unitId)?.unitName ?? unitId;
    onDone(scope === 'all' ? t(`已将全部单位的截止日期延至 ${deadline!.format('YYYY-MM-DD')}`, `Every unit's deadline is now ${deadline!.format('YYYY-MM-DD')}`) : t(`已将${unitName}的截止日期延至 ${deadline!.format('YYYY-MM-DD')}`, `${unitName}'s deadline is now ${deadline!.format('YYYY-MM-DD')}`));
    void body;
  };

  return (
    <ActionDialog title={t('延期', 'Extend a deadline')} okText={t('确认延期', 'Extend')} ready={ready} onSubmit={submit} onClose={onClose} onStale={onStale} testId="extend-dialog">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Radio.Group
          value={scope}
          onChange={(event) => setScope(event.target.value as 'all' | 'unit')}
          options={[
            { value: 'unit', label: t('单个单位', 'One unit') },
            { value: 'all', label: t('全部单位', 'The whole campaign') },
          ]}
        />
        {scope === 'unit' && (
          <Select
            style={{ width: '100%' }}
            placeholder={t('选择单位', 'Pick a unit')}
            value={unitId}
            onChange={setUnitId}
            data-testid="extend-unit"
            options={progress.units.map((u) => ({ value: u.unitId, label: `${u.unitName ?? u.unitId}（${t('现截止', 'now')} ${u.deadline}）` }))}
          />
        )}
        <DatePicker value={deadline} onChange={setDeadline} data-testid="extend-date" placeholder={t('新的截止日期', 'New deadline')} />
        <Input.TextArea rows={3} value={reason} onChange={(event) => setReason(event.target.value)} placeholder={t('延期原因（必填）', 'Reason (required)')} maxLength={2000} data-testid="extend-reason" />
        <Typography.Text type="secondary">{t('只能延后，不能提前；待发的提醒将随新日期重新安排。', 'Deadlines only move later; pending reminders follow the new date.')}</Typography.Text>
      </Space>
    </ActionDialog>
  );
}
