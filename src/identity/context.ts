import type { Actor } from './actor.js';

/** What every service call carries from its caller: who acts, and the request it belongs to (for the audit trail). */
export interface RequestContext {
  actor: Actor;
  requestId?: string;
  ip?: string;
  /** Why the actor reads or discloses (art. 25), when given: the X-Tessera-Justification header in the API. */
  justification?: string;
}
