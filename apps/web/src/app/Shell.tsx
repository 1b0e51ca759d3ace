import { Button, Layout, Menu, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { api, sessionStore } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';
import { roleLabels } from '../shared/labels.js';
import { LanguageToggle } from './LanguageToggle.js';
import { href, navigate } from './router.js';
import { routes } from './routes.js';

/** The frame around every page: the role's navigation, the user, the language switch. */
export function Shell({ path, children }: { path: string; children: ReactNode }) {
  const { t, l } = useI18n();
  const user = sessionStore.get()!.user;
  const items = routes
    .filter((route) => route.menu && (route.roles === 'all' || route.roles.includes(user.role)))
    .map((route) => {
      const label = typeof route.menu!.label === 'function' ? route.menu!.label(user.role) : route.menu!.label;
      return { key: route.pattern, label: <a href={href(route.pattern)} onClick={(e) => (e.preventDefault(), navigate(route.pattern))}>{l(label)}</a> };
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
