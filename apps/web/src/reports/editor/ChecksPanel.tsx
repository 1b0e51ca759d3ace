import { Empty, Tag } from 'antd';
import type { Check } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';
import { severityLabels } from '../../shared/labels.js';
import { focusPath } from './marks.js';

const colors = { error: 'red', warning: 'orange', info: 'blue' } as const;

/** 审核提示: every check of the current revision; a click brings its field into view. */
export function ChecksPanel({ checks }: { checks: readonly Check[] }) {
  const { t, l } = useI18n();
  if (checks.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('没有审核提示', 'No findings')} />;
  return (
    <ol className="jx-checks" data-testid="checks">
      {checks.map((check, index) => (
        <li key={`${check.code}-${check.path}-${index}`}>
          <button type="button" className="jx-check" data-testid="check-item" data-code={check.code} data-path-target={check.path} onClick={() => focusPath(check.path)}>
            <Tag color={colors[check.severity]}>{l(severityLabels[check.severity])}</Tag>
            <span>{l(check.message)}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}
