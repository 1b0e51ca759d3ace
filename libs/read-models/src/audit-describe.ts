import { describeReviewEvent } from './audit-describe-review.js';
import {
  budgetColumnLabels,
  Dec,
  fieldLabels,
  fundingSourceLabels,
  gradeLabels,
  level1Labels,
  level2Labels,
  organisationKindLabels,
  qualitativeBandLabels,
  roleLabels,
  text,
  type DirectoryEvent,
  type LocalizedText,
  type ReportAggregate,
  type ReportEvent,
  type ReportEventOf,
} from '#domain';

/** One line of the audit trail for one event: what happened, in both languages, and why. */
export interface AuditDescription {
  summary: LocalizedText;
  /** The reason or opinion the actor gave, verbatim. */
  reason: string | null;
}

// ── formatting ─────────────────────────────────────────────────────────────

const MAX_VALUE_CHARS = 40;

function clip(value: string): string {
  if (value.length <= MAX_VALUE_CHARS) return value;
  const chars = [...value];
  return chars.length <= MAX_VALUE_CHARS ? value : `${chars.slice(0, MAX_VALUE_CHARS).join('')}…`;
}

type Shown = string | LocalizedText | null;

function shown(value: Shown, locale: 'zh-CN' | 'en'): string {
  if (value === null || value === '') return locale === 'zh-CN' ? '（空）' : '(empty)';
  return clip(typeof value === 'string' ? value.replace(/\s+/g, ' ') : value[locale]);
}

const lower = (label: LocalizedText) => label.en.charAt(0).toLowerCase() + label.en.slice(1);
const label = (key: string): LocalizedText => fieldLabels[key] ?? text(key, key);

interface Change {
  label: LocalizedText;
  before: Shown;
  after: Shown;
}

const arrow = (c: Change, locale: 'zh-CN' | 'en') => `${shown(c.before, locale)} → ${shown(c.after, locale)}`;

/** 修改指标“公费医疗”的实际完成值：470 → 474 / changed the actual of indicator “公费医疗”: 470 → 474 */
function changed(subject: LocalizedText, changes: readonly Change[]): LocalizedText {
  if (changes.length === 0) return text(`修改${subject['zh-CN']}（无实际变化）`, `changed ${subject.en} (no actual change)`);
  if (changes.length === 1) {
    const [c] = changes as [Change];
    return text(`修改${subject['zh-CN']}的${c.label['zh-CN']}：${arrow(c, 'zh-CN')}`, `changed the ${lower(c.label)} of ${subject.en}: ${arrow(c, 'en')}`);
  }
  return text(
    `修改${subject['zh-CN']}：${changes.map((c) => `${c.label['zh-CN']} ${arrow(c, 'zh-CN')}`).join('；')}`,
    `changed ${subject.en}: ${changes.map((c) => `${lower(c.label)} ${arrow(c, 'en')}`).join('; ')}`,
  );
}

/** 填写预算执行“资金总额”：年初预算数 5184.00；… */
function filled(verb: LocalizedText, subject: LocalizedText, values: ReadonlyArray<{ label: LocalizedText; value: Shown }>): LocalizedText {
  const present = values.filter((v) => v.value !== null && v.value !== '');
  if (present.length === 0) return text(`${verb['zh-CN']}${subject['zh-CN']}`, `${verb.en} ${subject.en}`);
  return text(
    `${verb['zh-CN']}${subject['zh-CN']}：${present.map((v) => `${v.label['zh-CN']} ${shown(v.value, 'zh-CN')}`).join('；')}`,
    `${verb.en} ${subject.en}: ${present.map((v) => `${lower(v.label)} ${shown(v.value, 'en')}`).join('; ')}`,
  );
}

const quoted = (zhKind: string, enKind: string, name: string) => text(`${zhKind}“${clip(name)}”`, `${enKind} “${clip(name)}”`);

// Decimal fields compare by value: "5" and "5.00" are the same weight.
function sameDecimal(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return new Dec(a).equals(b);
}

const decimalText = (value: Dec | null): string | null => (value === null ? null : value.toFixed());
const amountText = (value: Dec | null): string | null => (value === null ? null : value.toFixed(2));

/** Characters as a reader counts them (code points, not UTF-16 units). */
function characters(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

// ── report events ──────────────────────────────────────────────────────────

const kindTexts = {
  department: text('部门整体支出绩效自评', 'department-wide spending self-evaluation'),
  project: text('项目支出绩效自评', 'project spending self-evaluation'),
} as const;

const indicatorDecimalFields = new Set(['weight', 'selfScore']);

function indicatorValue(field: string, value: unknown): Shown {
  if (value === null || value === undefined) return null;
  if (field === 'level1') return level1Labels[value as keyof typeof level1Labels] ?? String(value);
  if (field === 'level2') return level2Labels[value as keyof typeof level2Labels] ?? String(value);
  if (field === 'qualitativeBand') return qualitativeBandLabels[value as keyof typeof qualitativeBandLabels] ?? String(value);
  return String(value);
}

function describeIndicatorUpdated(before: ReportAggregate, event: ReportEventOf<'IndicatorUpdated'>): LocalizedText {
  const { indicatorId, changes } = event.data;
  const indicator = before.content.indicators.find((i) => i.id === indicatorId);
  const subject = quoted('指标', 'indicator', indicator?.name ?? indicatorId);
  const list: Change[] = [];
  for (const [field, next] of Object.entries(changes) as Array<[string, string | null]>) {
    const previous = indicator ? (indicator as unknown as Record<string, unknown>)[field] : null;
    const previousText = previous instanceof Dec ? previous.toFixed() : ((previous as string | null | undefined) ?? null);
    const same = indicatorDecimalFields.has(field) ? sameDecimal(previousText, next) : previousText === next;
    if (!same) list.push({ label: label(field), before: indicatorValue(field, previousText), after: indicatorValue(field, next) });
  }
  return changed(subject, list);
}

function describeBudgetRowSet(before: ReportAggregate, event: ReportEventOf<'BudgetRowSet'>): LocalizedText {
  const { source, row } = event.data;
  const subject = text(`预算执行“${fundingSourceLabels[source]['zh-CN']}”`, `the ${fundingSourceLabels[source].en} budget row`);
  const previous = before.content.budget.rows[source];
  const columns = [
    { key: 'initial', label: budgetColumnLabels.initial, before: amountText(previous?.initial ?? null), after: row.initial },
    { key: 'adjusted', label: budgetColumnLabels.adjusted, before: amountText(previous?.adjusted ?? null), after: row.adjusted },
    { key: 'executed', label: budgetColumnLabels.executed, before: amountText(previous?.executed ?? null), after: row.executed },
    { key: 'statedRate', label: label('statedRate'), before: decimalText(previous?.statedRate ?? null), after: row.statedRate },
  ];
  if (columns.every((c) => c.after === null)) return text(`清除${subject['zh-CN']}`, `cleared ${subject.en}`);
  if (!previous) return filled(text('填写', 'filled in'), subject, columns.map((c) => ({ label: c.label, value: c.after })));
  return changed(
    subject,
    columns.filter((c) => !sameDecimal(c.before, c.after)).map((c) => ({ label: c.label, before: c.before, after: c.after })),
  );
}

function describeEvaluationItemSet(before: ReportAggregate, event: ReportEventOf<'EvaluationItemSet'>): LocalizedText {
  const { itemId, item } = event.data;
  const previous = before.content.evaluationItems.find((i) => i.id === itemId);
  if (!previous) {
    return filled(text('新增', 'added'), quoted('评价项目', 'evaluation item', item.category), [
      { label: label('maximum'), value: item.maximum },
      { label: label('score'), value: item.score },
    ]);
  }
  const list: Change[] = [];
  if (previous.category !== item.category) list.push({ label: label('category'), before: previous.category, after: item.category });
  if (!sameDecimal(decimalText(previous.maximum), item.maximum)) list.push({ label: label('maximum'), before: decimalText(previous.maximum), after: item.maximum });
  if (!sameDecimal(decimalText(previous.score), item.score)) list.push({ label: label('score'), before: decimalText(previous.score), after: item.score });
  if (previous.justification !== item.justification) list.push({ label: label('justification'), before: previous.justification, after: item.justification });
  return changed(quoted('评价项目', 'evaluation item', previous.category), list);
}

function describeNarrativeSet(before: ReportAggregate, event: ReportEventOf<'NarrativeSet'>): LocalizedText {
  const { field, text: value } = event.data;
  const name = label(field);
  const previous = before.content.narrative[field];
  if (value === null || value.trim() === '') return text(`清空${name['zh-CN']}`, `cleared the ${lower(name)}`);
  const n = characters(value);
  return previous === null || previous.trim() === ''
    ? text(`填写${name['zh-CN']}（${n}字）`, `wrote the ${lower(name)} (${n} characters)`)
    : text(`修改${name['zh-CN']}（${n}字）`, `rewrote the ${lower(name)} (${n} characters)`);
}

/**
 * What a report event did, from the report as it stood before it (null before ReportCreated).
 * Values are shown as the user typed them, clipped to a short line.
 */
export function describeReportEvent(before: ReportAggregate | null, event: ReportEvent): AuditDescription {
  if (event.type === 'ReportCreated') {
    const { header, kind } = event.data;
    const project = header.projectName ? `“${clip(header.projectName)}”` : '';
    return {
      summary: text(
        `创建报告：${header.unit} ${header.year}年度${kindTexts[kind]['zh-CN']}${project}`,
        `created the report: ${header.unit}, ${header.year} ${kindTexts[kind].en}${project ? ` ${project}` : ''}`,
      ),
      reason: null,
    };
  }
  if (before === null) throw new Error(`${event.type} before ReportCreated`);
  const c = before.content;
  const only = (summary: LocalizedText, reason: string | null = null): AuditDescription => ({ summary, reason });
  switch (event.type) {
    case 'HeaderUpdated': {
      const list = (Object.entries(event.data.changes) as Array<[keyof typeof c.header, string | number | null]>)
        .filter(([field, next]) => c.header[field] !== next)
        .map(([field, next]) => ({
          label: label(field),
          before: c.header[field] === null ? null : String(c.header[field]),
          after: next === null ? null : String(next),
        }));
      return only(changed(text('基本信息', 'the header'), list));
    }
    case 'BudgetRowSet':
      return only(describeBudgetRowSet(before, event));
    case 'BudgetAssessmentUpdated': {
      const { selfScore, explanation } = event.data.changes;
      const list: Change[] = [];
      if (selfScore !== undefined && !sameDecimal(decimalText(c.budget.selfScore), selfScore)) {
        list.push({ label: label('selfScore'), before: decimalText(c.budget.selfScore), after: selfScore });
      }
      if (explanation !== undefined && explanation !== c.budget.explanation) {
        list.push({ label: text('原因说明', 'explanation'), before: c.budget.explanation, after: explanation });
      }
      return only(changed(text('预算执行自评', 'the budget execution assessment'), list));
    }
    case 'IndicatorAdded': {
      const { indicator } = event.data;
      return only(
        text(
          `新增指标“${clip(indicator.name)}”（${level1Labels[indicator.level1]['zh-CN']} · ${level2Labels[indicator.level2]['zh-CN']}，分值 ${indicator.weight}）`,
          `added indicator “${clip(indicator.name)}” (${level1Labels[indicator.level1].en} · ${level2Labels[indicator.level2].en}, weight ${indicator.weight})`,
        ),
      );
    }
    case 'IndicatorUpdated':
      return only(describeIndicatorUpdated(before, event));
    case 'IndicatorRemoved': {
      const name = c.indicators.find((i) => i.id === event.data.indicatorId)?.name ?? event.data.indicatorId;
      return only(text(`删除指标“${clip(name)}”`, `removed indicator “${clip(name)}”`));
    }
    case 'IndicatorsReordered':
      return only(text('调整指标顺序', 'reordered the indicators'));
    case 'EvaluationItemSet':
      return only(describeEvaluationItemSet(before, event));
    case 'EvaluationItemRemoved': {
      const name = c.evaluationItems.find((i) => i.id === event.data.itemId)?.category ?? event.data.itemId;
      return only(text(`删除评价项目“${clip(name)}”`, `removed evaluation item “${clip(name)}”`));
    }
    case 'NarrativeSet':
      return only(describeNarrativeSet(before, event));
    case 'SelfTotalSet': {
      const previous = decimalText(c.selfTotal);
      const change = { label: label('selfTotal'), before: previous, after: event.data.value };
      return only(text(`修改${change.label['zh-CN']}：${arrow(change, 'zh-CN')}`, `changed the ${lower(change.label)}: ${arrow(change, 'en')}`));
    }
    case 'EvidenceAttached': {
      const { evidence } = event.data;
      const indicator = evidence.indicatorId === null ? undefined : c.indicators.find((i) => i.id === evidence.indicatorId);
      return only(
        text(
          `上传佐证材料“${clip(evidence.fileName)}”${indicator ? `（指标“${clip(indicator.name)}”）` : ''}`,
          `attached evidence “${clip(evidence.fileName)}”${indicator ? ` (indicator “${clip(indicator.name)}”)` : ''}`,
        ),
      );
    }
    case 'EvidenceDetached': {
      const name = c.evidence.find((e) => e.id === event.data.evidenceId)?.fileName ?? event.data.evidenceId;
      return only(text(`删除佐证材料“${clip(name)}”`, `detached evidence “${clip(name)}”`));
    }
    case 'ReportSubmitted': {
      const { total, grade } = event.data.score;
      return only(
        text(`提交报告（总分 ${total}${grade ? `，等级 ${grade}` : ''}）`, `submitted the report (total ${total}${grade ? `, grade ${gradeLabels[grade].en}` : ''})`),
      );
    }
    case 'ReportWithdrawn':
      return only(text('撤回提交', 'withdrew the submission'), event.data.reason);
    case 'ReviewStageEntered':
    case 'ReviewApproved':
    case 'ReportReturned':
    case 'ReviewerScoreSet':
    case 'ReportApproved':
    case 'ReportPublished':
    case 'ReportReopened':
      return describeReviewEvent(before, event);
    default: {
      const unknown: never = event;
      throw new Error(`unhandled report event ${(unknown as ReportEvent).type}`);
    }
  }
}

// ── directory events ───────────────────────────────────────────────────────

/** What the trail knows of an organisation or user stream before the event: its name. */
export interface DirectoryContext {
  name: string | null;
}

export function describeDirectoryEvent(before: DirectoryContext | null, event: DirectoryEvent): AuditDescription {
  const only = (summary: LocalizedText, reason: string | null = null): AuditDescription => ({ summary, reason });
  switch (event.type) {
    case 'OrganisationRegistered': {
      const kind = organisationKindLabels[event.data.kind];
      return only(text(`登记组织“${clip(event.data.name)}”（${kind['zh-CN']}）`, `registered the organisation “${clip(event.data.name)}” (${kind.en})`));
    }
    case 'OrganisationRenamed': {
      const previous = before?.name ?? event.data.organisationId;
      return only(text(`组织“${clip(previous)}”更名为“${clip(event.data.name)}”`, `renamed the organisation “${clip(previous)}” to “${clip(event.data.name)}”`));
    }
    case 'UserRegistered': {
      const role = roleLabels[event.data.role];
      return only(
        text(
          `登记用户“${clip(event.data.displayName)}”（${event.data.username}，${role['zh-CN']}）`,
          `registered the user “${clip(event.data.displayName)}” (${event.data.username}, ${role.en})`,
        ),
      );
    }
    case 'UserPasswordChanged': {
      const name = before?.name ?? event.data.userId;
      return only(text(`修改用户“${clip(name)}”的密码`, `changed the password of “${clip(name)}”`));
    }
    case 'UserDeactivated': {
      const name = before?.name ?? event.data.userId;
      return only(text(`停用用户“${clip(name)}”`, `deactivated the user “${clip(name)}”`), event.data.reason);
    }
    case 'UsernameReserved':
      return only(text(`保留用户名“${event.data.username}”`, `reserved the username “${event.data.username}”`));
    default: {
      const unknown: never = event;
      throw new Error(`unhandled directory event ${(unknown as DirectoryEvent).type}`);
    }
  }
}

/** An event of a type this trail does not know yet: named by its type, with any reason it carries. */
export function describeOtherEvent(type: string, data: unknown): AuditDescription {
  const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const reason = ['reason', 'opinion', 'comment'].map((key) => record[key]).find((value): value is string => typeof value === 'string') ?? null;
  return { summary: text(`事件 ${type}`, `event ${type}`), reason };
}
