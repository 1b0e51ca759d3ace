import type { RuleProfileJson } from '../rule-profile.js';

/** Hubei 2020: execution weighs 20, `≤` scores weight × target / actual, bands 100–80 / 80–50 / 50–0. */
export const hubei2020ProfileJson = {
  id: 'hubei-2020',
  version: 1,
  name: { 'zh-CN': '湖北省2020年评分规则', en: 'Hubei 2020 scoring rules' },
  total: '100',
  execution: { weight: '20', formula: 'execution.capped-rate', explanationBelowRate: '90' },
  indicators: {
    total: '80',
    formulas: { moreIsBetter: 'ge.ratio', lessIsBetter: 'le.ratio', equal: 'eq.as-ge', qualitative: 'qualitative.band' },
    overAchievementPercent: '120',
  },
  qualitativeBands: {
    achieved: { min: '80', max: '100', minInclusive: true, maxInclusive: true },
    partial: { min: '50', max: '80', minInclusive: true, maxInclusive: false },
    failed: { min: '0', max: '50', minInclusive: true, maxInclusive: false },
  },
  rounding: { places: 2, mode: 'half-up' },
  grades: [
    { grade: '优', min: '90' },
    { grade: '良', min: '80' },
    { grade: '中', min: '60' },
    { grade: '差', min: '0' },
  ],
  checks: { budgetAdjustmentPercent: '50' },
} satisfies RuleProfileJson;
