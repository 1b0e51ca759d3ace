import { Modal } from 'antd';
import { useState, type ReactNode } from 'react';
import { ApiError } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';
import { ProblemAlert } from '../shared/ProblemAlert.js';

interface Props {
  title: ReactNode;
  okText: string;
  danger?: boolean;
  /** False keeps the OK button disabled (a required field is empty). */
  ready?: boolean;
  /** Sends the action; a refusal stays in the dialog, plainly, unless it is a 412 (the page explains those). */
  onSubmit(): Promise<void>;
  onClose(): void;
  onStale(error: ApiError): void;
  children: ReactNode;
  testId: string;
}

/** A review action's dialog: what will be sent, then the API's answer (a refusal is shown as it came). */
export function ActionDialog({ title, okText, danger, ready = true, onSubmit, onClose, onStale, children, testId }: Props) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await onSubmit();
      onClose();
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        onStale(e);
        onClose();
      } else setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={okText}
      cancelText={t('取消', 'Cancel')}
      confirmLoading={busy}
      okButtonProps={{ danger: !!danger, disabled: !ready, 'data-testid': `${testId}-ok` }}
      destroyOnHidden
    >
      <div data-testid={testId}>
        {error !== null && <ProblemAlert error={error} onClose={() => setError(null)} />}
        {children}
      </div>
    </Modal>
  );
}
