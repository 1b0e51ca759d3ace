import { describe, expect, it } from '@jest/globals';
import type { Actor, Role } from '../shared/actor.js';
import { directoryEvent, type OrganisationEvent } from './directory.events.js';
import type { OrganisationKind } from './directory.model.js';
import { givenUser } from './testing/directory-spec.js';

const at = '2026-03-01T08:00:00.000+08:00';
const admin: Actor = { userId: 'u-admin', role: 'admin', organisationId: 'fb-demo' };
const otherAdmin: Actor = { userId: 'u-admin-2', role: 'admin', organisationId: 'fb-other' };
const filler: Actor = { userId: 'u-filler', role: 'unit_filler', organisationId: 'unit-hospital' };
const hash = (n: number) => `$scrypt$ln=15,r=8,p=1$c2FsdHNhbHQ$${'h'.repeat(20)}${n}`;

function organisation(organisationId: string, kind: OrganisationKind): OrganisationEvent[] {
  const parentId = kind === 'finance_bureau' ? null : kind === 'department' ? 'fb-demo' : 'dept-health';
  return [directoryEvent('OrganisationRegistered', { at, by: admin, organisationId, kind, name: organisationId, parentId, regionId: 'fb-demo' })];
}
const bureau = organisation('fb-demo', 'finance_bureau');
const department = organisation('dept-health', 'department');
const unit = organisation('unit-hospital', 'unit');

const fillerRegistered = directoryEvent('UserRegistered', {
  at,
  by: admin,
  userId: 'u-filler',
  username: 'Filler.Hospital',
  displayName: '王填报',
  role: 'unit_filler',
  organisationId: 'unit-hospital',
  regionId: 'fb-demo',
  passwordHash: hash(1),
});

const registerFiller = (actor: Actor = admin, overrides: Record<string, unknown> = {}) =>
  ({
    type: 'RegisterUser',
    data: { userId: 'u-filler', username: 'Filler.Hospital', displayName: '王填报', role: 'unit_filler', organisationId: 'unit-hospital', passwordHash: hash(1), ...overrides },
    metadata: { at, actor },
  }) as const;

describe('user decider', () => {
  describe('RegisterUser', () => {
    it('registers a user with the hash the application computed, in the organisation’s region', () => {
      givenUser([]).with({ actorRegionId: 'fb-demo', organisation: unit }).when(registerFiller()).then([fillerRegistered]);
    });

    it('is a no-op when retried identically, and refuses a different registration under the same id', () => {
      givenUser([fillerRegistered]).with({ actorRegionId: 'fb-demo', organisation: unit }).when(registerFiller(admin, { passwordHash: hash(2) })).thenNothing();
      givenUser([fillerRegistered])
        .with({ actorRegionId: 'fb-demo', organisation: unit })
        .when(registerFiller(admin, { role: 'unit_leader' }))
        .thenRefused('USER_ALREADY_EXISTS', 'userId');
    });

    it('places every role in the kind of organisation it belongs to', () => {
      const cases: Array<[Role, OrganisationEvent[]]> = [
        ['unit_filler', unit],
        ['unit_leader', unit],
        ['department_reviewer', department],
        ['finance_reviewer', bureau],
        ['performance_officer', bureau],
        ['auditor', bureau],
        ['admin', bureau],
      ];
      for (const [role, organisationEvents] of cases) {
        const organisationId = (organisationEvents[0]!.data as { organisationId: string }).organisationId;
        for (const other of [bureau, department, unit]) {
          const command = registerFiller(admin, { role, organisationId: (other[0]!.data as { organisationId: string }).organisationId });
          const outcome = givenUser([]).with({ actorRegionId: 'fb-demo', organisation: other }).when(command);
          if (other === organisationEvents) {
            outcome.then([directoryEvent('UserRegistered', { ...fillerRegistered.data, role, organisationId })]);
          } else {
            outcome.thenRefused('ROLE_ORGANISATION_MISMATCH', 'role');
          }
        }
      }
    });

    it('explains a role placed in the wrong kind of organisation in both languages', () => {
      const refusal = givenUser([])
        .with({ actorRegionId: 'fb-demo', organisation: department })
        .when(registerFiller(admin, { organisationId: 'dept-health' }))
        .thenRefused('ROLE_ORGANISATION_MISMATCH', 'role');
      expect(refusal.problems[0]!.message).toEqual({
        'zh-CN': '预算单位填报人必须属于预算单位，而dept-health是主管部门',
        en: 'a unit filler belongs to a budget unit; dept-health is a competent department',
      });
    });

    it('refuses non-administrators, other regions, unknown organisations and malformed usernames', () => {
      givenUser([]).with({ actorRegionId: 'fb-demo', organisation: unit }).when(registerFiller(filler)).thenRefused('ROLE_NOT_ALLOWED', '');
      givenUser([]).with({ actorRegionId: 'fb-other', organisation: unit }).when(registerFiller(otherAdmin)).thenRefused('ORGANISATION_OUTSIDE_REGION', 'organisationId');
      givenUser([]).with({ actorRegionId: 'fb-demo', organisation: [] }).when(registerFiller()).thenRefused('ORGANISATION_NOT_FOUND', 'organisationId');
      givenUser([]).with({ actorRegionId: 'fb-demo', organisation: unit }).when(registerFiller(admin, { username: 'a b' })).thenRefused('USERNAME_INVALID', 'username');
      givenUser([]).with({ actorRegionId: 'fb-demo', organisation: unit }).when(registerFiller(admin, { username: 'ab' })).thenRefused('USERNAME_INVALID', 'username');
    });

    it('never takes a plain password: the hash must look like one', () => {
      givenUser([]).with({ actorRegionId: 'fb-demo', organisation: unit }).when(registerFiller(admin, { passwordHash: 'secret' })).thenRefused('COMMAND_INVALID', 'data.passwordHash');
    });
  });

  describe('ChangePassword', () => {
    const change = (actor: Actor, passwordHash: string) => ({ type: 'ChangePassword', data: { passwordHash }, metadata: { at, actor } }) as const;

    it('lets users change their own password and administrators of the region reset it', () => {
      givenUser([fillerRegistered]).when(change(filler, hash(2))).then([directoryEvent('UserPasswordChanged', { at, by: filler, userId: 'u-filler', passwordHash: hash(2) })]);
      givenUser([fillerRegistered])
        .with({ actorRegionId: 'fb-demo' })
        .when(change(admin, hash(3)))
        .then([directoryEvent('UserPasswordChanged', { at, by: admin, userId: 'u-filler', passwordHash: hash(3) })]);
      givenUser([fillerRegistered]).when(change(filler, hash(1))).thenNothing();
    });

    it('refuses other users, administrators of other regions, unknown and deactivated users', () => {
      givenUser([fillerRegistered]).when(change({ ...filler, userId: 'u-other' }, hash(2))).thenRefused('ROLE_NOT_ALLOWED', '');
      givenUser([fillerRegistered]).with({ actorRegionId: 'fb-other' }).when(change(otherAdmin, hash(2))).thenRefused('USER_OUTSIDE_REGION', '');
      givenUser([]).when(change(filler, hash(2))).thenRefused('USER_NOT_FOUND', '');
      const deactivated = directoryEvent('UserDeactivated', { at, by: admin, userId: 'u-filler', reason: null });
      givenUser([fillerRegistered, deactivated]).when(change(filler, hash(2))).thenRefused('USER_DEACTIVATED', '');
    });
  });

  describe('DeactivateUser', () => {
    const deactivate = (actor: Actor, reason?: string) => ({ type: 'DeactivateUser', data: reason === undefined ? {} : { reason }, metadata: { at, actor } }) as const;
    const deactivated = directoryEvent('UserDeactivated', { at, by: admin, userId: 'u-filler', reason: '调离' });

    it('deactivates once; deactivating again is a no-op', () => {
      givenUser([fillerRegistered]).with({ actorRegionId: 'fb-demo' }).when(deactivate(admin, '调离')).then([deactivated]);
      givenUser([fillerRegistered, deactivated]).with({ actorRegionId: 'fb-demo' }).when(deactivate(admin)).thenNothing();
    });

    it('refuses non-administrators, other regions, unknown users and the administrator’s own account', () => {
      givenUser([fillerRegistered]).with({ actorRegionId: 'fb-demo' }).when(deactivate(filler)).thenRefused('ROLE_NOT_ALLOWED', '');
      givenUser([fillerRegistered]).with({ actorRegionId: 'fb-other' }).when(deactivate(otherAdmin)).thenRefused('USER_OUTSIDE_REGION', '');
      givenUser([]).with({ actorRegionId: 'fb-demo' }).when(deactivate(admin)).thenRefused('USER_NOT_FOUND', '');
      const adminRegistered = directoryEvent('UserRegistered', { ...fillerRegistered.data, userId: 'u-admin', username: 'admin', role: 'admin', organisationId: 'fb-demo' });
      givenUser([adminRegistered]).with({ actorRegionId: 'fb-demo' }).when(deactivate(admin)).thenRefused('USER_CANNOT_DEACTIVATE_SELF', '');
    });
  });
});
