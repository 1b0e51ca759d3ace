import type { ReportRepresentation } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';
import { BudgetSection } from './BudgetSection.js';
import type { Draft, TargetKey } from './edit-session.js';
import { EvaluationSection } from './EvaluationSection.js';
import { EvidenceSection, type EvidenceInput } from './EvidenceSection.js';
import type { FieldMark } from './fields.js';
import { HeaderSection } from './HeaderSection.js';
import { IndicatorTable } from './IndicatorTable.js';
import { NarrativeSection } from './NarrativeSection.js';

export interface FormActions {
  addIndicator(): void;
  removeIndicator(indicatorId: string): void;
  addItem(): void;
  removeItem(itemId: string): void;
  attachEvidence(evidence: EvidenceInput): Promise<unknown>;
  detachEvidence(evidenceId: string): void;
}

interface Props {
  rep: ReportRepresentation;
  drafts?: Readonly<Record<TargetKey, Draft>>;
  marks: Map<string, FieldMark>;
  /** Absent: the form is read-only (a reviewer, a submitted report, a past revision). */
  change?: ((target: TargetKey, field: string, value: unknown) => void) | undefined;
  actions?: FormActions | undefined;
}

const noDrafts: Readonly<Record<TargetKey, Draft>> = {};

/** The report laid out like the standard self-evaluation form (自评表), section by section. */
export function ReportForm({ rep, drafts = noDrafts, marks, change, actions }: Props) {
  const { t } = useI18n();
  const section = { rep, drafts, marks, change };
  return (
    <div className="jx-form" data-testid="report-form">
      <HeaderSection {...section} />
      <BudgetSection {...section} />
      <NarrativeSection {...section} fields={['goal', 'achievement']} title={t('年度总体目标完成情况', 'Annual goal and achievement')} />
      <IndicatorTable {...section} onAdd={actions?.addIndicator} onRemove={actions?.removeIndicator} />
      <EvaluationSection {...section} onAdd={actions?.addItem} onRemove={actions?.removeItem} />
      <NarrativeSection {...section} fields={['implementation', 'conclusion', 'problems', 'improvements']} title={t('五、评价结论与问题', '5. Conclusion and problems')} lazy />
      <EvidenceSection {...section} onAttach={actions?.attachEvidence} onDetach={actions?.detachEvidence} />
    </div>
  );
}
