import type { Kysely } from 'kysely';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { Actor } from '../identity/actor.js';
import type { Role } from '../identity/roles.js';
import type { Database } from '../store/schema.js';

/**
 * The one policy for case data. A case is visible only to users of participating agencies; what they may do depends on
 * their role and on their agency's access level in that case. Agency admins and auditors see no case content.
 */
export const CASE_PERMISSIONS = ['case.read', 'case.update', 'case.contribute'] as const;
export type CasePermission = (typeof CASE_PERMISSIONS)[number];

export type ParticipantAccess = 'lead' | 'contribute' | 'read';
export const PARTICIPANT_ACCESS: ParticipantAccess[] = ['lead', 'contribute', 'read'];

/** Roles that work with case content at all. */
const CASE_ROLES: Role[] = ['investigator', 'victim-id', 'analyst', 'prosecutor'];

const RULES: Record<CasePermission, { roles: Role[]; access: ParticipantAccess[] }> = {
  'case.read': { roles: CASE_ROLES, access: ['lead', 'contribute', 'read'] },
  // Adding records, media and messages to a case.
  'case.contribute': { roles: ['investigator', 'victim-id', 'analyst'], access: ['lead', 'contribute'] },
  // Editing the case itself and its participants: the lead agency's investigators only.
  'case.update': { roles: ['investigator'], access: ['lead'] },
};

export function canCreateCases(actor: Actor): boolean {
  return actor.kind === 'user' && actor.roles.includes('investigator');
}

export type CaseAccessPolicy = ReturnType<typeof createCaseAccess>;

export function createCaseAccess(deps: { db: Kysely<Database> }) {
  const { db } = deps;

  /** The actor's agency's access level for each of the given cases it takes part in. */
  async function participation(actor: Actor, caseIds: readonly string[]): Promise<Map<string, ParticipantAccess>> {
    if (caseIds.length === 0 || !actor.agencyId) return new Map();
    const rows = await db
      .selectFrom('case_participants')
      .select(['case_id', 'access'])
      .where('agency_id', '=', actor.agencyId)
      .where('case_id', 'in', [...new Set(caseIds)])
      .execute();
    return new Map(rows.map((r) => [r.case_id, r.access as ParticipantAccess]));
  }

  return {
    participation,

    /**
     * Throws unless the actor holds `permission` on every case in `caseIds`. A case the actor's agency does not take
     * part in is "not found" (its existence is itself case data); a role or access level that falls short is 403.
     */
    async require(actor: Actor, permission: CasePermission, caseIds: readonly string[]): Promise<Map<string, ParticipantAccess>> {
      if (actor.kind === 'system') return new Map(caseIds.map((id) => [id, 'lead']));
      const access = await participation(actor, caseIds);
      for (const id of caseIds) if (!access.has(id)) throw new NotFoundError('The case');
      const rule = RULES[permission];
      if (!actor.roles.some((r) => rule.roles.includes(r))) {
        throw new ForbiddenError(`Your role (${actor.roles.join(', ')}) does not allow ${permission.replace('case.', '')} on cases.`);
      }
      for (const id of caseIds) {
        if (!rule.access.includes(access.get(id)!)) {
          throw new ForbiddenError(`Your agency's access to this case (${access.get(id)}) does not allow ${permission.replace('case.', '')}.`);
        }
      }
      return access;
    },

    /** For lists: may this actor see case content at all? */
    mayReadCases(actor: Actor): boolean {
      return actor.kind === 'system' || actor.roles.some((r) => CASE_ROLES.includes(r));
    },
  };
}
