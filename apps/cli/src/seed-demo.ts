#!/usr/bin/env node
// `npm run seed:demo`: registers the demo region (示范市) and one user of every role, idempotently.
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from '#config';
import { PostgresEventStore, type EventStore } from '#eventstore';
import { organisationKindLabels, roleLabels, type Actor, type OrganisationKind, type Role } from '#domain';
import { openStores, SystemClock, type Clock } from '#platform';
import { DirectoryWriter } from '../../api/src/auth/directory-writer.js';
import { PasswordHasher } from '../../api/src/auth/password-hasher.js';

export const DEMO_REGION_ID = 'demo-finance-bureau';

/** The bootstrap administrator that founds the region: it acts as the region's own admin. */
export const demoSeedActor: Actor = { userId: 'seed-demo', role: 'admin', organisationId: DEMO_REGION_ID };

interface DemoOrganisation {
  organisationId: string;
  kind: OrganisationKind;
  name: string;
  parentId: string | null;
}

export const demoOrganisations = {
  bureau: { organisationId: DEMO_REGION_ID, kind: 'finance_bureau', name: '示范市财政局', parentId: null },
  health: { organisationId: 'demo-dept-health', kind: 'department', name: '示范市卫生健康委员会', parentId: DEMO_REGION_ID },
  medicalSecurity: { organisationId: 'demo-dept-medical-security', kind: 'department', name: '示范市医疗保障局', parentId: DEMO_REGION_ID },
  hospital: { organisationId: 'demo-unit-people-hospital', kind: 'unit', name: '示范市人民医院', parentId: 'demo-dept-health' },
  cdc: { organisationId: 'demo-unit-cdc', kind: 'unit', name: '示范市疾病预防控制中心', parentId: 'demo-dept-health' },
  insuranceCentre: { organisationId: 'demo-unit-insurance-centre', kind: 'unit', name: '示范市医疗保险服务中心', parentId: 'demo-dept-medical-security' },
  securityInformation: { organisationId: 'demo-unit-security-information', kind: 'unit', name: '示范市医疗保障信息中心', parentId: 'demo-dept-medical-security' },
} as const satisfies Record<string, DemoOrganisation>;

export type DemoOrganisationKey = keyof typeof demoOrganisations;

export interface DemoUser {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  organisationId: string;
  /** Documented demo password: `demo-<role>-2026`. Never use the demo region outside a demo. */
  password: string;
}

const demoPassword = (role: Role) => `demo-${role}-2026`;

function demoUser(userId: string, username: string, displayName: string, role: Role, organisation: DemoOrganisationKey): DemoUser {
  return { userId, username, displayName, role, organisationId: demoOrganisations[organisation].organisationId, password: demoPassword(role) };
}

export const demoUsers: readonly DemoUser[] = [
  demoUser('demo-user-filler', 'demo.filler', '张填报', 'unit_filler', 'hospital'),
  demoUser('demo-user-leader', 'demo.leader', '李院长', 'unit_leader', 'hospital'),
  // In another unit of another department: the "other organisation" of the access tests.
  demoUser('demo-user-filler-2', 'demo.filler2', '赵填报', 'unit_filler', 'insuranceCentre'),
  demoUser('demo-user-dept-health', 'demo.reviewer.health', '王审核', 'department_reviewer', 'health'),
  demoUser('demo-user-dept-medical-security', 'demo.reviewer.medsec', '陈审核', 'department_reviewer', 'medicalSecurity'),
  demoUser('demo-user-finance', 'demo.finance', '刘科长', 'finance_reviewer', 'bureau'),
  demoUser('demo-user-performance', 'demo.performance', '周绩效', 'performance_officer', 'bureau'),
  demoUser('demo-user-auditor', 'demo.auditor', '吴审计', 'auditor', 'bureau'),
  demoUser('demo-user-admin', 'demo.admin', '郑管理', 'admin', 'bureau'),
];

export interface SeedResult {
  regionId: string;
  organisations: Record<DemoOrganisationKey, string>;
  users: readonly DemoUser[];
  /** What this run appended; both zero when the region was already there. */
  created: { organisations: number; users: number };
}

export interface SeedOptions {
  hasher?: PasswordHasher;
}

/**
 * Registers the demo region through the same deciders as the API. Anything that already exists is
 * left exactly as it is (even if renamed since), so a second run appends nothing.
 */
export async function seedDemoRegion(eventStore: EventStore, clock: Clock, options: SeedOptions = {}): Promise<SeedResult> {
  const writer = new DirectoryWriter(eventStore, clock, options.hasher ?? new PasswordHasher());
  const created = { organisations: 0, users: 0 };
  for (const organisation of Object.values(demoOrganisations)) {
    if ((await writer.loadOrganisation(organisation.organisationId)).state.status !== 'none') continue;
    const { position } = await writer.registerOrganisation(organisation, demoSeedActor);
    if (position !== null) created.organisations++;
  }
  for (const user of demoUsers) {
    if ((await writer.loadUser(user.userId)).state.status !== 'none') continue;
    const { position } = await writer.registerUser(user, demoSeedActor);
    if (position !== null) created.users++;
  }
  const organisations = Object.fromEntries(Object.entries(demoOrganisations).map(([key, o]) => [key, o.organisationId])) as Record<DemoOrganisationKey, string>;
  return { regionId: DEMO_REGION_ID, organisations, users: demoUsers, created };
}

/** Display width: CJK characters take two columns in a terminal. */
function width(value: string): number {
  let columns = 0;
  for (const char of value) columns += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(char) ? 2 : 1;
  return columns;
}

export function formatSeedResult(result: SeedResult): string {
  const names = new Map<string, string>(Object.values(demoOrganisations).map((o) => [o.organisationId, `${o.name}（${organisationKindLabels[o.kind]['zh-CN']}）`]));
  const header = ['用户名 username', '密码 password', '角色 role', '组织 organisation'];
  const rows = result.users.map((u) => [u.username, u.password, `${u.role} ${roleLabels[u.role]['zh-CN']}`, names.get(u.organisationId) ?? u.organisationId]);
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join('  ').trimEnd();
  const summary =
    result.created.organisations + result.created.users === 0
      ? `示范地区已存在，未做任何修改 / the demo region was already there; nothing changed`
      : `已登记 ${result.created.organisations} 个组织、${result.created.users} 个用户 / registered ${result.created.organisations} organisations and ${result.created.users} users`;
  return [summary, '', line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ''].join('\n');
}

async function main(): Promise<void> {
  const config = loadConfig();
  const { eventStore, readStore } = await openStores(config);
  try {
    process.stdout.write(formatSeedResult(await seedDemoRegion(eventStore, new SystemClock())));
  } finally {
    const shared = eventStore instanceof PostgresEventStore && eventStore.sql === readStore;
    await eventStore.close();
    if (!shared) await readStore.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `seed:demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
