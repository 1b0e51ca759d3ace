import { Button, Tag } from 'antd';
import type { ReactNode } from 'react';
import type { ReportRepresentation, ReviewerScore } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { focusPath } from '../reports/editor/marks.js';
import { gradeColors, level1Labels } from '../shared/labels.js';

export interface ScoredItem {
  /** The reviewer-score path: `budget`, `indicators[<id>]`, `evaluationItems[<id>]`. */
  path: string;
  label: ReactNode;
  /** The weight or the maximum: no score may exceed it. */
  weight: string | null;
  self: string | null;
  computed: string | null;
  reviewer: ReviewerScore | undefined;
}

/** Every item that carries a score: budget execution, each indicator, each evaluation item. */
export function scoredItems(rep: ReportRepresentation, lang: 'zh-CN' | 'en'): ScoredItem[] {
  const reviewer = rep.review?.reviewerScores ?? {};
  const indicatorScores = new Map(rep.score.indicators.map((s) => [s.indicatorId, s.score]));
  const itemScores = new Map(rep.score.evaluationItems.map((s) => [s.itemId, s.score]));
  return [
    {
      path: 'budget',
      label: lang === 'en' ? 'Budget execution' : '预算执行',
      weight: rep.score.execution.weight,
      self: rep.report.budget.selfScore,
      computed: rep.score.execution.score,
      reviewer: reviewer.budget,
    },
    ...rep.report.indicators.map((indicator) => ({
      path: `indicators[${indicator.id}]`,
      label: (
        <>
          <span className="jx-muted">{level1Labels[indicator.level1][lang].replace(/指标$/, '')} · </span>
          {indicator.name}
        </>
      ),
      weight: indicator.weight,
      self: indicator.selfScore,
      computed: indicatorScores.get(indicator.id) ?? null,
      reviewer: reviewer[`indicators[${indicator.id}]`],
    })),
    ...rep.report.evaluationItems.map((item) => ({
      path: `evaluationItems[${item.id}]`,
      label: item.category,
      weight: item.maximum,
      self: item.score,
      computed: itemScores.get(item.id) ?? null,
      reviewer: reviewer[`evaluationItems[${item.id}]`],
    })),
  ];
}

const differs = (a: string | null, b: string | null) => a !== null && b !== null && Number(a) !== Number(b);

/**
 * 得分对照: the unit's self score, the score the rule profile computes and the reviewer's score
 * (核查分数) side by side for every item, and the three totals. A stage that may score sets them here.
 */
export function ScoreComparison({ rep, onScore }: { rep: ReportRepresentation; onScore?: ((item: ScoredItem) => void) | undefined }) {
  const { t, lang } = useI18n();
  const items = scoredItems(rep, lang);
  const reviewerTotal = rep.reviewerTotal ?? null;
  return (
    <div className="jx-scroll jx-compare-box">
      <table className="jx-form-table jx-grid jx-compare" data-testid="score-comparison">
        <thead>
          <tr>
            <th>{t('评分项目', 'Item')}</th>
            <th style={{ width: 64 }}>{t('分值', 'Weight')}</th>
            <th style={{ width: 76 }}>{t('自评得分', 'Self')}</th>
            <th style={{ width: 76 }}>{t('系统得分', 'Computed')}</th>
            <th style={{ width: 76 }}>{t('核查得分', 'Reviewer')}</th>
            <th>{t('核查理由', 'Reviewer’s reason')}</th>
            {onScore && <th style={{ width: 64 }} />}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => {
            const reviewed = item.reviewer && item.reviewer.score !== null ? item.reviewer.score : null;
            return (
              <tr key={item.path} data-testid="score-row" data-item={item.path}>
                <td>
                  <button type="button" className="jx-link-button" onClick={() => focusPath(item.path === 'budget' ? 'budget' : item.path)}>
                    {item.label}
                  </button>
                </td>
                <td className="jx-num">{item.weight ?? '—'}</td>
                <td className={`jx-num${differs(item.self, item.computed) ? ' jx-differs' : ''}`} data-testid="self-score" title={differs(item.self, item.computed) ? t('自评得分与系统得分不一致', 'self score differs from the computed score') : undefined}>
                  {item.self ?? '—'}
                </td>
                <td className="jx-num jx-computed" data-testid="computed-score">
                  {item.computed ?? <span className="jx-muted">{t('无法计算', 'n/a')}</span>}
                </td>
                <td className={`jx-num${reviewed !== null ? ' jx-reviewed' : ''}`} data-testid="reviewer-score">
                  {reviewed ?? '—'}
                </td>
                <td className="jx-muted">{item.reviewer?.reason ?? ''}</td>
                {onScore && (
                  <td>
                    <Button size="small" type="link" onClick={() => onScore(item)} data-testid="set-reviewer-score">
                      {t('核查', 'Score')}
                    </Button>
                  </td>
                )}
              </tr>
            );
          })}
          <tr className="jx-total-row">
            <th>{t('总分', 'Total')}</th>
            <td className="jx-num">{rep.score.maximum}</td>
            <td className={`jx-num${differs(rep.report.selfTotal, rep.score.total) ? ' jx-differs' : ''}`} data-testid="self-total">
              {rep.report.selfTotal ?? '—'}
            </td>
            <td className="jx-num jx-computed" data-testid="computed-total">
              {rep.score.total}
              {rep.score.grade && (
                <Tag color={gradeColors[rep.score.grade]} style={{ marginLeft: 4, marginRight: 0 }}>
                  {rep.score.grade}
                </Tag>
              )}
            </td>
            <td className={`jx-num${reviewerTotal ? ' jx-reviewed' : ''}`} data-testid="reviewer-total">
              {reviewerTotal ? (
                <>
                  {reviewerTotal.total}
                  {reviewerTotal.grade && (
                    <Tag color={gradeColors[reviewerTotal.grade]} style={{ marginLeft: 4, marginRight: 0 }}>
                      {reviewerTotal.grade}
                    </Tag>
                  )}
                </>
              ) : (
                '—'
              )}
            </td>
            <td colSpan={onScore ? 2 : 1} className="jx-muted">
              {reviewerTotal ? t(`${reviewerTotal.reviewed} 项经核查`, `${reviewerTotal.reviewed} item(s) reviewed`) : t('尚无核查分数', 'no reviewer scores yet')}
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
