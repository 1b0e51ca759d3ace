import { App, Button, Progress, Space } from 'antd';
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { fetchFile, randomId, saveBlob, uploadFile, type TransferProgress } from '../api/client.js';
import type { ReportRepresentation } from '../api/types.js';
import { navigate } from '../app/router.js';
import { useI18n } from '../i18n/i18n.js';
import { ProblemAlert } from './ProblemAlert.js';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** sending: the upload; waiting: the server works (parses a workbook, prints a PDF); receiving: the download. */
export interface Transfer {
  label: string;
  phase: 'sending' | 'waiting' | 'receiving';
  loaded: number;
  total: number | null;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** One long operation at a time per control: its progress, and its failure if it failed. */
export function useTransfer() {
  const [transfer, setTransfer] = useState<Transfer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const busy = useRef(false);
  const run = useCallback(async (label: string, work: (report: (phase: Transfer['phase'], progress?: TransferProgress) => void) => Promise<void>) => {
    if (busy.current) return;
    busy.current = true;
    setError(null);
    setTransfer({ label, phase: 'waiting', loaded: 0, total: null });
    try {
      await work((phase, progress) => setTransfer({ label, phase, loaded: progress?.loaded ?? 0, total: progress?.total ?? null }));
    } catch (e) {
      setError(e);
    } finally {
      busy.current = false;
      setTransfer(null);
    }
  }, []);
  return { transfer, error, clearError: () => setError(null), run };
}

/** The bar under a control while its transfer runs: percent when the size is known, bytes otherwise. */
export function TransferStatus({ transfer }: { transfer: Transfer | null }): ReactNode {
  const { t } = useI18n();
  if (!transfer) return null;
  const percent = transfer.total ? Math.min(100, Math.round((transfer.loaded / transfer.total) * 100)) : null;
  const what =
    transfer.phase === 'waiting'
      ? t('服务器处理中…', 'The server is working…')
      : transfer.phase === 'sending'
        ? t(`上传中 ${size(transfer.loaded)}${transfer.total ? ` / ${size(transfer.total)}` : ''}`, `Uploading ${size(transfer.loaded)}${transfer.total ? ` of ${size(transfer.total)}` : ''}`)
        : t(`下载中 ${size(transfer.loaded)}${transfer.total ? ` / ${size(transfer.total)}` : ''}`, `Downloading ${size(transfer.loaded)}${transfer.total ? ` of ${size(transfer.total)}` : ''}`);
  return (
    <div className="jx-transfer" data-testid="transfer-progress" data-phase={transfer.phase} role="status">
      <span>
        {transfer.label} · {what}
      </span>
      <Progress size="small" status="active" percent={percent ?? 100} showInfo={percent !== null} style={{ width: 180, margin: 0 }} />
    </div>
  );
}

/** 导出 Excel / 打印 / 导出 PDF of one report: authenticated downloads with progress. */
export function ReportExportButtons({ reportId }: { reportId: string }) {
  const { t } = useI18n();
  const { transfer, error, clearError, run } = useTransfer();
  const base = `/reports/${encodeURIComponent(reportId)}`;
  const get = (label: string, path: string, fallback: string) =>
    run(label, async (report) => {
      const file = await fetchFile(path, fallback, (progress) => report('receiving', progress));
      saveBlob(file.blob, file.name);
    });
  const print = () => {
    // Opened now, inside the click, so that no popup blocker stands in the way; filled when the page arrives.
    const popup = window.open('', '_blank');
    void run(t('打印页', 'Print page'), async (report) => {
      try {
        const file = await fetchFile(`${base}/print`, `report-${reportId}.html`, (progress) => report('receiving', progress));
        const url = URL.createObjectURL(new Blob([file.blob], { type: 'text/html;charset=utf-8' }));
        if (popup && !popup.closed) popup.location.href = url;
        else saveBlob(file.blob, file.name);
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      } catch (e) {
        popup?.close();
        throw e;
      }
    });
  };
  return (
    <div>
      <Space.Compact>
        <Button onClick={() => void get(t('导出 Excel', 'Excel export'), `${base}/export.xlsx`, `report-${reportId}.xlsx`)} disabled={!!transfer} data-testid="export-xlsx">
          {t('导出 Excel', 'Excel')}
        </Button>
        <Button onClick={print} disabled={!!transfer} data-testid="export-print">
          {t('打印', 'Print')}
        </Button>
        <Button onClick={() => void get(t('导出 PDF', 'PDF export'), `${base}/export.pdf`, `report-${reportId}.pdf`)} disabled={!!transfer} data-testid="export-pdf">
          PDF
        </Button>
      </Space.Compact>
      <TransferStatus transfer={transfer} />
      {error !== null && (
        <div style={{ marginTop: 8 }}>
          <ProblemAlert error={error} onClose={clearError} />
        </div>
      )}
    </div>
  );
}

/** 导出 Excel of every report matching the list's filters (the API caps it at 200). */
export function ListExportButton({ query }: { query: string }) {
  const { t } = useI18n();
  const { transfer, error, clearError, run } = useTransfer();
  return (
    <span>
      <Button
        disabled={!!transfer}
        data-testid="export-list-xlsx"
        onClick={() =>
          void run(t('导出汇总表', 'Export'), async (report) => {
            const file = await fetchFile(`/reports/export.xlsx${query ? `?${query}` : ''}`, 'reports.xlsx', (progress) => report('receiving', progress));
            saveBlob(file.blob, file.name);
          })
        }
      >
        {t('导出 Excel', 'Export to Excel')}
      </Button>
      <TransferStatus transfer={transfer} />
      {error !== null && <ProblemAlert error={error} onClose={clearError} />}
    </span>
  );
}

type ImportResponse = ReportRepresentation & { import?: { events: number; warnings: Array<{ code: string; path: string; message: string }> } };

/** 从 Excel 导入: the .xlsx goes up as the request body with its progress; the new draft opens. */
export function ImportButton() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const input = useRef<HTMLInputElement>(null);
  const { transfer, error, clearError, run } = useTransfer();
  const start = (file: File) =>
    run(t(`导入 ${file.name}`, `Importing ${file.name}`), async (report) => {
      const { body } = await uploadFile<ImportResponse>('/reports/import', file, XLSX_MEDIA_TYPE, {
        headers: { 'idempotency-key': randomId() },
        onProgress: (progress) => report('sending', progress),
        onSent: () => report('waiting'),
      });
      const warnings = body.import?.warnings ?? [];
      void message.success(
        warnings.length > 0
          ? t(`已导入为新草稿，有 ${warnings.length} 条提示：${warnings.slice(0, 3).map((w) => w.message).join('；')}`, `Imported as a new draft with ${warnings.length} note(s): ${warnings.slice(0, 3).map((w) => w.message).join('; ')}`)
          : t('已导入为新草稿', 'Imported as a new draft'),
        warnings.length > 0 ? 8 : 3,
      );
      navigate(`/reports/${encodeURIComponent(body.id)}`);
    });
  return (
    <span>
      <input
        ref={input}
        type="file"
        accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        style={{ display: 'none' }}
        data-testid="import-file"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void start(file);
        }}
      />
      <Button onClick={() => input.current?.click()} disabled={!!transfer} data-testid="import-xlsx">
        {t('从 Excel 导入', 'Import from Excel')}
      </Button>
      <TransferStatus transfer={transfer} />
      {error !== null && <ProblemAlert error={error} onClose={clearError} />}
    </span>
  );
}
