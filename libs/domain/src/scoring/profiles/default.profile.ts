import type { RuleProfileJson } from '../rule-profile.js';

/** The rules of the domain guide (section "Scoring"). */
export const defaultProfileJson = {
  id: 'default',
  version: 1,
  name: { 'zh-CN': '默认评分规则', en: 'Default scoring rules' },
  total: '100',
  execution: { weight: '10', formula: 'execution.capped-rate', explanationBelowRate: '90' },
  indicators: {
    total: '90',
    formulas: { moreIsBetter: 'ge.ratio', lessIsBetter: 'le.linear', equal: 'eq.as-ge', qualitative: 'qualitative.band' },
    overAchievementPercent: '120',
  },
  qualitativeBands: {
    achieved: { min: '80', max: '100', minInclusive: true, maxInclusive: true },
    partial: { min: '60', max: '80', minInclusive: true, maxInclusive: false },
    failed: { min: '0', max: '60', minInclusive: true, maxInclusive: false },
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
