import { useMemo } from 'react';
import type { Level1, ReportRepresentation } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { sumDecimals } from '../shared/decimal-sum.js';
import { level1Labels, level1Values } from '../shared/labels.js';
import { EChart, type ChartOption } from './EChart.js';

/** 得分构成: weight against computed score, for budget execution and each indicator group. */
export default function ScoreChart({ rep }: { rep: ReportRepresentation }) {
  const { t, lang } = useI18n();
  const option = useMemo<ChartOption>(() => {
    const scores = new Map(rep.score.indicators.map((s) => [s.indicatorId, s.score]));
    const groups = level1Values.filter((level: Level1) => rep.report.indicators.some((i) => i.level1 === level));
    const categories = [t('预算执行', 'Execution'), ...groups.map((g) => level1Labels[g][lang].replace(/指标$/, ''))];
    const weights = [rep.score.execution.weight, ...groups.map((g) => sumDecimals(rep.report.indicators.filter((i) => i.level1 === g).map((i) => i.weight)))];
    const obtained = [rep.score.execution.score ?? '0', ...groups.map((g) => sumDecimals(rep.report.indicators.filter((i) => i.level1 === g).map((i) => scores.get(i.id) ?? null)))];
    return {
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { data: [t('分值', 'Weight'), t('得分', 'Score')], top: 0 },
      grid: { left: 36, right: 8, top: 28, bottom: 24 },
      xAxis: { type: 'category', data: categories },
      yAxis: { type: 'value' },
      series: [
        { name: t('分值', 'Weight'), type: 'bar', data: weights.map(Number), itemStyle: { color: '#d9d9d9' } },
        { name: t('得分', 'Score'), type: 'bar', data: obtained.map(Number), itemStyle: { color: '#1677ff' } },
      ],
    };
  }, [rep, t, lang]);
  return <EChart option={option} style={{ height: 180, marginTop: 12 }} testId="score-chart" />;
}
