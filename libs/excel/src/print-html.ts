import { Dec, fundingSourceLabels, gradeLabels, level1Labels, level2Labels, subFundingSources, type FundingSource, type ReportDocument } from '#domain';
import { formTitles, headerLabels, headers, narrativeLabels, qualitativeCellText, signatureLine, statusLabels } from './form-layout.js';
import { computeScores, type ExportableReport } from './report-scores.js';

// The report as a printable page in the layout of its form: A4, ruled tables, signature and seal
// lines. The same page is what the PDF is printed from. Every value is escaped; the page loads
// nothing (no script, no external style or font), which the HTTP layer enforces with a CSP.

const escapeHtml = (value: string | number | null | undefined): string =>
  value === null || value === undefined ? '' : String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const paragraphs = (value: string | null) => escapeHtml(value).replace(/\r?\n/g, '<br>');

const money = (value: string | null | undefined) => (value === null || value === undefined ? '' : formatMoney(value));

/** 1234567.8 → "1,234,567.80", on the decimal string itself (no floating point). */
function formatMoney(value: string): string {
  const [whole = '0', fraction = ''] = value.split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${(fraction + '00').slice(0, 2)}`;
}

const rate = (value: string | null | undefined) => (value === null || value === undefined ? '' : `${value}%`);

const styles = `
@page { size: A4 portrait; margin: 15mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", serif; font-size: 10.5pt; color: #000; margin: 0; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 2mm; letter-spacing: 1pt; }
.year { text-align: center; margin: 0 0 4mm; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 0; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 0.75pt solid #000; padding: 1.2mm 1.5mm; vertical-align: middle; word-wrap: break-word; overflow-wrap: anywhere; }
th { font-weight: bold; text-align: center; background: #f2f2f2; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.c { text-align: center; }
td.label { font-weight: bold; text-align: center; width: 18%; }
.computed { color: #333; }
.sign { margin-top: 10mm; display: grid; grid-template-columns: repeat(4, 1fr); gap: 4mm; }
.sign div { border-bottom: 0.75pt solid #000; padding-bottom: 8mm; }
.seal { margin-top: 8mm; text-align: right; padding-right: 20mm; }
.note { font-size: 8.5pt; color: #333; margin-top: 3mm; }
@media screen { body { max-width: 210mm; margin: 10mm auto; } }
`;

/** A complete HTML page (UTF-8) for one report. */
export function renderPrintHtml(report: ExportableReport): string {
  const doc: ReportDocument = report.document;
  const scores = computeScores(doc);
  const view = scores?.view ?? null;
  const executionWeight = scores?.executionWeight ?? '10';
  const indicatorWeight = doc.indicators.reduce((sum, i) => sum.plus(i.weight), new Dec(0)).toFixed();
  const computedIndicator = new Map((view?.indicators ?? []).map((i) => [i.indicatorId, i.score]));
  const computedItem = new Map((view?.evaluationItems ?? []).map((i) => [i.itemId, i.score]));
  const out: string[] = [];
  out.push(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(`${doc.header.unit} ${formTitles[doc.kind]}`)}</title><style>${styles}</style></head><body>`);
  out.push(`<h1>${formTitles[doc.kind]}</h1><p class="year">（${doc.header.year}年度）</p>`);

  out.push('<table><colgroup><col style="width:18%"><col style="width:32%"><col style="width:18%"><col style="width:32%"></colgroup>');
  out.push(`<tr><td class="label">${headerLabels.unit}</td><td>${escapeHtml(doc.header.unit)}</td><td class="label">${headerLabels.year}</td><td>${doc.header.year}</td></tr>`);
  out.push(`<tr><td class="label">${headerLabels.competentDepartment}</td><td>${escapeHtml(doc.header.competentDepartment)}</td><td class="label">${headerLabels.implementingUnit}</td><td>${escapeHtml(doc.header.implementingUnit)}</td></tr>`);
  if (doc.kind === 'project' || doc.header.projectName || doc.header.projectCode) {
    out.push(`<tr><td class="label">${headerLabels.projectName}</td><td>${escapeHtml(doc.header.projectName)}</td><td class="label">${headerLabels.projectCode}</td><td>${escapeHtml(doc.header.projectCode)}</td></tr>`);
  }
  for (const field of ['goal', 'achievement', 'implementation'] as const) {
    out.push(`<tr><td class="label">${narrativeLabels[field]}</td><td colspan="3">${paragraphs(doc.narrative[field])}</td></tr>`);
  }
  out.push('</table>');

  // Budget execution.
  out.push('<table><colgroup><col style="width:10%"><col style="width:14%"><col><col><col><col style="width:9%"><col style="width:6%"><col style="width:6%"><col style="width:8%"><col style="width:14%"></colgroup>');
  const sources: FundingSource[] = ['total', ...subFundingSources];
  out.push(`<tr><th rowspan="${sources.length + 1}">${headers.budgetSection(executionWeight)}</th><th>${headers.budgetLabel}</th><th>${headers.initial}</th><th>${headers.adjusted}</th><th>${headers.executed}</th><th>${headers.statedRate}</th><th>${headers.weight}</th><th>${headers.selfScore}</th><th>${headers.computedScore}</th><th>${headers.reason}</th></tr>`);
  for (const source of sources) {
    const row = doc.budget[source];
    const label = source === 'fiscal' ? `其中：${fundingSourceLabels.fiscal['zh-CN']}` : fundingSourceLabels[source]['zh-CN'];
    const scoring =
      source === 'total'
        ? `<td class="num">${executionWeight}</td><td class="num">${escapeHtml(doc.budget.selfScore)}</td><td class="num computed">${escapeHtml(view?.execution.score)}</td><td>${paragraphs(doc.budget.explanation)}</td>`
        : '<td class="c">/</td><td class="c">/</td><td class="c">/</td><td></td>';
    out.push(`<tr><td>${label}</td><td class="num">${money(row?.initial)}</td><td class="num">${money(row?.adjusted)}</td><td class="num">${money(row?.executed)}</td><td class="num">${rate(row?.statedRate)}</td>${scoring}</tr>`);
  }
  out.push('</table>');

  // Indicators.
  out.push('<table><colgroup><col style="width:6%"><col style="width:8%"><col style="width:8%"><col style="width:17%"><col style="width:6%"><col style="width:9%"><col style="width:6%"><col style="width:9%"><col style="width:5%"><col style="width:5%"><col style="width:7%"><col style="width:14%"></colgroup>');
  out.push(`<tr><th rowspan="${doc.indicators.length + 1}">${headers.indicatorSection(indicatorWeight)}</th><th>${headers.level1}</th><th>${headers.level2}</th><th>${headers.name}</th><th>${headers.comparator}</th><th>${headers.target}</th><th>${headers.unit}</th><th>${headers.actual}</th><th>${headers.weight}</th><th>${headers.selfScore}</th><th>${headers.computedScore}</th><th>${headers.explanation}</th></tr>`);
  doc.indicators.forEach((indicator, index) => {
    const previous = doc.indicators[index - 1];
    const cells: string[] = [];
    if (!previous || previous.level1 !== indicator.level1) {
      const span = doc.indicators.slice(index).findIndex((i) => i.level1 !== indicator.level1);
      cells.push(`<td class="c" rowspan="${span === -1 ? doc.indicators.length - index : span}">${level1Labels[indicator.level1]['zh-CN']}</td>`);
    }
    if (!previous || previous.level1 !== indicator.level1 || previous.level2 !== indicator.level2) {
      const span = doc.indicators.slice(index).findIndex((i) => i.level1 !== indicator.level1 || i.level2 !== indicator.level2);
      cells.push(`<td class="c" rowspan="${span === -1 ? doc.indicators.length - index : span}">${level2Labels[indicator.level2]['zh-CN']}</td>`);
    }
    const comparator = indicator.comparator === '定性' ? qualitativeCellText(indicator.qualitativeBand) : indicator.comparator;
    cells.push(
      `<td>${escapeHtml(indicator.name)}</td><td class="c">${escapeHtml(comparator)}</td><td>${escapeHtml(indicator.target)}</td><td class="c">${escapeHtml(indicator.unit)}</td><td>${escapeHtml(indicator.actual)}</td>`,
      `<td class="num">${escapeHtml(indicator.weight)}</td><td class="num">${escapeHtml(indicator.selfScore)}</td><td class="num computed">${escapeHtml(computedIndicator.get(indicator.id))}</td><td>${paragraphs(indicator.explanation)}</td>`,
    );
    out.push(`<tr>${cells.join('')}</tr>`);
  });
  out.push('</table>');

  if (doc.evaluationItems.length > 0) {
    out.push('<table><colgroup><col style="width:10%"><col style="width:14%"><col><col style="width:7%"><col style="width:7%"><col style="width:9%"></colgroup>');
    out.push(`<tr><th rowspan="${doc.evaluationItems.length + 1}">${headers.itemSection}</th><th>${headers.category}</th><th>${headers.justification}</th><th>${headers.maximum}</th><th>${headers.selfScore}</th><th>${headers.computedScore}</th></tr>`);
    for (const item of doc.evaluationItems) {
      out.push(`<tr><td class="c">${escapeHtml(item.category)}</td><td>${paragraphs(item.justification)}</td><td class="num">${escapeHtml(item.maximum)}</td><td class="num">${escapeHtml(item.score)}</td><td class="num computed">${escapeHtml(computedItem.get(item.id))}</td></tr>`);
    }
    out.push('</table>');
  }

  out.push('<table><colgroup><col style="width:40%"><col><col><col><col></colgroup>');
  out.push(`<tr><th></th><th>${headers.weight}</th><th>自评${headers.selfScore}</th><th>${headers.computedScore}</th><th>核查得分</th></tr>`);
  out.push(`<tr><td class="label">${headers.total}</td><td class="num">${escapeHtml(view?.maximum)}</td><td class="num">${escapeHtml(doc.selfTotal)}</td><td class="num computed">${escapeHtml(view?.total)}</td><td class="num">${escapeHtml(report.reviewerTotal)}</td></tr>`);
  const grade = view?.grade ?? null;
  out.push(`<tr><td class="label">${headers.grade}（系统计算）</td><td colspan="4">${grade ? `${grade}（${gradeLabels[grade].en}）` : '—（部分项目需人工评分，暂不评级）'}</td></tr>`);
  out.push('</table>');

  out.push('<table><colgroup><col style="width:18%"><col></colgroup>');
  for (const field of ['conclusion', 'problems', 'improvements'] as const) {
    out.push(`<tr><td class="label">${narrativeLabels[field]}</td><td>${paragraphs(doc.narrative[field])}</td></tr>`);
  }
  for (const evidence of doc.evidence) {
    out.push(`<tr><td class="label">${headers.evidence}</td><td>${escapeHtml([evidence.fileName, evidence.description, `SHA-256 ${evidence.sha256}`].filter(Boolean).join(' · '))}</td></tr>`);
  }
  out.push('</table>');

  out.push(`<div class="sign">${signatureLine.slice(0, 4).map((line) => `<div>${line}</div>`).join('')}</div>`);
  out.push(`<div class="seal">${signatureLine[4]}</div>`);
  const status = report.status === null ? '' : `状态：${statusLabels[report.status] ?? report.status}　`;
  const revision = report.revision === null ? '' : `修订号：${report.revision}　`;
  out.push(`<p class="note">${escapeHtml(status)}${escapeHtml(revision)}“系统计算得分”按评分规则“${escapeHtml(doc.profileId)}”计算，供审核参考。</p>`);
  out.push('</body></html>');
  return out.join('\n');
}
