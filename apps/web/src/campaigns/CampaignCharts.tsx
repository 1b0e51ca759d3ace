import { Card, Col, Row } from 'antd';
import { useMemo } from 'react';
import type { CampaignProgress } from '../api/types.js';
import { EChart, type ChartOption } from '../charts/EChart.js';
import { useI18n } from '../i18n/i18n.js';
import { progressStateLabels, timelinessLabels } from '../shared/labels.js';

const gradeColors = { 优: '#52c41a', 良: '#1677ff', 中: '#faad14', 差: '#ff4d4f', none: '#bfbfbf' } as const;

/**
 * The dashboard's four charts (ECharts, loaded with this chunk only): reports by state with
 * review split by stage, units on time against late, grades, and the score histogram.
 */
export default function CampaignCharts({ progress }: { progress: CampaignProgress }) {
  const { t, l } = useI18n();
  const { totals } = progress;

  const byStage = useMemo<ChartOption>(() => {
    const bars: Array<{ name: string; value: number; color: string }> = [
      { name: l(progressStateLabels.not_started), value: totals.unitsByState.not_started, color: '#d9d9d9' },
      { name: l(progressStateLabels.draft), value: totals.reportsByState.draft, color: '#bfbfbf' },
      { name: l(progressStateLabels.returned), value: totals.reportsByState.returned, color: '#ff7875' },
      // Each stage with reports in review; one empty "in review" bar when there are none.
      ...(totals.inReviewByStage.length > 0
        ? totals.inReviewByStage.map((s) => ({ name: l(s.stageName), value: s.reports, color: '#1677ff' }))
        : [{ name: l(progressStateLabels.in_review), value: 0, color: '#1677ff' }]),
      { name: l(progressStateLabels.approved), value: totals.reportsByState.approved, color: '#73d13d' },
      { name: l(progressStateLabels.published), value: totals.reportsByState.published, color: '#389e0d' },
    ];
    return {
      animation: false,
      tooltip: { trigger: 'axis' },
      grid: { left: 36, right: 8, top: 16, bottom: 56 },
      xAxis: { type: 'category', data: bars.map((b) => b.name), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: bars.map((b) => ({ value: b.value, itemStyle: { color: b.color } })), label: { show: true, position: 'top' } }],
    };
  }, [totals, l]);

  const timeliness = useMemo<ChartOption>(
    () => ({
      animation: false,
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['40%', '70%'],
          label: { formatter: '{b}: {c}' },
          data: [
            { name: l(timelinessLabels.on_time), value: totals.unitsByTimeliness.on_time, itemStyle: { color: '#52c41a' } },
            { name: l(timelinessLabels.late), value: totals.unitsByTimeliness.late, itemStyle: { color: '#ff4d4f' } },
            { name: l(timelinessLabels.pending), value: totals.unitsByTimeliness.pending, itemStyle: { color: '#d9d9d9' } },
          ].filter((d) => d.value > 0),
        },
      ],
    }),
    [totals, l],
  );

  const grades = useMemo<ChartOption>(() => {
    const keys = ['优', '良', '中', '差', 'none'] as const;
    const names = keys.map((k) => (k === 'none' ? t('无等级', 'no grade') : k));
    return {
      animation: false,
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [{ type: 'pie', radius: '65%', label: { formatter: '{b}: {c}' }, data: keys.map((k, i) => ({ name: names[i], value: totals.grades[k], itemStyle: { color: gradeColors[k] } })).filter((d) => d.value > 0) }],
    };
  }, [totals, t]);

  const histogram = useMemo<ChartOption>(
    () => ({
      animation: false,
      tooltip: { trigger: 'axis' },
      grid: { left: 36, right: 8, top: 16, bottom: 28 },
      xAxis: { type: 'category', data: totals.scoreHistogram.map((b, i) => (i === totals.scoreHistogram.length - 1 ? `${b.from}–${b.to}` : `${b.from}–`)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', barCategoryGap: '5%', data: totals.scoreHistogram.map((b) => b.reports), itemStyle: { color: '#1677ff' }, label: { show: true, position: 'top', formatter: (p: { value: number }) => (p.value ? String(p.value) : '') } }],
    }),
    [totals],
  );

  const card = (title: string, option: ChartOption, testId: string, note: string) => (
    <Col xs={24} lg={12}>
      <Card size="small" title={title} extra={<span className="jx-muted">{note}</span>}>
        <EChart option={option} style={{ height: 240 }} testId={testId} />
      </Card>
    </Col>
  );

  return (
    <Row gutter={[12, 12]}>
      {card(t('各环节进度', 'Progress by stage'), byStage, 'chart-stages', t('未开始按单位计，其余按报告计', 'not started: units; the rest: reports'))}
      {card(t('按时与逾期', 'On time vs late'), timeliness, 'chart-timeliness', t('按单位，以各单位截止日为准', 'units, against each unit’s deadline'))}
      {card(t('等级分布', 'Grades'), grades, 'chart-grades', t('已提交的报告', 'submitted reports'))}
      {card(t('得分分布', 'Score histogram'), histogram, 'chart-histogram', t('系统得分，每 10 分一档', 'computed totals, 10-point bins'))}
    </Row>
  );
}
