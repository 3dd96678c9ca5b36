import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { ConflictError, UnauthorizedError } from '../errors.js';
import { nowIso } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import { systemActor } from './actor.js';
import type { Agency, AgencyService } from './agency-service.js';
import { randomToken, safeEqual, sha256Hex } from './secrets.js';
import type { User, UserService } from './user-service.js';

const TOKEN_KEY = 'setup.token_hash';
const SETUP_HOURS = 24;

export interface SetupInput {
  token: string;
  agency: { name: string; country: string };
  admin: { username: string; displayName?: string; password: string; roles: string[] };
}

export type SetupService = ReturnType<typeof createSetupService>;

/**
 * First start of an empty node: a one-time link lets the person at the console create the first agency and its admin.
 * Only the token's hash is stored; each start while setup is pending issues a fresh link and voids the old one.
 */
export function createSetupService(deps: { db: Kysely<Database>; audit: AuditLog; agencies: AgencyService; users: UserService }) {
  const { db, agencies, users } = deps;

  async function pending(): Promise<boolean> {
    return (await agencies.countHosted()) === 0;
  }

  return {
    pending,

    /** Returns the one-time token to print, or null when the node is already set up. */
    async issueToken(): Promise<string | null> {
      if (!(await pending())) return null;
      const token = randomToken(24);
      const value = JSON.stringify({ hash: sha256Hex(token), expiresAt: new Date(Date.now() + SETUP_HOURS * 3_600_000).toISOString() });
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('settings').where('key', '=', TOKEN_KEY).execute();
        await trx.insertInto('settings').values({ key: TOKEN_KEY, value }).execute();
      });
      return token;
    },

    async complete(input: SetupInput, meta: { requestId?: string; ip?: string } = {}): Promise<{ agency: Agency; admin: User }> {
      const stored = await db.selectFrom('settings').select('value').where('key', '=', TOKEN_KEY).executeTakeFirst();
      const parsed = stored ? (JSON.parse(stored.value) as { hash: string; expiresAt: string }) : null;
      if (!parsed || !safeEqual(parsed.hash, sha256Hex(input.token)) || parsed.expiresAt < nowIso()) {
        throw new UnauthorizedError('This setup link is not valid any more. Restart the node to print a new one.', 'invalid-setup-token');
      }
      if (!(await pending())) throw new ConflictError('This node is already set up.', 'already-set-up');
      const ctx = { actor: systemActor('setup'), ...meta };
      return db.transaction().execute(async (trx) => {
        // Claim the token first: a second request racing this one finds nothing to delete and stops.
        const claimed = await trx.deleteFrom('settings').where('key', '=', TOKEN_KEY).where('value', '=', stored!.value).executeTakeFirst();
        if (Number(claimed.numDeletedRows) !== 1) throw new ConflictError('This node is already set up.', 'already-set-up');
        const agency = await agencies.create(ctx, { name: input.agency.name, country: input.agency.country, hosted: true }, trx);
        const admin = await users.create({ ...ctx, actor: systemActor('setup', agency.id) }, { agencyId: agency.id, ...input.admin }, trx);
        return { agency, admin };
      });
    },
  };
}
