import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { BadRequestError, ConflictError, NotFoundError } from '../errors.js';
import { newId, nowIso } from '../store/ids.js';
import type { Database, UsersTable } from '../store/schema.js';
import type { RequestContext } from './context.js';
import { checkPasswordPolicy, hashPassword } from './password.js';
import { parsePreferences, type Preferences } from './preferences.js';
import { isRole, type Role } from './roles.js';

export interface User {
  id: string;
  agencyId: string;
  username: string;
  displayName: string;
  roles: Role[];
  status: 'active' | 'disabled';
  totpEnabled: boolean;
  lockedUntil: string | null;
  lastLoginAt: string | null;
  preferences: Preferences;
  createdAt: string;
}

export interface NewUser {
  agencyId: string;
  username: string;
  displayName?: string;
  roles: string[];
  password: string;
}

export const USERNAME_PATTERN = '^[a-z0-9][a-z0-9._-]{1,62}$';
const USERNAME = new RegExp(USERNAME_PATTERN);

export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

export function toUser(row: UsersTable): User {
  return {
    id: row.id,
    agencyId: row.agency_id,
    username: row.username,
    displayName: row.display_name,
    roles: JSON.parse(row.roles) as Role[],
    status: row.status as User['status'],
    totpEnabled: row.totp_enabled === 1,
    lockedUntil: row.locked_until && row.locked_until > nowIso() ? row.locked_until : null,
    lastLoginAt: row.last_login_at,
    preferences: parsePreferences(row.preferences),
    createdAt: row.created_at,
  };
}

function checkRoles(roles: string[]): Role[] {
  const unknown = roles.filter((r) => !isRole(r));
  if (unknown.length) throw new BadRequestError(`Unknown role(s): ${unknown.join(', ')}.`, 'invalid-role');
  if (roles.length === 0) throw new BadRequestError('A user needs at least one role.', 'invalid-role');
  return [...new Set(roles)] as Role[];
}

export type UserService = ReturnType<typeof createUserService>;

export function createUserService(deps: { db: Kysely<Database>; audit: AuditLog }) {
  const { db, audit } = deps;

  async function getRow(id: string): Promise<UsersTable> {
    const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('The user');
    return row;
  }

  return {
    async create(ctx: RequestContext, input: NewUser, trxDb: Kysely<Database> = db): Promise<User> {
      const username = normaliseUsername(input.username);
      if (!USERNAME.test(username)) {
        throw new BadRequestError('Usernames are 2–63 characters: letters, digits, dot, dash, underscore.', 'invalid-username');
      }
      const roles = checkRoles(input.roles);
      checkPasswordPolicy(input.password);
      const agency = await trxDb.selectFrom('agencies').select(['id', 'hosted']).where('id', '=', input.agencyId).executeTakeFirst();
      if (!agency || agency.hosted !== 1) throw new NotFoundError('The agency');
      const exists = await trxDb.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
      if (exists) throw new ConflictError(`The username "${username}" is taken on this node.`, 'username-taken');
      const now = nowIso();
      const row: UsersTable = {
        id: newId(),
        agency_id: input.agencyId,
        username,
        display_name: input.displayName?.trim() || username,
        roles: JSON.stringify(roles),
        password_hash: await hashPassword(input.password),
        status: 'active',
        totp_secret: null,
        totp_enabled: 0,
        totp_pending_secret: null,
        totp_last_step: null,
        recovery_codes: null,
        failed_logins: 0,
        locked_until: null,
        last_login_at: null,
        preferences: '{}',
        created_at: now,
        updated_at: now,
      };
      const write = async (trx: Kysely<Database>) => {
        await trx.insertInto('users').values(row).execute();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'collection',
          action: 'user.create',
          object: { type: 'user', id: row.id },
          details: { username, roles },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      };
      if (trxDb.isTransaction) await write(trxDb);
      else await trxDb.transaction().execute(write);
      return toUser(row);
    },

    get: async (id: string) => toUser(await getRow(id)),

    async findByUsername(username: string): Promise<User | undefined> {
      const row = await db.selectFrom('users').selectAll().where('username', '=', normaliseUsername(username)).executeTakeFirst();
      return row ? toUser(row) : undefined;
    },

    async listByAgency(agencyId: string): Promise<User[]> {
      const rows = await db.selectFrom('users').selectAll().where('agency_id', '=', agencyId).orderBy('username').execute();
      return rows.map(toUser);
    },

    /** An admin changes another user's roles or status; disabling signs the user out everywhere. */
    async update(ctx: RequestContext, id: string, patch: { roles?: string[]; status?: 'active' | 'disabled'; displayName?: string; unlock?: boolean }): Promise<User> {
      const row = await getRow(id);
      if (ctx.actor.kind === 'user' && ctx.actor.userId === id) {
        const dropsAdmin = patch.roles && !patch.roles.includes('admin') && (JSON.parse(row.roles) as string[]).includes('admin');
        if (patch.status === 'disabled' || dropsAdmin) {
          throw new BadRequestError('You cannot disable yourself or remove your own admin role; ask another admin.', 'self-lockout');
        }
      }
      const changes: Partial<UsersTable> = { updated_at: nowIso() };
      if (patch.roles) changes.roles = JSON.stringify(checkRoles(patch.roles));
      if (patch.status) changes.status = patch.status;
      if (patch.displayName !== undefined) changes.display_name = patch.displayName.trim() || row.username;
      if (patch.unlock) {
        changes.locked_until = null;
        changes.failed_logins = 0;
      }
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set(changes).where('id', '=', id).execute();
        if (patch.status === 'disabled') await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'alteration',
          action: 'user.update',
          object: { type: 'user', id },
          details: { roles: patch.roles, status: patch.status, unlock: patch.unlock },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      });
      return toUser(await getRow(id));
    },

    async setPreferences(ctx: RequestContext, id: string, preferences: Preferences): Promise<Preferences> {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ preferences: JSON.stringify(preferences), updated_at: nowIso() }).where('id', '=', id).execute();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'alteration',
          action: 'user.preferences',
          object: { type: 'user', id },
          details: { ...preferences },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      });
      return preferences;
    },
  };
}
