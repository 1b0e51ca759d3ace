import { describe, expect, it } from '@jest/globals';
import type { Actor } from '../shared/actor.js';
import { directoryEvent, parseStoredDirectoryEvent } from './directory.events.js';
import { givenOrganisation } from './testing/directory-spec.js';

const at = '2026-03-01T08:00:00.000+08:00';
const founder: Actor = { userId: 'bootstrap', role: 'admin', organisationId: 'fb-demo' };
const admin: Actor = { userId: 'u-admin', role: 'admin', organisationId: 'fb-demo' };
const otherAdmin: Actor = { userId: 'u-admin-2', role: 'admin', organisationId: 'fb-other' };
const auditor: Actor = { userId: 'u-auditor', role: 'auditor', organisationId: 'fb-demo' };

const bureauRegistered = directoryEvent('OrganisationRegistered', {
  at,
  by: founder,
  organisationId: 'fb-demo',
  kind: 'finance_bureau',
  name: '示范市财政局',
  parentId: null,
  regionId: 'fb-demo',
});
const departmentRegistered = directoryEvent('OrganisationRegistered', {
  at,
  by: admin,
  organisationId: 'dept-health',
  kind: 'department',
  name: '示范市卫生健康委员会',
  parentId: 'fb-demo',
  regionId: 'fb-demo',
});
const unitRegistered = directoryEvent('OrganisationRegistered', {
  at,
  by: admin,
  organisationId: 'unit-hospital',
  kind: 'unit',
  name: '示范市人民医院',
  parentId: 'dept-health',
  regionId: 'fb-demo',
});

const register = (actor: Actor, data: { organisationId: string; kind: string; name: string; parentId: string | null }) =>
  ({ type: 'RegisterOrganisation', data, metadata: { at, actor } }) as const;

describe('organisation decider', () => {
  describe('RegisterOrganisation', () => {
    it('founds a region: a finance bureau is registered by its own bootstrap administrator and is its own region', () => {
      givenOrganisation([])
        .when(register(founder, { organisationId: 'fb-demo', kind: 'finance_bureau', name: '示范市财政局', parentId: null }))
        .then([bureauRegistered]);
    });

    it('registers a department under a finance bureau of the admin’s region', () => {
      givenOrganisation([])
        .with({ actorRegionId: 'fb-demo', parent: [bureauRegistered] })
        .when(register(admin, { organisationId: 'dept-health', kind: 'department', name: '示范市卫生健康委员会', parentId: 'fb-demo' }))
        .then([departmentRegistered]);
    });

    it('registers a unit under a department, inheriting the region', () => {
      givenOrganisation([])
        .with({ actorRegionId: 'fb-demo', parent: [departmentRegistered] })
        .when(register(admin, { organisationId: 'unit-hospital', kind: 'unit', name: '  示范市人民医院 ', parentId: 'dept-health' }))
        .then([unitRegistered]);
    });

    it('answers a retried identical registration with nothing, and a different one with ORGANISATION_ALREADY_EXISTS', () => {
      givenOrganisation([departmentRegistered])
        .with({ actorRegionId: 'fb-demo', parent: [bureauRegistered] })
        .when(register(admin, { organisationId: 'dept-health', kind: 'department', name: '示范市卫生健康委员会', parentId: 'fb-demo' }))
        .thenNothing();
      givenOrganisation([departmentRegistered])
        .with({ actorRegionId: 'fb-demo', parent: [bureauRegistered] })
        .when(register(admin, { organisationId: 'dept-health', kind: 'department', name: '另一个名字', parentId: 'fb-demo' }))
        .thenRefused('ORGANISATION_ALREADY_EXISTS', 'organisationId');
    });

    it('refuses anyone but an administrator', () => {
      const refusal = givenOrganisation([])
        .with({ actorRegionId: 'fb-demo', parent: [bureauRegistered] })
        .when(register(auditor, { organisationId: 'dept-x', kind: 'department', name: 'X', parentId: 'fb-demo' }))
        .thenRefused('ROLE_NOT_ALLOWED', '');
      expect(refusal.problems[0]!.message['zh-CN']).toContain('系统管理员');
    });

    it('enforces the shape of the tree: bureau → department → unit', () => {
      givenOrganisation([])
        .with({ parent: [bureauRegistered] })
        .when(register(founder, { organisationId: 'fb-2', kind: 'finance_bureau', name: '另一个财政局', parentId: 'fb-demo' }))
        .thenRefused('ORGANISATION_PARENT_NOT_ALLOWED', 'parentId');
      givenOrganisation([])
        .with({ actorRegionId: 'fb-demo' })
        .when(register(admin, { organisationId: 'dept-x', kind: 'department', name: 'X', parentId: null }))
        .thenRefused('ORGANISATION_PARENT_REQUIRED', 'parentId');
      const refusal = givenOrganisation([])
        .with({ actorRegionId: 'fb-demo', parent: [bureauRegistered] })
        .when(register(admin, { organisationId: 'unit-x', kind: 'unit', name: 'X', parentId: 'fb-demo' }))
        .thenRefused('ORGANISATION_PARENT_KIND_INVALID', 'parentId');
      expect(refusal.problems[0]!.message).toEqual({
        'zh-CN': '预算单位的上级必须是主管部门，而fb-demo是财政局',
        en: 'the parent of a budget unit must be a competent department; fb-demo is a finance bureau',
      });
      givenOrganisation([])
        .with({ actorRegionId: 'fb-demo', parent: [unitRegistered] })
        .when(register(admin, { organisationId: 'dept-x', kind: 'department', name: 'X', parentId: 'unit-hospital' }))
        .thenRefused('ORGANISATION_PARENT_KIND_INVALID', 'parentId');
    });

    it('refuses a parent that does not exist', () => {
      givenOrganisation([])
        .with({ actorRegionId: 'fb-demo', parent: [] })
        .when(register(admin, { organisationId: 'unit-x', kind: 'unit', name: 'X', parentId: 'dept-missing' }))
        .thenRefused('ORGANISATION_PARENT_NOT_FOUND', 'parentId');
    });

    it('keeps an administrator inside their own region', () => {
      givenOrganisation([])
        .with({ actorRegionId: 'fb-other', parent: [departmentRegistered] })
        .when(register(otherAdmin, { organisationId: 'unit-x', kind: 'unit', name: 'X', parentId: 'dept-health' }))
        .thenRefused('ORGANISATION_OUTSIDE_REGION', 'parentId');
      // An administrator cannot found another region either.
      givenOrganisation([])
        .with({ actorRegionId: 'fb-demo' })
        .when(register(admin, { organisationId: 'fb-new', kind: 'finance_bureau', name: '新财政局', parentId: null }))
        .thenRefused('ORGANISATION_OUTSIDE_REGION', 'organisationId');
    });

    it('validates the command like an HTTP body, naming each field', () => {
      const refusal = givenOrganisation([])
        .when(register(admin, { organisationId: 'has space', kind: 'ministry', name: '', parentId: null }))
        .thenRefused('COMMAND_INVALID', 'data.organisationId');
      expect(refusal.problems.map((p) => p.path)).toEqual(['data.organisationId', 'data.kind', 'data.name']);
    });
  });

  describe('RenameOrganisation', () => {
    const rename = (actor: Actor, name: string) => ({ type: 'RenameOrganisation', data: { name }, metadata: { at, actor } }) as const;

    it('renames, and a rename to the same name is a no-op', () => {
      givenOrganisation([departmentRegistered])
        .with({ actorRegionId: 'fb-demo' })
        .when(rename(admin, '示范市卫生健康局'))
        .then([directoryEvent('OrganisationRenamed', { at, by: admin, organisationId: 'dept-health', name: '示范市卫生健康局' })]);
      givenOrganisation([departmentRegistered]).with({ actorRegionId: 'fb-demo' }).when(rename(admin, '示范市卫生健康委员会')).thenNothing();
    });

    it('refuses an unknown organisation and one of another region', () => {
      givenOrganisation([]).with({ actorRegionId: 'fb-demo' }).when(rename(admin, 'X')).thenRefused('ORGANISATION_NOT_FOUND', '');
      givenOrganisation([departmentRegistered]).with({ actorRegionId: 'fb-other' }).when(rename(otherAdmin, 'X')).thenRefused('ORGANISATION_OUTSIDE_REGION', '');
    });
  });

  it('reads stored events back through their schema', () => {
    expect(parseStoredDirectoryEvent({ type: 'OrganisationRegistered', schemaVersion: 1, data: unitRegistered.data })).toEqual(unitRegistered);
    expect(() => parseStoredDirectoryEvent({ type: 'OrganisationRegistered', schemaVersion: 2, data: unitRegistered.data })).toThrow('not supported');
    expect(() => parseStoredDirectoryEvent({ type: 'OrganisationRegistered', schemaVersion: 1, data: { ...unitRegistered.data, kind: 'ministry' } })).toThrow('EVENT_INVALID');
  });
});
