import type { Role } from './roles.js';

/** Who is acting: a signed-in user (web or API token), or the node itself (CLI, jobs, network sync). */
export type Actor = UserActor | SystemActor;

export interface UserActor {
  kind: 'user';
  userId: string;
  username: string;
  agencyId: string;
  roles: readonly Role[];
  /** How the request was authenticated; tokens cannot manage other tokens or second factors. */
  via: 'session' | 'token';
}

export interface SystemActor {
  kind: 'system';
  /** e.g. "cli", "job:ingest" */
  name: string;
  agencyId?: string;
}

export function systemActor(name: string, agencyId?: string): SystemActor {
  return agencyId ? { kind: 'system', name, agencyId } : { kind: 'system', name };
}

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return actor.kind === 'user' && roles.some((r) => actor.roles.includes(r));
}

export function actorName(actor: Actor): string {
  return actor.kind === 'user' ? actor.username : `system:${actor.name}`;
}

export function actorAgency(actor: Actor): string | null {
  return actor.agencyId ?? null;
}
