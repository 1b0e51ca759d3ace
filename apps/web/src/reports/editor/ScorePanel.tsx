import { Descriptions, Tag } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import type { ReportRepresentation } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';
import { gradeColors } from '../../shared/labels.js';
import { TextField } from './fields.js';
import type { SectionProps } from './form-context.js';
import { shown } from './form-context.js';

const ScoreChart = lazy(() => import('../../charts/ScoreChart.js'));

/** The server-computed score of the current revision, next to the total the form states. */
export function ScorePanel({ rep, drafts, marks, change }: SectionProps) {
  const { t } = useI18n();
  const score = rep.score;
  // The chart (and ECharts itself) comes after the form is on screen, never in its way.
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    const handle = window.requestIdleCallback ? window.requestIdleCallback(() => setIdle(true), { timeout: 1500 }) : window.setTimeout(() => setIdle(true), 300);
    return () => (window.cancelIdleCallback ? window.cancelIdleCallback(handle) : window.clearTimeout(handle));
  }, []);
  return (
    <div data-testid="score-panel">
      <div className="jx-total">
        <span className="jx-total-value" data-testid="score-total">
          {score.total}
        </span>
        <span className="jx-muted"> / {score.maximum}</span>
        {score.grade && (
          <Tag color={gradeColors[score.grade]} style={{ marginLeft: 12 }} data-testid="score-grade">
            {score.grade}
          </Tag>
        )}
        {!score.complete && <div className="jx-muted">{t('部分指标无法自动计分，总分不完整', 'Some items cannot be scored automatically; the total is partial')}</div>}
      </div>
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('预算执行', 'Budget execution')}>
          {score.execution.score ?? '—'} / {score.execution.weight}
        </Descriptions.Item>
        <Descriptions.Item label={t('绩效指标', 'Indicators')}>{score.indicatorTotal}</Descriptions.Item>
        {rep.report.evaluationItems.length > 0 && <Descriptions.Item label={t('评价项目', 'Evaluation items')}>{score.evaluationTotal}</Descriptions.Item>}
        <Descriptions.Item label={t('填报总分', 'Stated total')}>
          <TextField
            path="selfTotal"
            label={t('填报总分', 'Stated total')}
            align="right"
            value={shown(drafts, 'selfTotal', 'value', rep.report.selfTotal)}
            onChange={change && ((value) => change('selfTotal', 'value', value))}
            mark={marks.get('selfTotal')}
            style={{ width: 100 }}
          />
        </Descriptions.Item>
      </Descriptions>
      <Suspense fallback={<div style={{ height: 180 }} />}>{idle ? <ScoreChart rep={rep} /> : <div style={{ height: 180 }} />}</Suspense>
    </div>
  );
}
