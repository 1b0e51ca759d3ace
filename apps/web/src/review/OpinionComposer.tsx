import { Button, Card, Empty, Input, Radio, Space, Tag } from 'antd';
import { useEffect, useState } from 'react';
import type { ReportDocument, ReviewOpinion } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { focusPath } from '../reports/editor/marks.js';
import { describePath, opinionTargets } from './field-paths.js';

/** A reviewer's field opinions while being written: kept per user and report until the return is sent. */
export function useOpinionDrafts(userId: string, reportId: string): [ReviewOpinion[], (next: ReviewOpinion[]) => void] {
  const key = `jixiao.opinions.${userId}.${reportId}`;
  const [drafts, setDrafts] = useState<ReviewOpinion[]>(() => {
    try {
      const raw = localStorage.getItem(key);
      return raw ? (JSON.parse(raw) as ReviewOpinion[]) : [];
    } catch {
      return [];
    }
  });
  const set = (next: ReviewOpinion[]) => {
    setDrafts(next);
    try {
      if (next.length === 0) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(next));
    } catch {
      // storage unavailable: the opinions live as long as the page
    }
  };
  return [drafts, set];
}

interface Props {
  report: ReportDocument;
  /** The field the reviewer clicked in the form, by its path. */
  picked: string | null;
  drafts: ReviewOpinion[];
  onChange(next: ReviewOpinion[]): void;
}

/** 审核意见: pick a field in the form, say what is wrong with it; the opinions go with the return. */
export function OpinionComposer({ report, picked, drafts, onChange }: Props) {
  const { t, lang } = useI18n();
  const targets = picked ? opinionTargets(picked) : [];
  const [target, setTarget] = useState<string | null>(null);
  const [text, setText] = useState('');
  // A new pick proposes its most specific target; the reviewer may widen it to the row or section.
  useEffect(() => setTarget((picked ? opinionTargets(picked) : [])[0] ?? null), [picked]);

  const add = () => {
    const trimmed = text.trim();
    if (!target || !trimmed) return;
    onChange([...drafts, { path: target, text: trimmed }]);
    setText('');
  };

  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      data-testid="opinion-composer"
      title={
        <Space>
          {t('字段审核意见', 'Field opinions')}
          <Tag color="purple" data-testid="opinion-count">
            {drafts.length}
          </Tag>
        </Space>
      }
    >
      {targets.length === 0 ? (
        <div className="jx-muted" style={{ marginBottom: 8 }}>
          {t('点击左侧报告中的任一字段或指标，即可为其填写意见；退回时一并发给填报人，显示在对应字段旁。', 'Click any field or indicator of the report to write an opinion on it; a return sends them to the filler, shown beside those fields.')}
        </div>
      ) : (
        <Space orientation="vertical" style={{ width: '100%', marginBottom: 8 }}>
          <Radio.Group
            value={target}
            onChange={(event) => setTarget(event.target.value as string)}
            options={targets.map((path) => ({ value: path, label: <span data-opinion-path={path}>{describePath(path, report, lang)}</span> }))}
            style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
          />
          <Input.TextArea rows={3} value={text} onChange={(event) => setText(event.target.value)} placeholder={t('意见内容', 'Your opinion')} maxLength={5000} data-testid="opinion-text" />
          <Button onClick={add} disabled={!target || !text.trim()} data-testid="add-opinion">
            {t('添加意见', 'Add opinion')}
          </Button>
        </Space>
      )}
      {drafts.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('尚无字段意见', 'No field opinions yet')} />
      ) : (
        <ol className="jx-checks" data-testid="opinion-drafts">
          {drafts.map((opinion, index) => (
            <li key={`${opinion.path}-${index}`} className="jx-opinion-draft" data-testid="opinion-draft" data-path-target={opinion.path}>
              <button type="button" className="jx-check" onClick={() => focusPath(opinion.path)}>
                <Tag color="purple">{describePath(opinion.path, report, lang)}</Tag>
                <span>{opinion.text}</span>
              </button>
              <button type="button" className="jx-remove" aria-label={t('删除意见', 'Remove opinion')} onClick={() => onChange(drafts.filter((_, i) => i !== index))}>
                ✕
              </button>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
