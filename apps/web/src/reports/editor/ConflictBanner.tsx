import { Alert, Button, Space } from 'antd';
import { sessionStore } from '../../api/client.js';
import { useI18n } from '../../i18n/i18n.js';
import { eventTypeLabels, formatTime, roleLabels } from '../../shared/labels.js';
import type { Conflict } from './edit-session.js';

interface Props {
  conflict: Conflict;
  pending: number;
  onReapply(): void;
  onDiscard(): void;
}

/** A 412: someone else saved first. Says who and when, and keeps what this user typed. */
export function ConflictBanner({ conflict, pending, onReapply, onDiscard }: Props) {
  const { t, l, lang } = useI18n();
  const me = sessionStore.get()?.user.userId;
  const who = conflict.by ? (conflict.by.userId === me ? t('您本人（在另一个窗口或设备上）', 'you (in another window or device)') : `${l(roleLabels[conflict.by.role])} ${conflict.by.userId}`) : t('他人', 'someone else');
  const when = conflict.at ? formatTime(conflict.at, lang) : '';
  const what = conflict.type && eventTypeLabels[conflict.type] ? `（${l(eventTypeLabels[conflict.type])}）` : '';
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="conflict-banner"
      style={{ marginBottom: 12 }}
      title={
        lang === 'en'
          ? `This report was changed by ${who}${when ? ` at ${when}` : ''}${what}; please reload.`
          : `此报告已被${who}${when ? `于${when}` : ''}修改${what}，请刷新。`
      }
      description={
        <Space orientation="vertical">
          <span>
            {t(`您尚未保存的 ${pending} 项修改仍保留在本页，没有丢失。刷新后可在最新版本上重新应用。`, `Your ${pending} unsaved change(s) are kept on this page; nothing is lost. Reload to reapply them on the latest version.`)}
            {conflict.currentRevision !== null && ` ${t('当前修订号', 'Current revision')}: ${conflict.currentRevision}`}
          </span>
          <Space>
            <Button type="primary" onClick={onReapply} data-testid="conflict-reapply">
              {t('刷新并重新应用我的修改', 'Reload and reapply my changes')}
            </Button>
            <Button danger onClick={onDiscard}>
              {t('放弃我的修改并刷新', 'Discard my changes and reload')}
            </Button>
          </Space>
        </Space>
      }
    />
  );
}
