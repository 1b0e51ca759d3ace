import { useI18n } from '../../i18n/i18n.js';
import { fundingSourceLabels, fundingSources } from '../../shared/labels.js';
import { FieldMessages, TextField } from './fields.js';
import { changer, shown, type SectionProps } from './form-context.js';

const columns = [
  ['initial', '年初预算数', 'Initial budget'],
  ['adjusted', '全年预算数', 'Adjusted budget'],
  ['executed', '全年执行数', 'Executed'],
  ['statedRate', '填报执行率(%)', 'Stated rate (%)'],
] as const;

/** 预算执行情况（万元）: one row per funding source, the computed rate and score on the total row. */
export function BudgetSection({ rep, drafts, marks, change }: SectionProps) {
  const { t, l } = useI18n();
  const budget = rep.report.budget;
  const execution = rep.score.execution;
  const messages = [...marks.entries()].filter(([path]) => path.startsWith('budget.') && !path.startsWith('budget.selfScore') && !path.startsWith('budget.explanation'));
  return (
    <section className="jx-section" data-path="budget" id="section-budget">
      <h3>{t('二、预算执行情况（万元）', '2. Budget execution (10k yuan)')}</h3>
      <table className="jx-form-table jx-grid">
        <thead>
          <tr>
            <th>{t('资金来源', 'Funding source')}</th>
            {columns.map(([column, zh, en]) => (
              <th key={column}>{t(zh, en)}</th>
            ))}
            <th>{t('计算执行率', 'Computed rate')}</th>
            <th>{t('分值', 'Weight')}</th>
            <th>{t('系统得分', 'Computed score')}</th>
          </tr>
        </thead>
        <tbody>
          {fundingSources.map((source) => {
            const target = `budget:${source}`;
            const row = budget[source];
            return (
              <tr key={source} data-path={`budget.${source}`}>
                <th>{l(fundingSourceLabels[source])}</th>
                {columns.map(([column, zh, en]) => {
                  const path = `budget.${source}.${column}`;
                  return (
                    <td key={column}>
                      <TextField label={`${l(fundingSourceLabels[source])} ${t(zh, en)}`} align="right" path={path} value={shown(drafts, target, column, row?.[column] ?? null)} onChange={changer(change, target, column)} mark={marks.get(path)} />
                    </td>
                  );
                })}
                {source === 'total' ? (
                  <>
                    <td className="jx-num" data-testid="execution-rate">{execution.rate === null ? '—' : `${execution.rate}%`}</td>
                    <td className="jx-num">{execution.weight}</td>
                    <td className="jx-num jx-computed" data-testid="execution-score">{execution.score ?? '—'}</td>
                  </>
                ) : (
                  <td colSpan={3} />
                )}
              </tr>
            );
          })}
          <tr>
            <th>{t('自评得分', 'Self score')}</th>
            <td>
              <TextField label={t('预算执行自评得分', 'Budget execution self score')} align="right" path="budget.selfScore" value={shown(drafts, 'assessment', 'selfScore', budget.selfScore)} onChange={changer(change, 'assessment', 'selfScore')} mark={marks.get('budget.selfScore')} />
            </td>
            <th>{t('偏差原因', 'Explanation')}</th>
            <td colSpan={5}>
              <TextField label={t('预算执行偏差原因', 'Budget execution explanation')} path="budget.explanation" value={shown(drafts, 'assessment', 'explanation', budget.explanation)} onChange={changer(change, 'assessment', 'explanation')} mark={marks.get('budget.explanation')} />
            </td>
          </tr>
        </tbody>
      </table>
      <FieldMessages mark={marks.get('budget.selfScore')} />
      <FieldMessages mark={marks.get('budget.explanation')} />
      {messages.map(([path, mark]) => (
        <FieldMessages key={path} mark={mark} />
      ))}
    </section>
  );
}
