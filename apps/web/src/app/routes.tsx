import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Role } from '../api/types.js';
import type { LocalizedText } from '../i18n/i18n.js';

/**
 * Every page of the workbench. Each is its own chunk (route-level code splitting); `menu` puts
 * it in the navigation of the roles that may open it.
 */
export interface RouteDef {
  pattern: string;
  page: LazyExoticComponent<ComponentType<Record<string, string>>>;
  roles: readonly Role[] | 'all';
  menu?: { label: LocalizedText | ((role: Role) => LocalizedText); roles?: readonly Role[] };
}

const text = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en });
const page = <P,>(load: () => Promise<{ default: ComponentType<P> }>) => lazy(load) as unknown as RouteDef['page'];

/** The roles that act at review stages: their inbox is where they start. */
export const reviewerRoles: readonly Role[] = ['unit_leader', 'department_reviewer', 'finance_reviewer', 'performance_officer'];
/** Who follows campaigns (apps/api/src/campaigns/campaign-access.ts), and who runs them. */
export const campaignReaders: readonly Role[] = ['performance_officer', 'admin', 'finance_reviewer', 'department_reviewer', 'auditor'];
export const campaignManagers: readonly Role[] = ['performance_officer', 'admin'];

export const routes: RouteDef[] = [
  {
    pattern: '/inbox',
    page: page(() => import('../inbox/InboxPage.js')),
    roles: reviewerRoles,
    menu: { label: text('待办审核', 'Review inbox') },
  },
  {
    pattern: '/reports',
    page: page(() => import('../reports/list/ReportListPage.js')),
    roles: 'all',
    menu: { label: (role) => (role === 'unit_filler' ? text('我的报告', 'My reports') : text('报告查阅', 'Reports')) },
  },
  { pattern: '/reports/:reportId', page: page(() => import('../reports/ReportPage.js')), roles: 'all' },
  { pattern: '/reports/:reportId/history', page: page(() => import('../audit/ReportAuditPage.js')), roles: 'all' },
  {
    pattern: '/campaigns',
    page: page(() => import('../campaigns/CampaignListPage.js')),
    roles: campaignReaders,
    menu: { label: text('评价任务', 'Campaigns') },
  },
  { pattern: '/campaigns/:campaignId', page: page(() => import('../campaigns/CampaignPage.js')), roles: campaignReaders },
  {
    pattern: '/notifications',
    page: page(() => import('../notifications/NotificationsPage.js')),
    roles: 'all',
    menu: { label: text('通知', 'Notifications') },
  },
  {
    pattern: '/audit',
    page: page(() => import('../audit/TrailExportPage.js')),
    roles: ['auditor', 'admin'],
    menu: { label: text('审计导出', 'Audit export') },
  },
];

export const LoginPage = lazy(() => import('../auth/LoginPage.js'));

/** Where each role lands after logging in: reviewers at what waits for them, everyone else at the reports. */
export function homeOf(role: Role): string {
  return reviewerRoles.includes(role) ? '/inbox' : '/reports';
}
