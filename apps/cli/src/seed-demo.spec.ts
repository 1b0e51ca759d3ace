import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { organisationKindOfRole, roles } from '#domain';
import { PgliteSqlClient, PostgresEventStore } from '#eventstore';
import { Clock } from '#platform';
import { PasswordHasher, verifyPassword } from '../../api/src/auth/password-hasher.js';
import { DEMO_REGION_ID, demoOrganisations, demoUsers, formatSeedResult, seedDemoRegion, type SeedResult } from './seed-demo.js';

class ManualClock extends Clock {
  constructor(private current: Date) {
    super();
  }
  now(): Date {
    return new Date(this.current);
  }
}

describe('seed:demo', () => {
  let store: PostgresEventStore;
  let first: SeedResult;
  const hasher = new PasswordHasher({ ln: 12, r: 8, p: 1 });

  beforeAll(async () => {
    store = await PostgresEventStore.create(await PgliteSqlClient.open(undefined));
    first = await seedDemoRegion(store, new ManualClock(new Date('2026-03-01T08:00:00.000Z')), { hasher });
  });
  afterAll(async () => {
    await store.close();
  });

  it('registers the region, two departments with two units each, and a user of every role', async () => {
    expect(first.created).toEqual({ organisations: 7, users: 9 });
    expect(first.regionId).toBe(DEMO_REGION_ID);
    expect(new Set(first.users.map((u) => u.role))).toEqual(new Set(roles));
    const kinds = Object.values(demoOrganisations).map((o) => o.kind);
    expect([kinds.filter((k) => k === 'finance_bureau').length, kinds.filter((k) => k === 'department').length, kinds.filter((k) => k === 'unit').length]).toEqual([1, 2, 4]);
    for (const user of first.users) {
      const organisation = Object.values(demoOrganisations).find((o) => o.organisationId === user.organisationId)!;
      expect([user.username, organisation.kind]).toEqual([user.username, organisationKindOfRole[user.role]]);
      expect(user.password).toBe(`demo-${user.role}-2026`);
    }
    // The second filler sits in another unit of another department.
    const fillers = first.users.filter((u) => u.role === 'unit_filler').map((u) => Object.values(demoOrganisations).find((o) => o.organisationId === u.organisationId)!);
    expect(fillers.map((f) => f.parentId)).toEqual(['demo-dept-health', 'demo-dept-medical-security']);
  });

  it('stores each user with a scrypt hash of the documented password, in streams whose hash chains verify', async () => {
    for (const user of demoUsers) {
      const [registered] = await store.readStream(`user-${user.userId}`);
      expect(registered?.type).toBe('UserRegistered');
      const data = registered!.data as { passwordHash: string; username: string };
      expect(data.username).toBe(user.username);
      expect(await verifyPassword(user.password, data.passwordHash)).toBe(true);
      expect(JSON.stringify({ data: registered!.data, metadata: registered!.metadata })).not.toContain(user.password);
      expect(await store.verifyStream(`user-${user.userId}`)).toMatchObject({ ok: true });
      expect((await store.readStream(`username-${user.username.toLowerCase()}`))[0]).toMatchObject({ type: 'UsernameReserved', data: { userId: user.userId } });
    }
  });

  it('changes nothing when run again', async () => {
    const head = await store.headPosition();
    const again = await seedDemoRegion(store, new ManualClock(new Date('2026-03-02T08:00:00.000Z')), { hasher });
    expect(again.created).toEqual({ organisations: 0, users: 0 });
    expect(again.organisations).toEqual(first.organisations);
    expect(await store.headPosition()).toBe(head);
  });

  it('prints every user with the password as a table', () => {
    const table = formatSeedResult(first);
    for (const user of demoUsers) expect(table).toContain(user.username);
    expect(table).toContain('demo-unit_filler-2026');
    expect(table).toContain('示范市人民医院（预算单位）');
    expect(table.split('\n')[0]).toContain('registered 7 organisations and 9 users');
    expect(formatSeedResult({ ...first, created: { organisations: 0, users: 0 } }).split('\n')[0]).toContain('nothing changed');
  });
});
