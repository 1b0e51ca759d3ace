import type { LocalizedText } from '../shared/i18n.js';
import { fieldLabels } from './field-labels.js';

export interface FieldChange {
  /** Path in the report document, as checks and refusals name fields: `indicators[k03].actual`. */
  path: string;
  kind: 'added' | 'removed' | 'changed' | 'reordered';
  /** Human-readable name of the field: 指标“公费医疗” · 实际完成值. */
  label: LocalizedText;
  before: unknown;
  after: unknown;
}

type Json = unknown;

const isRecord = (value: Json): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);
const hasIds = (list: Json[]): list is Array<Record<string, Json> & { id: string }> =>
  list.every((entry) => isRecord(entry) && typeof entry.id === 'string');

function labelOf(key: string): LocalizedText {
  return fieldLabels[key] ?? { 'zh-CN': key, en: key };
}

function join(parent: LocalizedText | null, child: LocalizedText): LocalizedText {
  if (parent === null) return child;
  return { 'zh-CN': `${parent['zh-CN']} · ${child['zh-CN']}`, en: `${parent.en} · ${child.en}` };
}

/** An entry of a list is named by its name or category where it has one: 指标“公费医疗”. */
function entryLabel(listKey: string, entry: Record<string, Json>): LocalizedText {
  const list = labelOf(listKey);
  const title = entry.name ?? entry.category ?? entry.fileName ?? entry.id;
  return { 'zh-CN': `${list['zh-CN']}“${String(title)}”`, en: `${list.en} “${String(title)}”` };
}

function same(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function walk(before: Json, after: Json, path: string, key: string, label: LocalizedText | null, out: FieldChange[]): void {
  if (same(before, after)) return;
  if (Array.isArray(before) && Array.isArray(after) && hasIds(before) && hasIds(after)) {
    const beforeById = new Map(before.map((entry) => [entry.id, entry]));
    const afterById = new Map(after.map((entry) => [entry.id, entry]));
    for (const entry of before) {
      if (!afterById.has(entry.id)) out.push({ path: `${path}[${entry.id}]`, kind: 'removed', label: entryLabel(key, entry), before: entry, after: null });
    }
    for (const entry of after) {
      const previous = beforeById.get(entry.id);
      if (previous === undefined) out.push({ path: `${path}[${entry.id}]`, kind: 'added', label: entryLabel(key, entry), before: null, after: entry });
      else walk(previous, entry, `${path}[${entry.id}]`, key, entryLabel(key, entry), out);
    }
    const keptBefore = before.map((e) => e.id).filter((id) => afterById.has(id));
    const keptAfter = after.map((e) => e.id).filter((id) => beforeById.has(id));
    if (!same(keptBefore, keptAfter)) out.push({ path, kind: 'reordered', label: labelOf(key), before: keptBefore, after: keptAfter });
    return;
  }
  if (isRecord(before) && isRecord(after)) {
    for (const child of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const childPath = path === '' ? child : `${path}.${child}`;
      // The view wraps the document in `report`, which is no field a reader would name.
      const childLabel = child === 'report' ? label : join(label, labelOf(child));
      walk(before[child] ?? null, after[child] ?? null, childPath, child, childLabel, out);
    }
    return;
  }
  const kind = before === null || before === undefined ? 'added' : after === null || after === undefined ? 'removed' : 'changed';
  out.push({ path, kind, label: label ?? labelOf(key), before: before ?? null, after: after ?? null });
}

/**
 * Field-level differences between two versions of a report document (or any JSON of its shape):
 * lists of entries with ids are matched by id, so an edited indicator is one change, not a shift.
 */
export function diffDocuments(before: Json, after: Json): FieldChange[] {
  const out: FieldChange[] = [];
  walk(before ?? null, after ?? null, '', '', null, out);
  return out;
}
