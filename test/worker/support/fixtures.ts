import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '#eventstore';
import type { OrganisationKind, Role } from '#domain';

const admin = (regionId: string) => ({ userId: 'fixture-admin', role: 'admin', organisationId: regionId });

export function rawEvent(type: string, data: Record<string, unknown>, at: string, actor = { userId: 'fixture', role: 'admin', organisationId: 'fixture' }, schemaVersion = 1): NewEvent {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: { actor, correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: at, schemaVersion },
  };
}

export interface FixtureOrganisation {
  organisationId: string;
  kind: OrganisationKind;
  name: string;
  parentId: string | null;
}

export interface FixtureUser {
  userId: string;
  displayName: string;
  role: Role;
  organisationId: string;
  email?: string;
}

/** Registers organisations, users and their e-mail addresses as events, the way the API and the inbox would. */
export async function appendDirectory(store: EventStore, regionId: string, organisations: readonly FixtureOrganisation[], users: readonly FixtureUser[], at = '2026-01-05T00:00:00.000Z'): Promise<void> {
  const by = admin(regionId);
  for (const o of organisations) {
    await store.append(`organisation-${o.organisationId}`, [rawEvent('OrganisationRegistered', { at, by, ...o, regionId }, at, by)], 'any');
  }
  for (const u of users) {
    const { email, ...user } = u;
    await store.append(
      `user-${u.userId}`,
      [rawEvent('UserRegistered', { at, by, ...user, username: u.userId, regionId, passwordHash: 'fixture-hash-not-a-real-one' }, at, by)],
      'any',
    );
    if (email) await store.append(`notification-contact-${u.userId}`, [rawEvent('NotificationContactSet', { at, by: { userId: u.userId, role: u.role, organisationId: u.organisationId }, userId: u.userId, email }, at)], 'any');
  }
}

/** A region: bureau → departments → units, a filler and a leader per unit, a reviewer per department, a performance officer. */
export function region(id: string, departments: number, unitsPerDepartment: number) {
  const organisations: FixtureOrganisation[] = [{ organisationId: `${id}-bureau`, kind: 'finance_bureau', name: `${id}财政局`, parentId: null }];
  const users: FixtureUser[] = [{ userId: `${id}-perf`, displayName: '周绩效', role: 'performance_officer', organisationId: `${id}-bureau`, email: `${id}-perf@example.org` }];
  const units: string[] = [];
  for (let d = 1; d <= departments; d++) {
    const dept = `${id}-dept${d}`;
    organisations.push({ organisationId: dept, kind: 'department', name: `第${d}主管部门`, parentId: `${id}-bureau` });
    users.push({ userId: `${dept}-reviewer`, displayName: `审核${d}`, role: 'department_reviewer', organisationId: dept, email: `${dept}-reviewer@example.org` });
    for (let u = 1; u <= unitsPerDepartment; u++) {
      const unit = `${dept}-unit${u}`;
      units.push(unit);
      organisations.push({ organisationId: unit, kind: 'unit', name: `第${d}部门第${u}单位`, parentId: dept });
      users.push({ userId: `${unit}-filler`, displayName: `填报${d}-${u}`, role: 'unit_filler', organisationId: unit, email: `${unit}-filler@example.org` });
      users.push({ userId: `${unit}-leader`, displayName: `负责${d}-${u}`, role: 'unit_leader', organisationId: unit, email: `${unit}-leader@example.org` });
    }
  }
  return { regionId: `${id}-bureau`, organisations, users, units };
}

// ── the campaign and report events deadlines react to (as the workflow issue defines them) ──

const officer = (regionId: string) => ({ userId: 'officer', role: 'performance_officer', organisationId: regionId });

export function campaignOpened(args: { campaignId: string; regionId: string; year: number; unitIds: string[]; deadline: string; at: string; reminderOffsets?: Array<{ workingDays: number; escalate: boolean }> | null }): NewEvent {
  const by = officer(args.regionId);
  return rawEvent(
    'CampaignOpened',
    {
      at: args.at,
      by,
      campaignId: args.campaignId,
      financeBureauId: args.regionId,
      year: args.year,
      name: `${args.year}年度预算绩效自评`,
      kind: null,
      unitIds: args.unitIds,
      submissionDeadline: args.deadline,
      reminderOffsets: args.reminderOffsets ?? null,
      stageTimeLimits: null,
    },
    args.at,
    by,
  );
}

export function campaignDeadlineExtended(args: { campaignId: string; regionId: string; unitId: string | null; deadline: string; at: string }): NewEvent {
  const by = officer(args.regionId);
  return rawEvent('CampaignDeadlineExtended', { at: args.at, by, campaignId: args.campaignId, unitId: args.unitId, deadline: args.deadline, reason: '因系统升级统一延期' }, args.at, by);
}

export function reportEvent(type: string, unitId: string, at: string, data: Record<string, unknown> = {}): NewEvent {
  const by = { userId: `${unitId}-filler`, role: 'unit_filler', organisationId: unitId };
  return rawEvent(type, { at, by, ...data }, at, by);
}

export function reportCreated(reportId: string, unitId: string, year: number, at: string): NewEvent {
  return reportEvent('ReportCreated', unitId, at, { reportId, kind: 'department', organisationId: unitId, profileId: 'default', header: { unit: unitId, year } });
}
