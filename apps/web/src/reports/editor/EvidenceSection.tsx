import { Button, Input, Select, Space } from 'antd';
import { useState } from 'react';
import type { Evidence } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';
import { formatTime } from '../../shared/labels.js';
import { sha256Hex } from '../../shared/sha256.js';
import type { SectionProps } from './form-context.js';

/** What the filler registers; the server adds the id and who attached it when. */
export type EvidenceInput = Omit<Evidence, 'id' | 'attachedAt' | 'attachedBy'>;

interface Props extends SectionProps {
  onAttach?: ((evidence: EvidenceInput) => Promise<unknown>) | undefined;
  onDetach?: ((evidenceId: string) => void) | undefined;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** 佐证材料: the file's name, type, size and SHA-256 are registered (the content stays with the unit). */
export function EvidenceSection({ rep, onAttach, onDetach }: Props) {
  const { t, lang } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [description, setDescription] = useState('');
  const [indicatorId, setIndicatorId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const names = new Map(rep.report.indicators.map((i) => [i.id, i.name]));
  const evidence = rep.report.evidence;

  const attach = async () => {
    if (!file || !onAttach) return;
    setBusy(true);
    try {
      const sha256 = await sha256Hex(await file.arrayBuffer());
      await onAttach({ fileName: file.name, mediaType: file.type || 'application/octet-stream', sizeBytes: file.size, sha256, description: description.trim() || null, indicatorId });
      setFile(null);
      setDescription('');
      setIndicatorId(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="jx-section jx-section-lazy" data-path="evidence" id="section-evidence">
      <h3>{t('六、佐证材料', '6. Evidence')}</h3>
      {evidence.length > 0 ? (
        <table className="jx-form-table jx-grid">
          <thead>
            <tr>
              <th>{t('文件', 'File')}</th>
              <th>{t('大小', 'Size')}</th>
              <th>SHA-256</th>
              <th>{t('说明', 'Description')}</th>
              <th>{t('对应指标', 'Indicator')}</th>
              <th>{t('登记时间', 'Attached')}</th>
              {onDetach && <th />}
            </tr>
          </thead>
          <tbody>
            {evidence.map((e) => (
              <tr key={e.id} data-path={`evidence[${e.id}]`}>
                <td>{e.fileName}</td>
                <td className="jx-num">{size(e.sizeBytes)}</td>
                <td className="jx-mono" title={e.sha256}>
                  {e.sha256.slice(0, 12)}…
                </td>
                <td>{e.description}</td>
                <td>{e.indicatorId ? (names.get(e.indicatorId) ?? e.indicatorId) : '—'}</td>
                <td>{formatTime(e.attachedAt, lang)}</td>
                {onDetach && (
                  <td>
                    <button type="button" className="jx-remove" aria-label={t('移除', 'Remove')} onClick={() => onDetach(e.id)}>
                      ✕
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="jx-muted">{t('尚未登记佐证材料。', 'No evidence registered yet.')}</p>
      )}
      {onAttach && (
        <Space wrap style={{ marginTop: 8 }}>
          <input type="file" aria-label={t('选择文件', 'Choose a file')} onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
          <Input style={{ width: 220 }} placeholder={t('说明（可选）', 'Description (optional)')} value={description} onChange={(event) => setDescription(event.target.value)} />
          <Select
            style={{ width: 200 }}
            allowClear
            placeholder={t('对应指标（可选）', 'Indicator (optional)')}
            value={indicatorId}
            onChange={(value: string | undefined) => setIndicatorId(value ?? null)}
            options={rep.report.indicators.map((i) => ({ value: i.id, label: i.name }))}
          />
          <Button disabled={!file} loading={busy} onClick={() => void attach()}>
            {t('登记佐证材料', 'Register evidence')}
          </Button>
          <span className="jx-muted">{t('系统登记文件名、大小与SHA-256摘要，用于证明材料未被替换。', 'The file name, size and SHA-256 are registered, proving the file was not swapped.')}</span>
        </Space>
      )}
    </section>
  );
}
