import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Role } from '../api/types.js';
import type { LocalizedText } from '../i18n/i18n.js';

/**
 * Every page of the workbench. Each is its own chunk (route-level code splitting); `menu` puts
 * it in the navigation of the roles that may open it. The review workflow's pages (reviewer
 * inbox, review page, campaign dashboard, notification inbox) join this table once their API
 * exists.
 */
export interface RouteDef {
  pattern: string;
  page: LazyExoticComponent<ComponentType<Record<string, string>>>;
  roles: readonly Role[] | 'all';
  menu?: { label: LocalizedText | ((role: Role) => LocalizedText); roles?: readonly Role[] };
}

const text = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en });
const page = <P,>(load: () => Promise<{ default: ComponentType<P> }>) => lazy(load) as unknown as RouteDef['page'];

export const routes: RouteDef[] = [
  {
    pattern: '/reports',
    page: page(() => import('../reports/list/ReportListPage.js')),
    roles: 'all',
    menu: { label: (role) => (role === 'unit_filler' ? text('我的报告', 'My reports') : text('报告查阅', 'Reports')) },
  },
  { pattern: '/reports/:reportId', page: page(() => import('../reports/editor/ReportEditorPage.js')), roles: 'all' },
  { pattern: '/reports/:reportId/history', page: page(() => import('../audit/ReportAuditPage.js')), roles: 'all' },
  {
    pattern: '/audit',
    page: page(() => import('../audit/TrailExportPage.js')),
    roles: ['auditor', 'admin'],
    menu: { label: text('审计导出', 'Audit export') },
  },
];

export const LoginPage = lazy(() => import('../auth/LoginPage.js'));

/** Where each role lands after logging in. */
export function homeOf(_role: Role): string {
  return '/reports';
}
