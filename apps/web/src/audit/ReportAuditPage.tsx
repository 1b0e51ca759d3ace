import { Alert, Button, DatePicker, Empty, Select, Space, Spin, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api, ApiError, download } from '../api/client.js';
import type { Diff, FieldChange, History, HistoryEntry, ReportRepresentation, Verification } from '../api/types.js';
import { Link, setSearch, useLocation } from '../app/router.js';
import { useI18n } from '../i18n/i18n.js';
import { eventTypeLabels, formatTime, roleLabels } from '../shared/labels.js';
import { buildMarks } from '../reports/editor/marks.js';
import { ReportForm } from '../reports/editor/ReportForm.js';
import { ChangeValue } from './ChangeValue.js';

const PAGE = 200;

/** The whole history of one report, every event with who, when, why and what changed. */
async function loadHistory(reportId: string): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  for (let page = 1; ; page++) {
    const history = await api.get<History>(`/reports/${encodeURIComponent(reportId)}/history?page=${page}&pageSize=${PAGE}`);
    entries.push(...history.items);
    if (entries.length >= history.total || history.items.length === 0) return entries;
  }
}

/** 历史与审计: timeline, the report at a revision, a diff between two, chain verification, export. */
export default function ReportAuditPage({ reportId }: { reportId: string }) {
  const { t } = useI18n();
  const { search } = useLocation();
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const tab = search.get('tab') ?? 'history';

  useEffect(() => {
    loadHistory(reportId).then(setEntries, (e: unknown) => setError(e instanceof ApiError && e.status === 404 ? t('报告不存在或无权查看', 'No such report, or not visible to you') : (e as Error).message));
  }, [reportId, t]);

  if (error) return <Alert type="error" title={error} />;
  if (!entries) return <Spin style={{ display: 'block', margin: 80 }} />;
  const latest = entries.length - 1;
  return (
    <div>
      <div className="jx-page-head">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('历史记录与审计', 'History and audit')}
        </Typography.Title>
        <Link to={`/reports/${encodeURIComponent(reportId)}`}>{t('打开报告', 'Open the report')}</Link>
      </div>
      <Tabs
        activeKey={tab}
        onChange={(key) => setSearch({ tab: key })}
        destroyOnHidden
        items={[
          { key: 'history', label: t('历史时间线', 'Timeline'), children: <HistoryTimeline entries={entries} /> },
          { key: 'as-of', label: t('版本查看', 'At a revision'), children: <AsOfView reportId={reportId} latest={latest} entries={entries} /> },
          { key: 'diff', label: t('版本对比', 'Compare revisions'), children: <DiffView reportId={reportId} latest={latest} entries={entries} /> },
          { key: 'verify', label: t('链校验', 'Chain verification'), children: <VerifyView reportId={reportId} /> },
          { key: 'export', label: t('导出', 'Export'), children: <ExportView reportId={reportId} /> },
        ]}
      />
    </div>
  );
}

function useRevisionOptions(entries: HistoryEntry[]) {
  const { l, lang } = useI18n();
  return useMemo(() => entries.map((e) => ({ value: e.revision, label: `#${e.revision} ${l(eventTypeLabels[e.type]) || e.type} · ${formatTime(e.at, lang)}` })), [entries, l, lang]);
}

function HistoryTimeline({ entries }: { entries: HistoryEntry[] }) {
  const { t, l, lang } = useI18n();
  return (
    <Timeline
      data-testid="history-timeline"
      items={[...entries].reverse().map((entry) => ({
        key: entry.revision,
        color: entry.type === 'ReportSubmitted' || entry.type === 'ReportApproved' ? 'green' : entry.type === 'ReportReturned' || entry.type === 'ReportWithdrawn' ? 'red' : 'blue',
        content: (
          <div className="jx-history-entry" data-testid="history-entry">
            <Space wrap>
              <Tag>#{entry.revision}</Tag>
              <strong>{l(eventTypeLabels[entry.type]) || entry.type}</strong>
              <span>{formatTime(entry.at, lang)}</span>
              <span className="jx-muted">
                {l(roleLabels[entry.actor.role])} {entry.actor.userId} · {entry.actor.organisationId}
              </span>
              <span className="jx-mono jx-muted" title={entry.hash}>
                {entry.hash.slice(0, 10)}
              </span>
            </Space>
            {entry.reason && (
              <div>
                {t('原因', 'Reason')}: {entry.reason}
              </div>
            )}
            {entry.type === 'ReportReturned' && <ChangesAfterReturn entries={entries} returned={entry} />}
            {entry.type !== 'ReportCreated' && entry.changes.length > 0 && (
              <ul className="jx-changes">
                {entry.changes.map((change) => (
                  <li key={change.path}>
                    <span className="jx-change-label">{l(change.label) || change.path}</span>: <ChangeValue value={change.before} path={change.path} /> → <ChangeValue value={change.after} path={change.path} />
                  </li>
                ))}
              </ul>
            )}
          </div>
        ),
      }))}
    />
  );
}

/** A return, and what the unit changed before it submitted again: the diff between the two revisions. */
function ChangesAfterReturn({ entries, returned }: { entries: HistoryEntry[]; returned: HistoryEntry }) {
  const { t } = useI18n();
  const resubmitted = entries.find((e) => e.revision > returned.revision && e.type === 'ReportSubmitted');
  if (!resubmitted) return <div className="jx-muted">{t('尚未重新提交', 'Not resubmitted yet')}</div>;
  // A submission is its event and the stage it enters right after: compare against both together.
  const entered = entries.find((e) => e.revision === resubmitted.revision + 1 && e.type === 'ReviewStageEntered');
  const to = entered?.revision ?? resubmitted.revision;
  return (
    <div>
      <a
        href={`?tab=diff&from=${returned.revision}&to=${to}`}
        data-testid="diff-after-return"
        onClick={(event) => {
          event.preventDefault();
          setSearch({ tab: 'diff', from: returned.revision, to });
        }}
      >
        {t(`查看退回后至重新提交（#${to}）的修改`, `What changed between this return and the resubmission (#${to})`)}
      </a>
    </div>
  );
}

function AsOfView({ reportId, latest, entries }: { reportId: string; latest: number; entries: HistoryEntry[] }) {
  const { t, lang } = useI18n();
  const { search } = useLocation();
  const revision = Number(search.get('revision') ?? latest);
  const [rep, setRep] = useState<ReportRepresentation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const options = useRevisionOptions(entries);
  useEffect(() => {
    setRep(null);
    api.get<ReportRepresentation>(`/reports/${encodeURIComponent(reportId)}/as-of?revision=${revision}`).then(setRep, (e: unknown) => setError((e as Error).message));
  }, [reportId, revision]);
  const marks = useMemo(() => buildMarks(rep?.checks ?? [], {}, lang), [rep, lang]);
  return (
    <div>
      <Space style={{ marginBottom: 12 }}>
        {t('修订版本', 'Revision')}
        <Select style={{ width: 380 }} value={revision} options={options} onChange={(value: number) => setSearch({ tab: 'as-of', revision: value })} data-testid="as-of-revision" />
        {rep && (
          <span>
            {t('当时系统得分', 'Computed score then')}: <strong data-testid="as-of-total">{rep.score.total}</strong> {rep.score.grade}
          </span>
        )}
      </Space>
      {error && <Alert type="error" title={error} />}
      {rep ? <ReportForm rep={rep} marks={marks} /> : !error && <Spin />}
    </div>
  );
}

function DiffView({ reportId, latest, entries }: { reportId: string; latest: number; entries: HistoryEntry[] }) {
  const { t, l } = useI18n();
  const { search } = useLocation();
  const from = Number(search.get('from') ?? Math.max(0, latest - 1));
  const to = Number(search.get('to') ?? latest);
  const [diff, setDiff] = useState<Diff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const options = useRevisionOptions(entries);
  useEffect(() => {
    setDiff(null);
    setError(null);
    api.get<Diff>(`/reports/${encodeURIComponent(reportId)}/diff?from=${from}&to=${to}`).then(setDiff, (e: unknown) => setError((e as Error).message));
  }, [reportId, from, to]);
  const kinds = { added: t('新增', 'added'), removed: t('删除', 'removed'), changed: t('修改', 'changed') } as const;
  const colors = { added: 'green', removed: 'red', changed: 'blue' } as const;
  return (
    <div>
      <Space style={{ marginBottom: 12 }} wrap>
        {t('从', 'From')}
        <Select style={{ width: 340 }} value={from} options={options} onChange={(value: number) => setSearch({ tab: 'diff', from: value, to })} data-testid="diff-from" />
        {t('到', 'to')}
        <Select style={{ width: 340 }} value={to} options={options} onChange={(value: number) => setSearch({ tab: 'diff', from, to: value })} data-testid="diff-to" />
      </Space>
      {error && <Alert type="error" title={error} />}
      <Table<FieldChange>
        rowKey="path"
        size="small"
        loading={!diff && !error}
        dataSource={diff?.changes ?? []}
        pagination={false}
        data-testid="diff-table"
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('两个版本之间没有差异', 'No differences between these revisions')} /> }}
        columns={[
          { title: t('字段', 'Field'), key: 'label', render: (_, c) => l(c.label) || c.path },
          { title: t('变化', 'Change'), key: 'kind', width: 80, render: (_, c) => <Tag color={colors[c.kind]}>{kinds[c.kind]}</Tag> },
          { title: t('修改前', 'Before'), key: 'before', render: (_, c) => <ChangeValue value={c.before} path={c.path} /> },
          { title: t('修改后', 'After'), key: 'after', render: (_, c) => <ChangeValue value={c.after} path={c.path} /> },
        ]}
      />
    </div>
  );
}

function VerifyView({ reportId }: { reportId: string }) {
  const { t } = useI18n();
  const [result, setResult] = useState<Verification | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const verify = () => {
    setBusy(true);
    setError(null);
    api
      .get<Verification>(`/reports/${encodeURIComponent(reportId)}/verify`)
      .then(setResult, (e: unknown) => setError((e as Error).message))
      .finally(() => setBusy(false));
  };
  useEffect(verify, [reportId]);
  const reasons = { hash_mismatch: t('事件内容与哈希不符（被修改）', 'event content does not match its hash (edited)'), previous_hash_mismatch: t('前序哈希不符（被删除或插入）', 'previous hash mismatch (deleted or inserted)'), revision_gap: t('修订号不连续（被删除）', 'revision gap (deleted)') };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph>{t('每个事件的哈希覆盖前一事件的哈希、流标识、修订号与事件内容（RFC 8785 规范化 JSON）。任何修改、删除或插入都会使链在该处断裂。', 'Each event’s hash covers the previous hash, the stream id, the revision and the event (RFC 8785 canonical JSON). Any edit, deletion or insertion breaks the chain there.')}</Typography.Paragraph>
      <Button onClick={verify} loading={busy} data-testid="verify-again">
        {t('重新校验', 'Verify again')}
      </Button>
      {error && <Alert type="error" title={error} />}
      {result &&
        (result.ok ? (
          <Alert type="success" showIcon data-testid="verify-result" title={t(`哈希链完整：共 ${result.events} 个事件`, `Hash chain intact: ${result.events} events`)} description={<span className="jx-mono">{t('末事件哈希', 'Last hash')}: {result.lastHash}</span>} />
        ) : (
          <Alert
            type="error"
            showIcon
            data-testid="verify-result"
            title={t(`哈希链在修订 #${result.brokenAt} 处断裂`, `Hash chain broken at revision #${result.brokenAt}`)}
            description={
              <div className="jx-mono">
                {reasons[result.reason]}
                <br />
                expected {result.expected}
                <br />
                found {result.found}
              </div>
            }
          />
        ))}
    </Space>
  );
}

function ExportView({ reportId }: { reportId: string }) {
  const { t } = useI18n();
  const [range, setRange] = useState<[string, string] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const get = (format: 'csv' | 'json') => {
    const params = new URLSearchParams({ format });
    if (range) {
      params.set('from', range[0]);
      params.set('to', range[1]);
    }
    download(`/reports/${encodeURIComponent(reportId)}/trail?${params}`, `report-${reportId}-trail.${format}`).catch((e: unknown) => setError((e as Error).message));
  };
  return (
    <Space orientation="vertical">
      <Typography.Paragraph>{t('导出本报告的完整审计轨迹（谁、何时、为何、改了什么）。CSV 为带 BOM 的 UTF-8，可直接用 Excel 打开；JSON 附带哈希链校验结果。', 'Export this report’s full audit trail (who, when, why, what). CSV is UTF-8 with a BOM for Excel; JSON carries the chain verification.')}</Typography.Paragraph>
      <Space>
        {t('时间范围（可选）', 'Period (optional)')}
        <DatePicker.RangePicker showTime onChange={(values) => setRange(values && values[0] && values[1] ? [values[0].toISOString(), values[1].toISOString()] : null)} />
      </Space>
      <Space>
        <Button onClick={() => get('csv')} data-testid="export-csv">
          {t('导出 CSV', 'Export CSV')}
        </Button>
        <Button onClick={() => get('json')} data-testid="export-json">
          {t('导出 JSON', 'Export JSON')}
        </Button>
      </Space>
      {error && <Alert type="error" title={error} />}
    </Space>
  );
}
