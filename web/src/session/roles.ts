import type { Role } from '../api/types.js';

/** The people of DESIGN §1, in the words the UI uses. `satisfies` makes a role added on the server a type error here. */
export const ROLE_LABELS = {
  investigator: 'Investigator',
  'victim-id': 'Victim-ID specialist',
  analyst: 'Analyst',
  prosecutor: 'Prosecutor',
  admin: 'Agency admin',
  auditor: 'Auditor / DPO',
} as const satisfies Record<Role, string>;

export const ROLE_DESCRIPTIONS = {
  investigator: 'Opens cases, records intelligence, exchanges messages, hands a case over.',
  'victim-id': 'Triages seized media, groups series, records victims.',
  analyst: 'Link analysis, location inference and timelines on the intelligence of their cases.',
  prosecutor: 'Follows a case handed to their jurisdiction, read-only.',
  admin: 'Manages users, roles and agencies. Sees no case content.',
  auditor: 'Reads and verifies the audit trail, not the content.',
} as const satisfies Record<Role, string>;

export const ROLES = Object.keys(ROLE_LABELS) as Role[];

/** Who may open the case screens (the server's case routes accept these roles). */
export const CASE_ROLES: readonly Role[] = ['investigator', 'victim-id', 'analyst', 'prosecutor'];
export const AUDIT_ROLES: readonly Role[] = ['admin', 'auditor'];

export function hasAnyRole(roles: readonly Role[], wanted: readonly Role[]): boolean {
  return roles.some((r) => wanted.includes(r));
}

/** The first screen a user can use: case workers land on cases, an admin on users, an auditor on the trail. */
export function homePath(roles: readonly Role[]): string {
  if (hasAnyRole(roles, CASE_ROLES)) return '/cases';
  if (roles.includes('admin')) return '/admin/users';
  if (roles.includes('auditor')) return '/audit';
  return '/account/preferences';
}
