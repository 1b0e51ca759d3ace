import { text, type Role } from '#domain';
import type { Principal } from './principal.js';
import { httpProblem } from './auth-problems.js';

/** Checked before the body, so a caller without the role learns nothing from validation errors. */
export function requireRole(principal: Principal, ...roles: Role[]): void {
  if (!roles.includes(principal.role)) {
    throw httpProblem(403, 'ROLE_NOT_ALLOWED', text('当前角色无权执行此操作', 'your role may not do this'));
  }
}

export function requireAdmin(principal: Principal): void {
  requireRole(principal, 'admin');
}
