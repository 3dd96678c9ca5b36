import type { Kysely } from 'kysely';
import type { AuditLog } from '../../audit/audit-log.js';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../../errors.js';
import type { Database } from '../../store/schema.js';
import { keyId, parsePublicJwk } from '../crypto/keys.js';
import type { KeyStore } from '../key-store.js';
import type { MemberStatus, RequestClaims } from '../protocol.js';
import { NONCE_MEMORY_MS, RequestSignatureError, verifyRequest } from '../request-signing.js';
import { createHubMailbox } from './hub-mailbox.js';
import { createHubMembers } from './hub-members.js';
import { createMemberRateLimit } from './member-rate-limit.js';

export interface AuthenticatedRequest {
  claims: RequestClaims;
  agencyId: string;
  status: MemberStatus;
}

export type HubService = ReturnType<typeof createHubService>;

const MAINTENANCE_MS = 60_000;

/** The hub role of a node: membership and directory, request authentication, and the mailbox. */
export function createHubService(deps: { db: Kysely<Database>; audit: AuditLog; keys: KeyStore; dataDir: string; requestsPerMinute?: number }) {
  const { db } = deps;
  const members = createHubMembers({ db, audit: deps.audit, keys: deps.keys });
  const mailbox = createHubMailbox({ db, members, dataDir: deps.dataDir });
  const rateLimit = createMemberRateLimit({ perMinute: deps.requestsPerMinute ?? 6000 });
  let timer: NodeJS.Timeout | null = null;

  function refuse(err: unknown): never {
    if (err instanceof RequestSignatureError) throw new UnauthorizedError(err.message, `request-${err.code}`);
    throw err;
  }

  async function rememberNonce(nonce: string): Promise<void> {
    const inserted = await db
      .insertInto('hub_nonces')
      .values({ nonce, expires_at: new Date(Date.now() + NONCE_MEMORY_MS).toISOString() })
      .onConflict((oc) => oc.column('nonce').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) throw new UnauthorizedError('This request was already received (replayed nonce).', 'request-replayed');
  }

  return {
    members,
    mailbox,

    /**
     * Authenticates a member's signed request: signature by the agency's current signing key over this method, path
     * and body digest, timestamp within five minutes, nonce never seen, and within the member's request allowance.
     * Pending and suspended members may only do what `allow` lists.
     */
    async authenticate(
      header: string | undefined,
      actual: { method: string; path: string; bodyDigest?: string },
      allow: MemberStatus[] = ['active'],
      meta: { requestId?: string; ip?: string } = {},
    ): Promise<AuthenticatedRequest> {
      let claims: RequestClaims;
      try {
        claims = await verifyRequest(header, actual, (agencyId, kid) => members.signingKey(agencyId, kid, true));
      } catch (err) {
        refuse(err);
      }
      const rate = rateLimit.take(claims.agency);
      if (rate.retryAfter > 0) {
        // Once per spell of refusals: recording each would let a flooding member fill the audit trail instead.
        if (rate.firstRefusal) {
          await deps.audit.record(db, {
            actor: { kind: 'system', name: 'hub' },
            operation: 'authentication',
            action: 'hub.member.throttled',
            object: { type: 'hub-member', id: claims.agency },
            details: { requestsPerMinute: rateLimit.perMinute },
            ...(meta.requestId ? { requestId: meta.requestId } : {}),
            ...(meta.ip ? { ip: meta.ip } : {}),
          });
        }
        throw new TooManyRequestsError(`This agency is over the hub's allowance of ${rateLimit.perMinute} requests per minute: try again in ${rate.retryAfter} s.`, rate.retryAfter, 'rate-limited');
      }
      await rememberNonce(claims.nonce);
      const status = (await members.statuses([claims.agency])).get(claims.agency)!;
      if (!allow.includes(status)) {
        throw new ForbiddenError(status === 'pending' ? 'The hub administrator has not approved this agency yet.' : 'This agency is suspended from the network.', `member-${status}`);
      }
      return { claims, agencyId: claims.agency, status };
    },

    /** The join request is signed with the key it presents (the agency is not a member yet). */
    async authenticateJoin(header: string | undefined, actual: { method: string; path: string; bodyDigest: string }, presented: { agencyId: string; sig: unknown }): Promise<void> {
      try {
        const jwk = parsePublicJwk(presented.sig, 'sig');
        const kid = await keyId(jwk);
        const claims = await verifyRequest(header, actual, (agencyId, k) => (agencyId === presented.agencyId && k === kid ? jwk : undefined));
        await rememberNonce(claims.nonce);
      } catch (err) {
        if (err instanceof RequestSignatureError) refuse(err);
        if (err instanceof UnauthorizedError) throw err;
        throw new UnauthorizedError('The join request is not signed with the signing key it presents.', 'request-bad-signature');
      }
    },

    async start(): Promise<void> {
      await members.ensureDirectory();
      mailbox.notifier.reopen();
      timer = setInterval(() => void mailbox.maintenance().catch(() => {}), MAINTENANCE_MS);
      timer.unref();
    },

    /** Releases long polls at once (before the server waits for in-flight requests) and stops housekeeping. */
    releaseWaiters(): void {
      mailbox.notifier.closeAll();
    },

    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      mailbox.notifier.closeAll();
    },
  };
}
