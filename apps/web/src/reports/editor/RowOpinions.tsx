import type { Lang } from '../../i18n/i18n.js';
import { rowFieldLabel } from '../../review/field-paths.js';
import type { FieldMark } from './fields.js';

/**
 * Reviewers' opinions on a table row (an indicator, an evaluation item) or its fields, on a line of
 * their own right under it: a returned report shows them beside what they point at.
 */
export function RowOpinions({ kind, base, marks, columns, lang }: { kind: 'indicator' | 'item'; base: string; marks: Record<string, FieldMark> | undefined; columns: number; lang: Lang }) {
  if (!marks) return null;
  const lines = Object.entries(marks).flatMap(([field, mark]) => (mark.opinions ?? []).map((opinion) => ({ field, opinion })));
  if (lines.length === 0) return null;
  return (
    <tr className="jx-opinion-row" data-testid="row-opinion" data-for={base}>
      <td />
      <td colSpan={columns - 1}>
        {lines.map(({ field, opinion }, index) => (
          <div key={`${field}-${index}`}>
            <span className="jx-opinion-label">{lang === 'en' ? 'Reviewer’s opinion' : '审核意见'}</span>
            {field && <span className="jx-muted">{rowFieldLabel(kind, field, lang)}：</span>}
            <span>{opinion}</span>
          </div>
        ))}
      </td>
    </tr>
  );
}
