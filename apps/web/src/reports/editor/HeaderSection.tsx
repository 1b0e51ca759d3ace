import { useI18n } from '../../i18n/i18n.js';
import { kindLabels } from '../../shared/labels.js';
import { FieldMessages, TextField } from './fields.js';
import { changer, shown, type SectionProps } from './form-context.js';

const fields = [
  ['unit', '单位名称', 'Unit'],
  ['competentDepartment', '主管部门', 'Competent department'],
  ['implementingUnit', '实施单位', 'Implementing unit'],
  ['year', '年度', 'Year'],
  ['projectName', '项目名称', 'Project name'],
  ['projectCode', '项目编码', 'Project code'],
] as const;

export function HeaderSection({ rep, drafts, marks, change }: SectionProps) {
  const { t, l } = useI18n();
  const header = rep.report.header;
  const visible = rep.report.kind === 'project' ? fields : fields.filter(([field]) => field !== 'projectName' && field !== 'projectCode');
  return (
    <section className="jx-section" data-path="header" id="section-header">
      <h3>
        {t('一、基本信息', '1. General information')} <span className="jx-muted">（{l(kindLabels[rep.report.kind])}）</span>
      </h3>
      <table className="jx-form-table">
        <tbody>
          {chunk(visible, 2).map((pair) => (
            <tr key={pair[0]![0]}>
              {pair.map(([field, zh, en]) => {
                const path = `header.${field}`;
                return [
                  <th key={`${field}-label`}>{t(zh, en)}</th>,
                  <td key={field}>
                    <TextField label={t(zh, en)} path={path} value={shown(drafts, 'header', field, header[field])} onChange={changer(change, 'header', field)} mark={marks.get(path)} />
                    <FieldMessages mark={marks.get(path)} />
                  </td>,
                ];
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
