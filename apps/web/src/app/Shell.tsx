import { Badge, Button, Layout, Menu, Space, Tag, Typography } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { api, sessionStore } from '../api/client.js';
import type { NotificationPage } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { roleLabels } from '../shared/labels.js';
import { LanguageToggle } from './LanguageToggle.js';
import { href, navigate } from './router.js';
import { routes } from './routes.js';

/** Pages that change what is unread (marking one read) say so with this event. */
export const NOTIFICATIONS_CHANGED = 'jx-notifications-changed';

/** How many notifications the user has not read, refreshed on every page change; null when unknown. */
function useUnreadCount(path: string): number | null {
  const [unread, setUnread] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    const refresh = () =>
      api.get<NotificationPage>('/notifications?unread=true&pageSize=1').then(
        (page) => live && setUnread(page.unread),
        () => live && setUnread(null),
      );
    void refresh();
    window.addEventListener(NOTIFICATIONS_CHANGED, refresh);
    return () => {
      live = false;
      window.removeEventListener(NOTIFICATIONS_CHANGED, refresh);
    };
  }, [path]);
  return unread;
}

/** The frame around every page: the role's navigation, the user, the language switch. */
export function Shell({ path, children }: { path: string; children: ReactNode }) {
  const { t, l } = useI18n();
  const user = sessionStore.get()!.user;
  const unread = useUnreadCount(path);
  const items = routes
    .filter((route) => route.menu && (route.roles === 'all' || route.roles.includes(user.role)))
    .map((route) => {
      const label = typeof route.menu!.label === 'function' ? route.menu!.label(user.role) : route.menu!.label;
      const text = route.pattern === '/notifications' && unread ? (
        <Badge count={unread} size="small" offset={[8, -2]} data-testid="unread-badge">
          <span style={{ color: 'inherit' }}>{l(label)}</span>
        </Badge>
      ) : (
        l(label)
      );
      return { key: route.pattern, label: <a href={href(route.pattern)} onClick={(e) => (e.preventDefault(), navigate(route.pattern))}>{text}</a> };
    });
  const selected = items.filter((item) => path === item.key || path.startsWith(`${item.key}/`)).map((item) => item.key);
  return (
    <Layout className="jx-shell">
      <Layout.Header className="jx-header">
        <Typography.Text strong className="jx-brand">
          {t('绩效自评工作台', 'Jixiao workbench')}
        </Typography.Text>
        <Menu theme="dark" mode="horizontal" selectedKeys={selected} items={items} style={{ flex: 1, minWidth: 0 }} data-testid="nav" />
        <Space>
          <LanguageToggle />
          <span className="jx-user" data-testid="current-user">
            {user.displayName} <Tag>{l(roleLabels[user.role])}</Tag>
          </span>
          <Button
            size="small"
            onClick={() => {
              api.logout();
              navigate('/login', { replace: true });
            }}
            data-testid="logout"
          >
            {t('退出', 'Log out')}
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content className="jx-content">{children}</Layout.Content>
    </Layout>
  );
}
