import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PgliteSqlClient, PostgresEventStore, type SqlClient } from '#eventstore';
import { Clock } from '#platform';
import { ProjectionRunner } from '#projections';
import { demoOrganisations as o, demoSeedActor, demoUsers, seedDemoRegion } from '../../../cli/src/seed-demo.js';
import { AccessPolicy } from './access-policy.js';
import { DirectoryReadModel } from './directory-read-model.js';
import { DirectoryWriter } from './directory-writer.js';
import { directoryProjections } from './directory.projections.js';
import { PasswordHasher } from './password-hasher.js';
import type { Principal } from './principal.js';
import { waitForPosition } from './wait-for-position.js';

class ManualClock extends Clock {
  constructor(private current = new Date('2026-03-01T08:00:00.000Z')) {
    super();
  }
  now(): Date {
    return new Date(this.current);
  }
}

const id = (key: keyof typeof o) => o[key].organisationId;
const principalOf = (username: string): Principal => {
  const user = demoUsers.find((u) => u.username === username)!;
  return { userId: user.userId, role: user.role, organisationId: user.organisationId, displayName: user.displayName };
};

describe('organisation directory over the seeded demo region (PGlite, real projections)', () => {
  let sql: SqlClient;
  let store: PostgresEventStore;
  let runner: ProjectionRunner;
  let directory: DirectoryReadModel;
  let policy: AccessPolicy;
  const clock = new ManualClock();
  const hasher = new PasswordHasher({ ln: 12, r: 8, p: 1 });

  beforeAll(async () => {
    sql = await PgliteSqlClient.open(undefined);
    store = await PostgresEventStore.create(sql);
    await seedDemoRegion(store, clock, { hasher });
    runner = new ProjectionRunner(store, sql, directoryProjections, { idleMs: 10 });
    await runner.catchUp();
    directory = new DirectoryReadModel(sql, { revalidateMs: 60_000 });
    await directory.onModuleInit();
    policy = new AccessPolicy(directory);
  });
  afterAll(async () => {
    await runner.stop();
    await store.close();
  });

  it('gives the lineage nearest first, and nothing for an unknown organisation', async () => {
    expect(await directory.lineage(id('hospital'))).toEqual([id('hospital'), id('health'), id('bureau')]);
    expect(await directory.lineage(id('health'))).toEqual([id('health'), id('bureau')]);
    expect(await directory.lineage(id('bureau'))).toEqual([id('bureau')]);
    expect(await directory.lineage('no-such-organisation')).toEqual([]);
  });

  it('answers isWithin for self, ancestors, siblings and strangers', async () => {
    expect(await directory.isWithin(id('hospital'), id('hospital'))).toBe(true);
    expect(await directory.isWithin(id('hospital'), id('health'))).toBe(true);
    expect(await directory.isWithin(id('hospital'), id('bureau'))).toBe(true);
    expect(await directory.isWithin(id('hospital'), id('medicalSecurity'))).toBe(false);
    expect(await directory.isWithin(id('hospital'), id('cdc'))).toBe(false);
    expect(await directory.isWithin(id('health'), id('hospital'))).toBe(false);
    expect(await directory.isWithin('no-such-organisation', id('bureau'))).toBe(false);
  });

  it('lists a subtree: the region, a department with its units, a unit alone', async () => {
    expect((await directory.subtree(id('bureau'))).sort()).toEqual(Object.values(o).map((x) => x.organisationId).sort());
    expect((await directory.subtree(id('health'))).sort()).toEqual([id('cdc'), id('health'), id('hospital')].sort());
    expect(await directory.subtree(id('insuranceCentre'))).toEqual([id('insuranceCentre')]);
    expect(await directory.subtree('no-such-organisation')).toEqual([]);
  });

  it('builds the tree with names and kinds', async () => {
    const tree = await directory.tree(id('bureau'));
    expect(tree).toMatchObject({ organisationId: id('bureau'), kind: 'finance_bureau', name: '示范市财政局' });
    expect(tree!.children.map((c) => [c.name, c.children.length])).toEqual(
      expect.arrayContaining([
        ['示范市卫生健康委员会', 2],
        ['示范市医疗保障局', 2],
      ]),
    );
  });

  it('holds every demo user, active, without the password hash in the cache', async () => {
    for (const user of demoUsers) {
      expect(await directory.user(user.userId)).toMatchObject({ userId: user.userId, username: user.username, role: user.role, organisationId: user.organisationId, active: true });
    }
    expect(await directory.user('demo-user-filler')).not.toHaveProperty('passwordHash');
    const credentials = await directory.credentials('DEMO.Filler');
    expect(credentials?.userId).toBe('demo-user-filler');
    expect(await hasher.verify('demo-unit_filler-2026', credentials!.passwordHash)).toBe(true);
  });

  describe('AccessPolicy', () => {
    it('lets the auditor and the admin see the whole region', async () => {
      for (const username of ['demo.auditor', 'demo.admin']) {
        const principal = principalOf(username);
        expect(await policy.scopeRoot(principal)).toBe(id('bureau'));
        expect((await policy.visibleOrganisations(principal)).length).toBe(7);
        expect(await policy.canSee(principal, id('securityInformation'))).toBe(true);
      }
    });

    it('keeps a department reviewer to the units of their own department', async () => {
      const reviewer = principalOf('demo.reviewer.health');
      expect((await policy.visibleOrganisations(reviewer)).sort()).toEqual([id('cdc'), id('health'), id('hospital')].sort());
      expect(await policy.canSee(reviewer, id('hospital'))).toBe(true);
      expect(await policy.canSee(reviewer, id('insuranceCentre'))).toBe(false);
      expect(await policy.canSee(reviewer, id('bureau'))).toBe(false);
      const other = principalOf('demo.reviewer.medsec');
      expect(await policy.canSee(other, id('insuranceCentre'))).toBe(true);
      expect(await policy.canSee(other, id('hospital'))).toBe(false);
    });

    it('keeps a filler to their own unit', async () => {
      const filler = principalOf('demo.filler');
      expect(await policy.visibleOrganisations(filler)).toEqual([id('hospital')]);
      expect(await policy.canSee(filler, id('hospital'))).toBe(true);
      expect(await policy.canSee(filler, id('cdc'))).toBe(false);
      expect(await policy.canSee(filler, id('insuranceCentre'))).toBe(false);
      expect(await policy.canSee(principalOf('demo.filler2'), id('hospital'))).toBe(false);
    });

    it('scopes the finance bureau roles to the bureau subtree, which is the region', async () => {
      expect((await policy.visibleOrganisations(principalOf('demo.finance'))).length).toBe(7);
      expect((await policy.visibleOrganisations(principalOf('demo.performance'))).length).toBe(7);
    });
  });

  describe('read-your-writes', () => {
    it('sees an organisation registered a moment ago, once the handler has waited for the projection position', async () => {
      runner.start();
      try {
        const writer = new DirectoryWriter(store, clock, hasher, {
          afterAppend: async (position) => {
            expect(await waitForPosition(sql, directoryProjections.map((p) => p.name), position, { timeoutMs: 5000 })).toBe(true);
            await directory.refresh();
          },
        });
        // The cached copy is fresh for a minute, so only the refresh after waiting can make this visible.
        expect(await directory.lineage(id('hospital'))).toHaveLength(3);
        await writer.registerOrganisation({ organisationId: 'demo-unit-new', kind: 'unit', name: '示范市新设单位', parentId: id('health') }, demoSeedActor);
        expect(await directory.lineage('demo-unit-new')).toEqual(['demo-unit-new', id('health'), id('bureau')]);
        expect(await directory.subtree(id('health'))).toContain('demo-unit-new');
        expect(await policy.canSee(principalOf('demo.reviewer.health'), 'demo-unit-new')).toBe(true);
      } finally {
        await runner.stop();
      }
    });

    it('rechecks the tables on a miss, so another process’s write is not hidden by the cache', async () => {
      const writer = new DirectoryWriter(store, clock, hasher);
      await writer.registerOrganisation({ organisationId: 'demo-unit-elsewhere', kind: 'unit', name: '另一进程登记的单位', parentId: id('medicalSecurity') }, demoSeedActor);
      await runner.catchUp();
      expect(await directory.lineage('demo-unit-elsewhere')).toEqual(['demo-unit-elsewhere', id('medicalSecurity'), id('bureau')]);
    });

    it('times out, answering false, when no runner moves the checkpoint', async () => {
      const head = await store.headPosition();
      expect(await waitForPosition(sql, ['directory_users'], head + 1000n, { timeoutMs: 50 })).toBe(false);
      expect(await waitForPosition(sql, ['directory_users', 'directory_organisations'], head, { timeoutMs: 50 })).toBe(true);
    });
  });
});
