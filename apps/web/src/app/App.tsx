import { Result, Spin } from 'antd';
import { Suspense, useEffect, useSyncExternalStore } from 'react';
import { sessionStore } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, match, navigate, useLocation } from './router.js';
import { homeOf, LoginPage, routes } from './routes.js';
import { Shell } from './Shell.js';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

const loading = <Spin style={{ display: 'block', margin: 80 }} />;

export function App() {
  const { t } = useI18n();
  const { path } = useLocation();
  const session = useSyncExternalStore(sessionStore.subscribe, sessionStore.get);

  if (path === '/login') {
    if (session) return <Redirect to={homeOf(session.user.role)} />;
    return <Suspense fallback={loading}>{<LoginPage />}</Suspense>;
  }
  if (!session) return <Redirect to={`/login?next=${encodeURIComponent(path)}`} />;
  if (path === '/') return <Redirect to={homeOf(session.user.role)} />;

  for (const route of routes) {
    const params = match(route.pattern, path);
    if (!params) continue;
    const Page = route.page;
    const allowed = route.roles === 'all' || route.roles.includes(session.user.role);
    return (
      <Shell path={path}>
        {allowed ? (
          <Suspense fallback={loading}>
            <Page key={path} {...params} />
          </Suspense>
        ) : (
          <Result status="403" title={t('您的角色无权访问此页面', 'Your role may not open this page')} extra={<Link to="/">{t('返回首页', 'Home')}</Link>} />
        )}
      </Shell>
    );
  }
  return (
    <Shell path={path}>
      <Result status="404" title={t('没有这个页面', 'No such page')} extra={<Link to="/">{t('返回首页', 'Home')}</Link>} />
    </Shell>
  );
}
