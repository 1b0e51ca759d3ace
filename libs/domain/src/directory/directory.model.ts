import { z } from 'zod';
import type { Role } from '../shared/actor.js';
import { roles } from '../shared/actor.js';
import { text, type LocalizedText } from '../shared/i18n.js';

/**
 * The organisation tree: one finance bureau (财政局) per region, competent departments (主管部门)
 * under it, budget units (预算单位) under those. A region is identified by its finance bureau.
 */
export const organisationKinds = ['finance_bureau', 'department', 'unit'] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

export const organisationKindLabels: Record<OrganisationKind, LocalizedText> = {
  finance_bureau: text('财政局', 'finance bureau'),
  department: text('主管部门', 'competent department'),
  unit: text('预算单位', 'budget unit'),
};

/** The kind an organisation's parent must have; null: it has no parent (the root of a region). */
export const parentKindOf: Record<OrganisationKind, OrganisationKind | null> = {
  finance_bureau: null,
  department: 'finance_bureau',
  unit: 'department',
};

/** Where each role sits in the tree. */
export const organisationKindOfRole: Record<Role, OrganisationKind> = {
  unit_filler: 'unit',
  unit_leader: 'unit',
  department_reviewer: 'department',
  finance_reviewer: 'finance_bureau',
  performance_officer: 'finance_bureau',
  auditor: 'finance_bureau',
  admin: 'finance_bureau',
};

export const roleLabels: Record<Role, LocalizedText> = {
  unit_filler: text('预算单位填报人', 'unit filler'),
  unit_leader: text('单位负责人', 'unit leader'),
  department_reviewer: text('主管部门审核人', 'department reviewer'),
  finance_reviewer: text('财政局业务科室', 'finance reviewer'),
  performance_officer: text('财政局绩效管理科', 'performance officer'),
  auditor: text('审计/监督', 'auditor'),
  admin: text('系统管理员', 'administrator'),
};

// Same shape as every other id in the domain, so ids can sit in stream names and URLs as they are.
export const directoryIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, { error: 'id' });
export const organisationKindSchema = z.enum(organisationKinds);
export const organisationNameSchema = z.string().trim().min(1).max(200);
export const roleSchema = z.enum(roles);
/** The shape is checked by the decider, which names the rule in both languages. */
export const usernameSchema = z.string().min(1).max(64);
/** Letters, digits and . _ @ -, 3 to 64 of them, starting with a letter or digit; unique regardless of case. */
export const usernamePattern = /^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/;
export const displayNameSchema = z.string().trim().min(1).max(100);
/** Opaque to the domain: computed and checked by the application, never here. */
export const passwordHashSchema = z.string().min(16).max(1024);

export function organisationStreamId(organisationId: string): string {
  return `organisation-${organisationId}`;
}

export function userStreamId(userId: string): string {
  return `user-${userId}`;
}

/** Usernames are unique regardless of case: the reservation stream is named after the lower-cased one. */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}

export function usernameReservationStreamId(username: string): string {
  return `username-${usernameKey(username)}`;
}
