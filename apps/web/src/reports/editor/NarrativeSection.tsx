import type { NarrativeField } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';
import { narrativeLabels } from '../../shared/labels.js';
import { FieldMessages, TextField } from './fields.js';
import { changer, shown, type SectionProps } from './form-context.js';

interface Props extends SectionProps {
  fields: readonly NarrativeField[];
  title: string;
  /** Below the fold: laid out only when scrolled near. */
  lazy?: boolean;
}

/** Free text of the form (年度总体目标, 实际完成情况, 评价结论, 存在问题, 改进措施), kept as typed. */
export function NarrativeSection({ rep, drafts, marks, change, fields, title, lazy }: Props) {
  const { l } = useI18n();
  return (
    <section className={lazy ? 'jx-section jx-section-lazy' : 'jx-section'}>
      <h3>{title}</h3>
      <table className="jx-form-table">
        <tbody>
          {fields.map((field) => {
            const path = `narrative.${field}`;
            return (
              <tr key={field}>
                <th style={{ width: 140 }}>{l(narrativeLabels[field])}</th>
                <td>
                  <TextField multiline rows={3} label={l(narrativeLabels[field])} path={path} value={shown(drafts, `narrative:${field}`, 'text', rep.report.narrative[field])} onChange={changer(change, `narrative:${field}`, 'text')} mark={marks.get(path)} />
                  <FieldMessages mark={marks.get(path)} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
