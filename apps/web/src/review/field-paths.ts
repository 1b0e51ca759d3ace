import type { LocalizedText } from '../i18n/text.js';
import type { ReportDocument } from '../api/types.js';
import { budgetColumnLabels, fundingSourceLabels, narrativeLabels } from '../shared/labels.js';

// The paths reviewers' opinions may point at, as the review decider accepts them
// (libs/domain/src/workflow/review.decider.ts `pathExists`): an indicator or an evaluation item,
// whole or one of its fields; the budget, the header, the narrative, the stated total, evidence.
const indicatorPath = /^indicators\[([^\]]+)\](?:\.([A-Za-z]+))?$/;
const evaluationItemPath = /^evaluationItems\[([^\]]+)\](?:\.([A-Za-z]+))?$/;
const otherPaths = /^(|budget(\.[A-Za-z]+){0,2}|header(\.[A-Za-z]+)?|narrative(\.[A-Za-z]+)?|selfTotal|evidence(\[[^\]]+\])?)$/;

const text = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en });

const indicatorFields: Record<string, LocalizedText> = {
  level1: text('一级指标', 'level 1'),
  level2: text('二级指标', 'level 2'),
  name: text('三级指标', 'name'),
  comparator: text('指标性质', 'comparator'),
  qualitativeBand: text('定性档次', 'qualitative band'),
  target: text('指标值', 'target'),
  unit: text('度量单位', 'unit'),
  actual: text('完成值', 'actual'),
  weight: text('分值', 'weight'),
  selfScore: text('自评得分', 'self score'),
  explanation: text('偏差原因', 'explanation'),
};

const itemFields: Record<string, LocalizedText> = {
  category: text('评价内容', 'category'),
  maximum: text('分值', 'maximum'),
  score: text('得分', 'score'),
  justification: text('评分依据', 'justification'),
};

const headerFields: Record<string, LocalizedText> = {
  unit: text('单位名称', 'unit'),
  competentDepartment: text('主管部门', 'competent department'),
  implementingUnit: text('实施单位', 'implementing unit'),
  year: text('年度', 'year'),
  projectName: text('项目名称', 'project name'),
  projectCode: text('项目编码', 'project code'),
};

const budgetFields: Record<string, LocalizedText> = {
  ...budgetColumnLabels,
  statedRate: text('填报执行率', 'stated rate'),
  selfScore: text('自评得分', 'self score'),
  explanation: text('偏差原因', 'explanation'),
};

/** The label of an indicator's or an evaluation item's field, for opinions shown beside a row. */
export function rowFieldLabel(kind: 'indicator' | 'item', field: string, lang: 'zh-CN' | 'en'): string {
  return (kind === 'indicator' ? indicatorFields : itemFields)[field]?.[lang] ?? field;
}

/** Whether the review workflow accepts an opinion on this path. */
export function isOpinionPath(path: string): boolean {
  return indicatorPath.test(path) || evaluationItemPath.test(path) || otherPaths.test(path);
}

/** The path and the paths that contain it, most specific first: `budget.total.executed`, `budget.total`, `budget`. */
export function enclosingPaths(path: string): string[] {
  const out = [path];
  let rest = path;
  while (/[.[]/.test(rest)) {
    rest = rest.replace(/(\.[^.[\]]+|\[[^\]]*\])$/, '');
    if (rest) out.push(rest);
  }
  return out;
}

/** Where an opinion can go when the reviewer picks the field at `path`. */
export function opinionTargets(path: string): string[] {
  return enclosingPaths(path).filter((candidate) => candidate !== '' && isOpinionPath(candidate));
}

/** A path as the form names it: 指标“门诊服务人次” · 完成值. */
export function describePath(path: string, report: ReportDocument, lang: 'zh-CN' | 'en'): string {
  const l = (t: LocalizedText | undefined) => (t ? t[lang] : '');
  const quote = (name: string) => (lang === 'en' ? ` “${name}”` : `“${name}”`);
  const part = (base: string, field: string | undefined, labels: Record<string, LocalizedText>, whole: string) => (field ? `${base} · ${l(labels[field]) || field}` : `${base}${whole}`);
  const wholeRow = lang === 'en' ? ' (whole row)' : '（整行）';
  if (path === '') return lang === 'en' ? 'The whole report' : '整个报告';
  const indicator = indicatorPath.exec(path);
  if (indicator) {
    const found = report.indicators.find((i) => i.id === indicator[1]);
    const base = `${lang === 'en' ? 'Indicator' : '指标'}${quote(found?.name ?? indicator[1]!)}`;
    return part(base, indicator[2], indicatorFields, wholeRow);
  }
  const item = evaluationItemPath.exec(path);
  if (item) {
    const found = report.evaluationItems.find((i) => i.id === item[1]);
    const base = `${lang === 'en' ? 'Evaluation item' : '评价项目'}${quote(found?.category ?? item[1]!)}`;
    return part(base, item[2], itemFields, wholeRow);
  }
  const [head, ...rest] = path.split('.');
  switch (head) {
    case 'budget': {
      const base = lang === 'en' ? 'Budget execution' : '预算执行';
      if (rest.length === 0) return base;
      const source = fundingSourceLabels[rest[0] as keyof typeof fundingSourceLabels];
      if (source) return [base, l(source), ...(rest[1] ? [l(budgetFields[rest[1]]) || rest[1]] : [])].join(' · ');
      return `${base} · ${l(budgetFields[rest[0]!]) || rest[0]}`;
    }
    case 'header':
      return rest[0] ? `${lang === 'en' ? 'Header' : '基本信息'} · ${l(headerFields[rest[0]]) || rest[0]}` : lang === 'en' ? 'Header' : '基本信息';
    case 'narrative':
      return rest[0] ? l(narrativeLabels[rest[0] as keyof typeof narrativeLabels]) || rest[0] : lang === 'en' ? 'Narrative' : '文字说明';
    case 'selfTotal':
      return lang === 'en' ? 'Stated total' : '填报总分';
    default: {
      const evidence = /^evidence\[([^\]]+)\]$/.exec(path);
      if (evidence) return `${lang === 'en' ? 'Evidence' : '佐证材料'} ${report.evidence.find((e) => e.id === evidence[1])?.fileName ?? evidence[1]}`;
      if (path === 'evidence') return lang === 'en' ? 'Evidence' : '佐证材料';
      return path;
    }
  }
}
