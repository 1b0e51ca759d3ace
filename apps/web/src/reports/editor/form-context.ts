import type { ReportRepresentation } from '../../api/types.js';
import type { Draft, TargetKey } from './edit-session.js';
import type { FieldMark } from './fields.js';

/** What every section of the form is given. `change` is absent when the form is read-only. */
export interface SectionProps {
  rep: ReportRepresentation;
  drafts: Readonly<Record<TargetKey, Draft>>;
  marks: Map<string, FieldMark>;
  change: ((target: TargetKey, field: string, value: unknown) => void) | undefined;
}

export function shown<T>(drafts: Readonly<Record<TargetKey, Draft>>, target: TargetKey, field: string, server: T): T | string | null {
  const draft = drafts[target];
  return draft && field in draft.changes ? (draft.changes[field] as string | null) : server;
}

export function changer(change: SectionProps['change'], target: TargetKey, field: string): ((value: string) => void) | undefined {
  return change && ((value: string) => change(target, field, value));
}
