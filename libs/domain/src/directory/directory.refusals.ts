import type { Actor } from '../shared/actor.js';
import { DomainError } from '../shared/domain-error.js';
import { text } from '../shared/i18n.js';

export const refuse = (code: string, path: string, zh: string, en: string, details?: Record<string, unknown>): never => {
  throw DomainError.of(code, path, text(zh, en), details);
};

/** Organisations and users are managed by administrators only. */
export function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') {
    refuse('ROLE_NOT_ALLOWED', '', '只有系统管理员可以管理组织和用户', 'only an administrator may manage organisations and users', { role: actor.role });
  }
}

/** An administrator acts inside the region of their own finance bureau. */
export function requireSameRegion(regionId: string, actorRegionId: string | null, code: string, path: string): void {
  if (regionId !== actorRegionId) {
    refuse(code, path, '只能管理本地区（本财政局之下）的组织和用户', 'an administrator may manage only the organisations and users of their own region', {
      regionId,
    });
  }
}
