import type { OnModuleInit } from '@nestjs/common';
import type { SqlClient } from '#eventstore';
import { usernameKey, type OrganisationKind } from '#domain';
import { ensureProjectionSchema } from '#projections';
import { directoryProjections, type OrganisationRow, type UserRow } from './directory.projections.js';
import { OrganisationDirectory } from './principal.js';

/** A user as the guard and the API see them: everything but the password hash. */
export type DirectoryUser = Omit<UserRow, 'passwordHash' | 'usernameKey'>;

export interface OrganisationTreeNode {
  organisationId: string;
  kind: OrganisationKind;
  name: string;
  parentId: string | null;
  children: OrganisationTreeNode[];
}

interface Snapshot {
  version: string;
  checkedAt: number;
  organisations: Map<string, OrganisationRow>;
  children: Map<string, string[]>;
  users: Map<string, DirectoryUser>;
}

export interface DirectoryReadModelOptions {
  /** How old the cached copy may get before a (cheap) freshness check against the tables. */
  revalidateMs?: number;
  /** Now, in milliseconds; tests move it. */
  now?: () => number;
}

const MAX_DEPTH = 16;

/**
 * The organisation tree and the users, read from the directory projections and kept in memory.
 *
 * Freshness: the copy carries a version (max row position and row count of both tables; a row's
 * position moves whenever an event changes it). The copy is rechecked when older than
 * `revalidateMs`, on every miss (an id it does not know may have been registered a moment ago),
 * and reloaded at once by `refresh()`, which the write handlers call after waiting for the
 * projections to reach their append. Another API process sees a change within `revalidateMs`.
 * Built by a factory in AuthModule (it takes options, which Nest cannot inject).
 */
export class DirectoryReadModel extends OrganisationDirectory implements OnModuleInit {
  private snapshot: Snapshot | undefined;
  private pending: Promise<Snapshot> | undefined;
  private readonly revalidateMs: number;
  private readonly now: () => number;

  constructor(
    private readonly sql: SqlClient,
    options: DirectoryReadModelOptions = {},
  ) {
    super();
    this.revalidateMs = options.revalidateMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** The tables exist before the runner first gets to them, so reads never fail on a fresh database. */
  async onModuleInit(): Promise<void> {
    await ensureProjectionSchema(this.sql, directoryProjections);
  }

  // ── OrganisationDirectory ────────────────────────────────────────────────

  async isWithin(organisationId: string, ancestorId: string): Promise<boolean> {
    return (await this.lineage(organisationId)).includes(ancestorId);
  }

  async lineage(organisationId: string): Promise<string[]> {
    const snapshot = await this.lookup((s) => s.organisations.has(organisationId));
    const lineage: string[] = [];
    let current = snapshot.organisations.get(organisationId);
    while (current && lineage.length < MAX_DEPTH && !lineage.includes(current.organisationId)) {
      lineage.push(current.organisationId);
      current = current.parentId === null ? undefined : snapshot.organisations.get(current.parentId);
    }
    return lineage;
  }

  async subtree(organisationId: string): Promise<string[]> {
    const snapshot = await this.lookup((s) => s.organisations.has(organisationId));
    if (!snapshot.organisations.has(organisationId)) return [];
    const ids: string[] = [];
    const queue = [organisationId];
    while (queue.length > 0) {
      const id = queue.shift()!;
      if (ids.includes(id)) continue;
      ids.push(id);
      queue.push(...(snapshot.children.get(id) ?? []));
    }
    return ids;
  }

  // ── more of the directory ────────────────────────────────────────────────

  async organisation(organisationId: string): Promise<OrganisationRow | null> {
    return (await this.lookup((s) => s.organisations.has(organisationId))).organisations.get(organisationId) ?? null;
  }

  /** The organisation and everything below it, children sorted by name. */
  async tree(rootId: string): Promise<OrganisationTreeNode | null> {
    const snapshot = await this.lookup((s) => s.organisations.has(rootId));
    const build = (id: string, depth: number): OrganisationTreeNode | null => {
      const row = snapshot.organisations.get(id);
      if (!row) return null;
      const children =
        depth >= MAX_DEPTH
          ? []
          : (snapshot.children.get(id) ?? [])
              .map((child) => build(child, depth + 1))
              .filter((node): node is OrganisationTreeNode => node !== null)
              .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || a.organisationId.localeCompare(b.organisationId));
      return { organisationId: row.organisationId, kind: row.kind, name: row.name, parentId: row.parentId, children };
    };
    return build(rootId, 0);
  }

  async user(userId: string): Promise<DirectoryUser | null> {
    return (await this.lookup((s) => s.users.has(userId))).users.get(userId) ?? null;
  }

  /** The user with a password hash, straight from the table (login is rare; hashes stay out of the cache). */
  async credentials(username: string): Promise<UserRow | null> {
    const { rows } = await this.sql.query<{ doc: UserRow }>(`SELECT doc FROM rm_directory_users WHERE doc->>'usernameKey' = $1 LIMIT 1`, [usernameKey(username)]);
    return rows[0]?.doc ?? null;
  }

  /** Reloads now (after this process wrote and waited for the projections). */
  async refresh(): Promise<void> {
    await this.load(true);
  }

  // ── cache ────────────────────────────────────────────────────────────────

  /** A copy fresh enough for the question; a miss rechecks the tables before answering "unknown". */
  private async lookup(found: (snapshot: Snapshot) => boolean): Promise<Snapshot> {
    const snapshot = await this.load(false);
    if (found(snapshot)) return snapshot;
    return this.load(true);
  }

  private load(force: boolean): Promise<Snapshot> {
    const current = this.snapshot;
    if (!force && current && this.now() - current.checkedAt < this.revalidateMs) return Promise.resolve(current);
    // One check at a time; callers arriving meanwhile share it.
    this.pending ??= this.revalidate().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async revalidate(): Promise<Snapshot> {
    const { rows } = await this.sql.query<{ version: string }>(
      `SELECT concat_ws(':',
         (SELECT coalesce(max(position), 0) FROM rm_directory_organisations),
         (SELECT count(*) FROM rm_directory_organisations),
         (SELECT coalesce(max(position), 0) FROM rm_directory_users),
         (SELECT count(*) FROM rm_directory_users)) AS version`,
    );
    const version = rows[0]!.version;
    const checkedAt = this.now();
    if (this.snapshot && this.snapshot.version === version) {
      this.snapshot = { ...this.snapshot, checkedAt };
      return this.snapshot;
    }
    const [organisations, users] = await Promise.all([
      this.sql.query<{ doc: OrganisationRow }>('SELECT doc FROM rm_directory_organisations'),
      this.sql.query<{ doc: UserRow }>('SELECT doc FROM rm_directory_users'),
    ]);
    const children = new Map<string, string[]>();
    for (const { doc } of organisations.rows) {
      if (doc.parentId === null) continue;
      children.set(doc.parentId, [...(children.get(doc.parentId) ?? []), doc.organisationId]);
    }
    this.snapshot = {
      version,
      checkedAt,
      organisations: new Map(organisations.rows.map(({ doc }) => [doc.organisationId, doc])),
      children,
      users: new Map(
        users.rows.map(({ doc }) => {
          const { passwordHash: _hash, usernameKey: _key, ...user } = doc;
          return [doc.userId, user];
        }),
      ),
    };
    return this.snapshot;
  }
}
