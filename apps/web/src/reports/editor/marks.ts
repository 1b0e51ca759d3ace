import type { Check, ReviewOpinion } from '../../api/types.js';
import { splitTarget, type TargetKey } from './edit-session.js';
import type { FieldMark } from './fields.js';

const rank = { refused: 5, error: 4, opinion: 3, warning: 2, info: 1 } as const;

/** The report path a field of an edit target lives at, as the checks name it. */
export function pathOf(target: TargetKey, field: string): string {
  const [kind, id] = splitTarget(target);
  const at = (base: string) => (field ? `${base}.${field}` : base);
  switch (kind) {
    case 'header':
      return at('header');
    case 'budget':
      return at(`budget.${id}`);
    case 'assessment':
      return field ? `budget.${field}` : 'budget';
    case 'indicator':
      return at(`indicators[${id}]`);
    case 'item':
      return at(`evaluationItems[${id}]`);
    case 'narrative':
      return `narrative.${id}`;
    default:
      return kind;
  }
}

/** Checks, reviewers' opinions and refused values, by the path of the field they point at. */
export function buildMarks(
  checks: readonly Check[],
  fieldErrors: Readonly<Record<TargetKey, Readonly<Record<string, string>>>>,
  lang: 'zh-CN' | 'en',
  opinions: readonly ReviewOpinion[] = [],
): Map<string, FieldMark> {
  const marks = new Map<string, FieldMark>();
  const add = (path: string, severity: FieldMark['severity'], message: string, opinion?: string) => {
    const mark = marks.get(path);
    const withOpinion = (previous: string[] | undefined) => (opinion === undefined ? previous : [...(previous ?? []), opinion]);
    const opinionsOf = withOpinion(mark?.opinions);
    if (!mark) marks.set(path, { severity, messages: [message], ...(opinionsOf && { opinions: opinionsOf }) });
    else marks.set(path, { severity: rank[severity] > rank[mark.severity] ? severity : mark.severity, messages: [...mark.messages, message], ...(opinionsOf && { opinions: opinionsOf }) });
  };
  for (const check of checks) add(check.path, check.severity, check.message[lang]);
  for (const opinion of opinions) add(opinion.path, 'opinion', `${lang === 'en' ? 'Reviewer' : '审核意见'}: ${opinion.text}`, opinion.text);
  for (const [target, fields] of Object.entries(fieldErrors)) for (const [field, message] of Object.entries(fields)) add(pathOf(target, field), 'refused', message);
  return marks;
}

/** The marks of one row (`indicators[id]`), by field, so that a row re-renders only when they change. */
export function rowMarks(marks: Map<string, FieldMark>, prefix: string): Record<string, FieldMark> | undefined {
  let row: Record<string, FieldMark> | undefined;
  for (const [path, mark] of marks) {
    if (path === prefix) (row ??= {})[''] = mark;
    else if (path.startsWith(`${prefix}.`)) (row ??= {})[path.slice(prefix.length + 1)] = mark;
  }
  return row;
}

/**
 * Brings the field a check points at into view and highlights it; a check on a whole section
 * (`indicators`) or on a row lands on the nearest element that carries the path.
 */
export function focusPath(path: string): boolean {
  const candidates = [path];
  let rest = path;
  while (/[.[]/.test(rest)) {
    rest = rest.replace(/(\.[^.[\]]+|\[[^\]]*\])$/, '');
    candidates.push(rest);
  }
  for (const candidate of candidates) {
    const element = document.querySelector<HTMLElement>(`[data-path="${CSS.escape(candidate)}"]`);
    if (!element) continue;
    element.scrollIntoView({ block: 'center', behavior: 'auto' });
    element.classList.remove('jx-flash');
    void element.offsetWidth;
    element.classList.add('jx-flash');
    setTimeout(() => element.classList.remove('jx-flash'), 2500);
    const focusable = element.matches('input, textarea, select') ? element : element.querySelector<HTMLElement>('input, textarea, select');
    focusable?.focus({ preventScroll: true });
    return true;
  }
  return false;
}
