import { Button } from 'antd';
import { useI18n } from '../../i18n/i18n.js';
import { sumDecimals } from '../../shared/decimal-sum.js';
import { FieldMessages, TextField } from './fields.js';
import { changer, shown, type SectionProps } from './form-context.js';
import { rowMarks } from './marks.js';
import { RowOpinions } from './RowOpinions.js';

interface Props extends SectionProps {
  onAdd?: (() => void) | undefined;
  onRemove?: ((itemId: string) => void) | undefined;
}

/** 评价项目 (部门整体 templates): a category, its maximum, a score by judgement and its justification. */
export function EvaluationSection({ rep, drafts, marks, change, onAdd, onRemove }: Props) {
  const { t, lang } = useI18n();
  const items = rep.report.evaluationItems;
  if (items.length === 0 && !onAdd) return null;
  const computed = new Map(rep.score.evaluationItems.map((i) => [i.itemId, i.score]));
  return (
    <section className="jx-section jx-section-lazy" data-path="evaluationItems" id="section-evaluation">
      <h3>{t('四、评价项目', '4. Evaluation items')}</h3>
      <FieldMessages mark={marks.get('evaluationItems')} />
      {items.length > 0 && (
        <table className="jx-form-table jx-grid">
          <thead>
            <tr>
              <th>{t('评价内容', 'Category')}</th>
              <th style={{ width: 80 }}>{t('分值', 'Maximum')}</th>
              <th style={{ width: 80 }}>{t('得分', 'Score')}</th>
              <th style={{ width: 80 }}>{t('系统得分', 'Computed')}</th>
              <th>{t('评分依据', 'Justification')}</th>
              {onRemove && <th style={{ width: 44 }} />}
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const target = `item:${item.id}`;
              const base = `evaluationItems[${item.id}]`;
              const field = (name: 'category' | 'maximum' | 'score' | 'justification', align?: 'right') => (
                <TextField path={`${base}.${name}`} label={`${item.category} ${name}`} value={shown(drafts, target, name, item[name])} onChange={changer(change, target, name)} mark={marks.get(`${base}.${name}`)} {...(align && { align })} />
              );
              return [
                <tr key={item.id} data-path={base}>
                  <td>{field('category')}</td>
                  <td>{field('maximum', 'right')}</td>
                  <td>{field('score', 'right')}</td>
                  <td className="jx-num jx-computed">{computed.get(item.id) ?? '—'}</td>
                  <td>{field('justification')}</td>
                  {onRemove && (
                    <td>
                      <button type="button" className="jx-remove" aria-label={t('删除评价项目', 'Remove item')} onClick={() => onRemove(item.id)}>
                        ✕
                      </button>
                    </td>
                  )}
                </tr>,
                <RowOpinions key={`${item.id}-opinions`} kind="item" base={base} marks={rowMarks(marks, base)} columns={onRemove ? 6 : 5} lang={lang} />,
              ];
            })}
            <tr className="jx-total-row">
              <th>{t('合计', 'Total')}</th>
              <td className="jx-num">{sumDecimals(items.map((i) => i.maximum))}</td>
              <td className="jx-num">{sumDecimals(items.map((i) => shown(drafts, `item:${i.id}`, 'score', i.score) as string | null))}</td>
              <td className="jx-num jx-computed">{rep.score.evaluationTotal}</td>
              <td colSpan={onRemove ? 2 : 1} />
            </tr>
          </tbody>
        </table>
      )}
      {onAdd && (
        <Button onClick={onAdd} style={{ marginTop: 8 }}>
          + {t('添加评价项目', 'Add evaluation item')}
        </Button>
      )}
    </section>
  );
}
