import { useI18n, type LocalizedText } from '../i18n/i18n.js';
import { defaultStageLabels, kindLabels, level1Labels, level2Labels, qualitativeBandLabels, statusLabels } from '../shared/labels.js';

// Coded values print as the form's words: output → 产出指标, submitted → 审核中.
const codes: Record<string, Record<string, LocalizedText>> = {
  level1: level1Labels,
  level2: level2Labels,
  qualitativeBand: qualitativeBandLabels,
  status: statusLabels,
  kind: kindLabels,
  stage: defaultStageLabels,
};

function word(key: string | null, value: unknown, l: (text: LocalizedText) => string): string {
  const label = key !== null && typeof value === 'string' ? codes[key]?.[value] : undefined;
  if (label) return l(label);
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** A value of a diff or history change: text as it is, a row or an object as compact key: value pairs. */
export function ChangeValue({ value, path }: { value: unknown; path?: string }) {
  const { l } = useI18n();
  if (value === null || value === undefined) return <span className="jx-muted">—</span>;
  if (typeof value !== 'object') {
    const key = path ? (/([A-Za-z0-9]+)$/.exec(path)?.[1] ?? null) : null;
    return <span className="jx-change-value">{word(key, value, l)}</span>;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([key, v]) => key !== 'id' && v !== null);
  return (
    <span className="jx-change-value">
      {entries.map(([key, v], i) => (
        <span key={key}>
          {i > 0 && '；'}
          <span className="jx-muted">{key}</span> {word(key, v, l)}
        </span>
      ))}
    </span>
  );
}
