import { Button } from 'antd';
import { memo, useMemo } from 'react';
import type { Comparator, Indicator, IndicatorScore } from '../../api/types.js';
import { useI18n, type Lang } from '../../i18n/i18n.js';
import { sumDecimals } from '../../shared/decimal-sum.js';
import { comparators, level1Labels, level1Values, level2Labels, level2Values, qualitativeBandLabels, qualitativeBands } from '../../shared/labels.js';
import type { Draft, TargetKey } from './edit-session.js';
import { SelectField, TextField, type FieldMark } from './fields.js';
import { shown, type SectionProps } from './form-context.js';
import { rowMarks } from './marks.js';
import { RowOpinions } from './RowOpinions.js';

interface Props extends SectionProps {
  onAdd?: (() => void) | undefined;
  onRemove?: ((indicatorId: string) => void) | undefined;
}

/** 绩效指标: the indicator table of the standard form, with the server's score beside the self score. */
export function IndicatorTable({ rep, drafts, marks, change, onAdd, onRemove }: Props) {
  const { t, lang } = useI18n();
  const scores = useMemo(() => new Map(rep.score.indicators.map((s) => [s.indicatorId, s])), [rep.score]);
  const markByRow = useMemo(() => new Map(rep.report.indicators.map((i) => [i.id, rowMarks(marks, `indicators[${i.id}]`)])), [marks, rep.report.indicators]);
  const indicators = rep.report.indicators;
  const weights = indicators.map((i) => shown(drafts, `indicator:${i.id}`, 'weight', i.weight) as string);
  const selfScores = indicators.map((i) => shown(drafts, `indicator:${i.id}`, 'selfScore', i.selfScore) as string | null);
  const sectionMark = marks.get('indicators');
  return (
    <section className="jx-section" data-path="indicators" id="section-indicators">
      <h3>{t('三、绩效指标', '3. Performance indicators')}</h3>
      {sectionMark && <div className={`jx-field-msg jx-field-msg-${sectionMark.severity}`}>{sectionMark.messages.join('；')}</div>}
      <div className="jx-scroll">
        <table className="jx-form-table jx-grid jx-indicators" data-testid="indicator-table">
          <thead>
            <tr>
              <th style={{ width: 28 }}>#</th>
              <th style={{ width: 88 }}>{t('一级指标', 'Level 1')}</th>
              <th style={{ width: 112 }}>{t('二级指标', 'Level 2')}</th>
              <th style={{ minWidth: 130 }}>{t('三级指标', 'Level 3 (name)')}</th>
              <th style={{ width: 64 }}>{t('指标性质', 'Comparator')}</th>
              <th style={{ width: 80 }}>{t('指标值', 'Target')}</th>
              <th style={{ width: 56 }}>{t('度量单位', 'Unit')}</th>
              <th style={{ width: 80 }}>{t('完成值', 'Actual')}</th>
              <th style={{ width: 52 }}>{t('分值', 'Weight')}</th>
              <th style={{ width: 56 }}>{t('自评得分', 'Self score')}</th>
              <th style={{ width: 60 }}>{t('系统得分', 'Computed')}</th>
              <th style={{ minWidth: 130 }}>{t('偏差原因分析及改进措施', 'Deviation explanation')}</th>
              {onRemove && <th style={{ width: 32 }} />}
            </tr>
          </thead>
          <tbody>
            {indicators.map((indicator, index) => (
              <IndicatorRow
                key={indicator.id}
                index={index}
                indicator={indicator}
                draft={drafts[`indicator:${indicator.id}`]}
                score={scores.get(indicator.id)}
                marks={markByRow.get(indicator.id)}
                change={change}
                onRemove={onRemove}
                lang={lang}
              />
            ))}
            <tr className="jx-total-row">
              <th colSpan={8}>{t('合计', 'Total')}</th>
              <td className="jx-num" data-testid="weight-total">{sumDecimals(weights).replace(/\.00$/, '')}</td>
              <td className="jx-num">{sumDecimals(selfScores)}</td>
              <td className="jx-num jx-computed" data-testid="indicator-total">{rep.score.indicatorTotal}</td>
              <td colSpan={onRemove ? 2 : 1} />
            </tr>
          </tbody>
        </table>
      </div>
      {onAdd && (
        <Button onClick={onAdd} style={{ marginTop: 8 }} data-testid="add-indicator">
          + {t('添加指标', 'Add indicator')}
        </Button>
      )}
    </section>
  );
}

// One set of options per language, shared by every row (a 50-row table renders 1,100 of them).
const optionSets = new Map<Lang, ReturnType<typeof buildOptions>>();
function buildOptions(lang: Lang) {
  return {
    level1: level1Values.map((v) => ({ value: v, label: level1Labels[v][lang] })),
    level2: level2Values.map((v) => ({ value: v, label: level2Labels[v][lang] })),
    comparator: comparators.map((v) => ({ value: v, label: v === '定性' && lang === 'en' ? 'qualitative' : v })),
    band: qualitativeBands.map((v) => ({ value: v, label: qualitativeBandLabels[v][lang] })),
  };
}
function optionsFor(lang: Lang) {
  let options = optionSets.get(lang);
  if (!options) optionSets.set(lang, (options = buildOptions(lang)));
  return options;
}

interface RowProps {
  index: number;
  indicator: Indicator;
  draft: Draft | undefined;
  score: IndicatorScore | undefined;
  marks: Record<string, FieldMark> | undefined;
  change: SectionProps['change'];
  onRemove: ((indicatorId: string) => void) | undefined;
  lang: Lang;
}

const IndicatorRow = memo(function IndicatorRow({ index, indicator, draft, score, marks, change, onRemove, lang }: RowProps) {
  const target: TargetKey = `indicator:${indicator.id}`;
  const base = `indicators[${indicator.id}]`;
  const value = (field: keyof Indicator) => (draft && field in draft.changes ? (draft.changes[field] as string | null) : indicator[field]) as string | null;
  const on = (field: string) => change && ((v: string | null) => change(target, field, v));
  const comparator = value('comparator') as Comparator;
  const text = (field: keyof Indicator, align?: 'right') => (
    <TextField path={`${base}.${field}`} label={`${indicator.name} ${field}`} value={value(field)} onChange={on(field)} mark={marks?.[field]} {...(align && { align })} />
  );
  const rowMark = marks?.[''];
  const options = optionsFor(lang);
  const notComparable = score?.reason ? score.reason.message[lang] : undefined;
  return (
    <>
      <tr data-path={base} className={rowMark ? `jx-row-${rowMark.severity}` : undefined} title={rowMark?.messages.join('\n')}>
        <td className="jx-muted">{index + 1}</td>
        <td>
          <SelectField path={`${base}.level1`} label="level1" value={value('level1')} onChange={on('level1')} options={options.level1} />
        </td>
        <td>
          <SelectField path={`${base}.level2`} label="level2" value={value('level2')} onChange={on('level2')} options={options.level2} />
        </td>
        <td>{text('name')}</td>
        <td>
          <SelectField path={`${base}.comparator`} label="comparator" value={comparator} onChange={on('comparator')} options={options.comparator} />
          {comparator === '定性' && (
            <SelectField
              path={`${base}.qualitativeBand`}
              label="band"
              value={value('qualitativeBand')}
              onChange={on('qualitativeBand')}
              mark={marks?.qualitativeBand}
              allowEmpty
              options={options.band}
            />
          )}
        </td>
        <td>{text('target')}</td>
        <td>{text('unit')}</td>
        <td>{text('actual')}</td>
        <td>{text('weight', 'right')}</td>
        <td>{text('selfScore', 'right')}</td>
        <td className="jx-num jx-computed" data-testid="indicator-score" title={notComparable}>
          {score?.score ?? <span className="jx-muted">{lang === 'en' ? 'n/a' : '无法计算'}</span>}
        </td>
        <td>{text('explanation')}</td>
        {onRemove && (
          <td>
            <button type="button" className="jx-remove" aria-label={lang === 'en' ? 'Remove indicator' : '删除指标'} onClick={() => onRemove(indicator.id)}>
              ✕
            </button>
          </td>
        )}
      </tr>
      <RowOpinions kind="indicator" base={base} marks={marks} columns={onRemove ? 13 : 12} lang={lang} />
    </>
  );
});
