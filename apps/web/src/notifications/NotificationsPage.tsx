import { Alert, Button, Empty, Radio, Space, Spin, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, request } from '../api/client.js';
import type { AppNotification, NotificationPage } from '../api/types.js';
import { Link, setSearch, useLocation } from '../app/router.js';
import { NOTIFICATIONS_CHANGED } from '../app/Shell.js';
import { useI18n } from '../i18n/i18n.js';
import { formatTime } from '../shared/labels.js';
import { ProblemAlert } from '../shared/ProblemAlert.js';

const PAGE_SIZE = 20;

const phaseColors = { before: 'blue', due: 'orange', overdue: 'red' } as const;

/** Where a notification leads: the report of a review stage, the unit's reports for a submission deadline. */
function subjectLink(notification: AppNotification): string | null {
  const subject = notification.subject;
  if (subject.kind === 'review-stage' && subject.reportId) return `/reports/${encodeURIComponent(subject.reportId)}`;
  if (subject.kind === 'submission') return '/reports';
  return null;
}

/** 通知: the user's reminders and escalations, newest first; unread ones marked, read on request. */
export default function NotificationsPage() {
  const { t, lang } = useI18n();
  const { search } = useLocation();
  const unreadOnly = search.get('unread') === 'true';
  const page = Number(search.get('page') ?? '1') || 1;
  const [data, setData] = useState<NotificationPage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const load = useCallback(
    () =>
      api.get<NotificationPage>(`/notifications?page=${page}&pageSize=${PAGE_SIZE}${unreadOnly ? '&unread=true' : ''}`).then(
        (result) => {
          setData(result);
          setError(null);
        },
        setError,
      ),
    [page, unreadOnly],
  );
  useEffect(() => void load(), [load]);

  const markRead = async (notification: AppNotification) => {
    setActionError(null);
    try {
      const { body } = await request<AppNotification>('POST', `/notifications/${encodeURIComponent(notification.notificationId)}/read`);
      // The answer is the notification as read; the list follows the projection on the next load.
      setData((current) => current && { ...current, unread: Math.max(0, current.unread - (notification.read ? 0 : 1)), items: current.items.map((n) => (n.notificationId === body.notificationId ? body : n)) });
      window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
    } catch (e) {
      setActionError(e);
    }
  };

  const unavailable = error instanceof ApiError && error.status === 404 && error.code === 'ROUTE_NOT_FOUND';
  return (
    <div style={{ maxWidth: 880 }}>
      <div className="jx-page-head">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('通知', 'Notifications')}
          {data && data.unread > 0 && (
            <Tag color="red" style={{ marginLeft: 8, verticalAlign: 'middle' }} data-testid="unread-count">
              {t(`${data.unread} 条未读`, `${data.unread} unread`)}
            </Tag>
          )}
        </Typography.Title>
        <Radio.Group
          optionType="button"
          value={unreadOnly ? 'unread' : 'all'}
          onChange={(event) => setSearch({ unread: event.target.value === 'unread' ? 'true' : null })}
          options={[
            { value: 'all', label: t('全部', 'All') },
            { value: 'unread', label: t('未读', 'Unread') },
          ]}
        />
      </div>
      {unavailable ? (
        <Alert type="info" showIcon title={t('通知服务尚未启用', 'Notifications are not available on this server yet')} />
      ) : (
        error !== null && <ProblemAlert error={error} />
      )}
      {actionError !== null && <ProblemAlert error={actionError} onClose={() => setActionError(null)} />}
      {!data && error === null && <Spin style={{ display: 'block', margin: 40 }} />}
      {data && data.items.length === 0 && <Empty description={unreadOnly ? t('没有未读通知', 'No unread notifications') : t('暂无通知', 'No notifications')} />}
      {data && data.items.length > 0 && (
        <ol className="jx-notifications" data-testid="notification-list">
          {data.items.map((n) => {
            const link = subjectLink(n);
            return (
              <li key={n.notificationId} className={n.read ? 'jx-notification' : 'jx-notification jx-unread'} data-testid="notification" data-read={n.read}>
                <Space wrap>
                  <Tag color={n.kind === 'escalation' ? 'volcano' : phaseColors[n.phase]}>
                    {n.kind === 'escalation' ? t('督办', 'Escalation') : n.phase === 'before' ? t('到期提醒', 'Reminder') : n.phase === 'due' ? t('今日到期', 'Due today') : t('已逾期', 'Overdue')}
                  </Tag>
                  <strong>{n.title}</strong>
                  {!n.read && <Tag color="red">{t('未读', 'unread')}</Tag>}
                </Space>
                <div className="jx-notification-body">{n.body}</div>
                <Space className="jx-muted" wrap>
                  <span>{t(`截止日期 ${n.dueDate}`, `Due ${n.dueDate}`)}</span>
                  <span>{formatTime(n.createdAt, lang)}</span>
                  {link && <Link to={link}>{t('前往处理', 'Open')}</Link>}
                  {!n.read && (
                    <Button size="small" onClick={() => void markRead(n)} data-testid="mark-read">
                      {t('标为已读', 'Mark as read')}
                    </Button>
                  )}
                </Space>
              </li>
            );
          })}
        </ol>
      )}
      {data && data.total > PAGE_SIZE && (
        <Space style={{ marginTop: 12 }}>
          <Button disabled={page <= 1} onClick={() => setSearch({ unread: unreadOnly ? 'true' : null, page: page - 1 })}>
            {t('上一页', 'Previous')}
          </Button>
          <span>
            {page} / {Math.ceil(data.total / PAGE_SIZE)}
          </span>
          <Button disabled={page * PAGE_SIZE >= data.total} onClick={() => setSearch({ unread: unreadOnly ? 'true' : null, page: page + 1 })}>
            {t('下一页', 'Next')}
          </Button>
        </Space>
      )}
    </div>
  );
}
