import { memo, useState, type CSSProperties } from 'react';
import type { Severity } from '../../api/types.js';

/** Where a check or an error points: the worst severity and the messages, for one field. */
export interface FieldMark {
  severity: Severity | 'refused' | 'opinion';
  messages: string[];
  /** Reviewers' opinions among the messages, on their own: shown beside the field they point at. */
  opinions?: string[];
}

interface TextFieldProps {
  value: string | number | null | undefined;
  onChange?: ((value: string) => void) | undefined;
  readOnly?: boolean | undefined;
  path: string;
  mark?: FieldMark | undefined;
  multiline?: boolean;
  rows?: number;
  placeholder?: string;
  align?: 'left' | 'right';
  style?: CSSProperties;
  label?: string;
}

/**
 * A text box that keeps what the user is typing while it has the focus: the server answers
 * with canonical values ("100" → "100.00"), which must not jump under the caret.
 */
export const TextField = memo(function TextField({ value, onChange, readOnly, path, mark, multiline, rows = 3, placeholder, align, style, label }: TextFieldProps) {
  const [editing, setEditing] = useState<string | null>(null);
  const shown = editing ?? (value === null || value === undefined ? '' : String(value));
  const className = `jx-input${mark ? ` jx-mark-${mark.severity}` : ''}${align === 'right' ? ' jx-num' : ''}`;
  const common = {
    className,
    value: shown,
    readOnly: readOnly || !onChange,
    placeholder,
    'data-path': path,
    'aria-label': label,
    title: mark?.messages.join('\n'),
    style,
    onFocus: () => setEditing(shown),
    onBlur: () => setEditing(null),
    onChange: (event: { target: { value: string } }) => {
      setEditing(event.target.value);
      onChange?.(event.target.value);
    },
  };
  return multiline ? <textarea rows={rows} {...common} /> : <input {...common} />;
});

interface SelectFieldProps<T extends string> {
  value: T | null;
  options: ReadonlyArray<{ value: T; label: string }>;
  onChange?: ((value: T | null) => void) | undefined;
  readOnly?: boolean | undefined;
  path: string;
  mark?: FieldMark | undefined;
  allowEmpty?: boolean;
  label?: string;
}

export function SelectField<T extends string>({ value, options, onChange, readOnly, path, mark, allowEmpty, label }: SelectFieldProps<T>) {
  return (
    <select
      className={`jx-input jx-select${mark ? ` jx-mark-${mark.severity}` : ''}`}
      value={value ?? ''}
      disabled={readOnly || !onChange}
      data-path={path}
      aria-label={label}
      title={mark?.messages.join('\n')}
      onChange={(event) => onChange?.((event.target.value || null) as T | null)}
    >
      {(allowEmpty || value === null) && <option value="">—</option>}
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

/** The messages under a field, when checks or refusals point at it. */
export function FieldMessages({ mark }: { mark: FieldMark | undefined }) {
  if (!mark) return null;
  return <div className={`jx-field-msg jx-field-msg-${mark.severity}`}>{mark.messages.join('；')}</div>;
}
