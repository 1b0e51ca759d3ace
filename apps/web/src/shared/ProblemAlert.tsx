import { Alert } from 'antd';
import { ApiError, NetworkError } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';

/**
 * A refusal of the API as it came: its message (in the interface's language, which the request
 * asked for), each field's message, and the stable code for whoever reports it onwards.
 */
export function ProblemAlert({ error, onClose }: { error: unknown; onClose?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  let title: string;
  let lines: string[] = [];
  let code: string | null = null;
  if (error instanceof ApiError) {
    title = error.message || `HTTP ${error.status}`;
    lines = error.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).filter((line) => line !== title);
    code = `${error.status} ${error.code}`;
  } else if (error instanceof NetworkError) {
    title = t('无法连接服务器，请检查网络后重试', 'Cannot reach the server; check the network and try again');
  } else {
    title = error instanceof Error ? error.message : String(error);
  }
  return (
    <Alert
      type="error"
      showIcon
      closable={!!onClose}
      onClose={onClose}
      style={{ marginBottom: 12 }}
      data-testid="api-refusal"
      data-code={error instanceof ApiError ? error.code : undefined}
      title={title}
      description={
        lines.length > 0 || code ? (
          <>
            {lines.map((line) => (
              <div key={line}>{line}</div>
            ))}
            {code && <div className="jx-mono jx-muted">{code}</div>}
          </>
        ) : undefined
      }
    />
  );
}

/** A refusal as one line (for toasts). */
export function problemText(error: unknown): string {
  if (error instanceof ApiError) return [error.message, ...error.errors.map((e) => e.message)].filter((v, i, all) => v && all.indexOf(v) === i).join('；');
  return error instanceof Error ? error.message : String(error);
}
