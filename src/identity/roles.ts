import { Type, type Static } from 'typebox';

/** The people of DESIGN §1. A user holds one or more roles within one agency. */
export const ROLES = ['investigator', 'victim-id', 'analyst', 'prosecutor', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const RoleSchema = Type.Enum(ROLES);

export const ROLE_LABELS: Record<Role, string> = {
  investigator: 'Investigator',
  'victim-id': 'Victim-ID specialist',
  analyst: 'Analyst',
  prosecutor: 'Prosecutor',
  admin: 'Agency admin',
  auditor: 'Auditor / DPO',
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export type RoleList = Static<typeof RoleSchema>[];
