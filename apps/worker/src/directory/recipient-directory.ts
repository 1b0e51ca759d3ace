import type { SqlClient } from '#eventstore';
import { organisationKindOfRole, type NotificationChannel, type OrganisationKind, type RecipientSpec, type ResolvedRecipient, type Role } from '#domain';
import type { OrganisationRow, UserRow } from '../../../api/src/auth/directory.projections.js';

/** Who one level up hears of an overdue deadline, by the kind of that organisation. */
export const escalationRoles: Record<OrganisationKind, Role[]> = {
  unit: ['unit_leader'],
  department: ['department_reviewer'],
  finance_bureau: ['performance_officer'],
};

const MAX_DEPTH = 16;

export interface ChannelAvailability {
  email: boolean;
  webhook: boolean;
}

export interface Resolution {
  recipients: ResolvedRecipient[];
  escalation: { toOrganisationId: string | null; userIds: string[] } | null;
}

/**
 * Reads the directory read model (rm_directory_*) and the notification contacts to turn a
 * deadline's recipient spec into users, when a reminder fires: who holds a role then is who is
 * reminded. Stated exception to "no read model decides a write": the decider takes the list as
 * given and records it in ReminderSent.
 */
export class RecipientDirectory {
  constructor(
    private readonly sql: SqlClient,
    private readonly channels: ChannelAvailability,
  ) {}

  async organisationNames(organisationIds: readonly string[]): Promise<Map<string, string>> {
    if (organisationIds.length === 0) return new Map();
    const { rows } = await this.sql.query<{ id: string; name: string }>(`SELECT id, doc->>'name' AS name FROM rm_directory_organisations WHERE id = ANY($1::text[])`, [
      [...new Set(organisationIds)],
    ]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async emails(userIds: readonly string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const { rows } = await this.sql.query<{ id: string; email: string | null }>(`SELECT id, doc->>'email' AS email FROM rm_notification_contacts WHERE id = ANY($1::text[])`, [userIds]);
    return new Map(rows.filter((r) => r.email).map((r) => [r.id, r.email!]));
  }

  async email(userId: string): Promise<string | null> {
    return (await this.emails([userId])).get(userId) ?? null;
  }

  /**
   * The deadline's recipients and, for an escalating reminder, the users one level up: above the
   * organisation where the responsible role sits (the unit for a submission, the department for a
   * department review), or that organisation itself at the root. One entry per user; one query.
   */
  async resolve(spec: RecipientSpec, escalate: boolean): Promise<Resolution> {
    const roles = [...new Set([...spec.roles, ...(escalate ? Object.values(escalationRoles).flat() : [])])];
    const { rows } = await this.sql.query<{ kind: 'organisation' | 'user'; doc: OrganisationRow | UserRow; depth: number | null; email: string | null }>(
      `WITH RECURSIVE up(id, doc, depth) AS (
         SELECT id, doc, 0 FROM rm_directory_organisations WHERE id = $1
         UNION ALL
         SELECT o.id, o.doc, up.depth + 1 FROM rm_directory_organisations o JOIN up ON o.id = up.doc->>'parentId' WHERE up.depth < $2
       )
       SELECT 'organisation' AS kind, doc, depth, NULL AS email FROM up
       UNION ALL
       SELECT 'user', u.doc, NULL, c.doc->>'email' FROM rm_directory_users u LEFT JOIN rm_notification_contacts c ON c.id = u.id
        WHERE u.doc->>'organisationId' IN (SELECT id FROM up) AND u.doc->>'role' = ANY($3::text[]) AND (u.doc->>'active')::boolean`,
      [spec.organisationId, MAX_DEPTH, roles],
    );
    const lineage = rows
      .filter((r) => r.kind === 'organisation')
      .sort((a, b) => a.depth! - b.depth!)
      .map((r) => r.doc as OrganisationRow);
    const users = rows
      .filter((r) => r.kind === 'user')
      .map((r) => ({ user: r.doc as UserRow, email: r.email }))
      .sort((a, b) => (a.user.userId < b.user.userId ? -1 : a.user.userId > b.user.userId ? 1 : 0));
    const scope = spec.scope === 'organisation' ? lineage.slice(0, 1) : lineage;
    const inScope = new Set(scope.map((o) => o.organisationId));
    const responsible = users.filter(({ user }) => inScope.has(user.organisationId) && spec.roles.includes(user.role));
    let escalation: Resolution['escalation'] = null;
    let above: typeof users = [];
    if (escalate) {
      const kinds = new Set(spec.roles.map((role) => organisationKindOfRole[role]));
      const acting = scope.find((o) => kinds.has(o.kind)) ?? scope[0];
      const target = acting ? (lineage.find((o) => o.organisationId === acting.parentId) ?? acting) : undefined;
      if (target) {
        const known = new Set(responsible.map(({ user }) => user.userId));
        above = users.filter(({ user }) => user.organisationId === target.organisationId && escalationRoles[target.kind].includes(user.role) && !known.has(user.userId));
        escalation = { toOrganisationId: target.organisationId, userIds: above.map(({ user }) => user.userId) };
      } else {
        escalation = { toOrganisationId: null, userIds: [] };
      }
    }
    const recipients = [...responsible.map((u) => ({ ...u, reason: 'responsible' as const })), ...above.map((u) => ({ ...u, reason: 'escalation' as const }))].map(
      ({ user, email, reason }): ResolvedRecipient => {
        const channels: NotificationChannel[] = ['in-app'];
        if (this.channels.email && email) channels.push('email');
        if (this.channels.webhook) channels.push('webhook');
        return { userId: user.userId, displayName: user.displayName, organisationId: user.organisationId, role: user.role, reason, channels };
      },
    );
    return { recipients, escalation };
  }
}
