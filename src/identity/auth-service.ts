import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { BadRequestError, NotFoundError, TooManyRequestsError, UnauthorizedError } from '../errors.js';
import { createSignInThrottle, type SignInThrottle } from './sign-in-throttle.js';
import { openSecret, sealSecret, type MasterKey } from '../exchange/crypto/master-key.js';
import { newId, nowIso } from '../store/ids.js';
import type { Database, UsersTable } from '../store/schema.js';
import type { UserActor } from './actor.js';
import type { RequestContext } from './context.js';
import { decoyHash, verifyPassword } from './password.js';
import type { Role } from './roles.js';
import { randomToken, safeEqual, sha256Hex } from './secrets.js';
import { matchTotp, newTotpSecret, totpEnrolment } from './totp.js';
import { normaliseUsername, toUser, type User } from './user-service.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;
/** A session dies after this long whatever its activity, so a forgotten browser does not stay signed in for days. */
export const SESSION_MAX_HOURS = 12;
const TOUCH_INTERVAL_MS = 60_000;
const RECOVERY_CODES = 10;
export const API_TOKEN_PREFIX = 'tsr_';

export interface LoginInput {
  username: string;
  password: string;
  totp?: string;
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

export interface LoginResult {
  sessionToken: string;
  csrfToken: string;
  user: User;
}

export interface AuthenticatedSession {
  actor: UserActor;
  sessionId: string;
  csrfToken: string;
}

export interface ApiTokenInfo {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function actorOf(row: Pick<UsersTable, 'id' | 'username' | 'agency_id' | 'roles'>, via: UserActor['via']): UserActor {
  return { kind: 'user', userId: row.id, username: row.username, agencyId: row.agency_id, roles: JSON.parse(row.roles) as Role[], via };
}

export type AuthService = ReturnType<typeof createAuthService>;

/** Sign-in, sessions, second factor and personal API tokens. Every decision here is also an audit event. */
export function createAuthService(deps: { db: Kysely<Database>; audit: AuditLog; masterKey: MasterKey; idleMinutes: number; throttle?: SignInThrottle }) {
  const { db, audit, masterKey } = deps;
  const throttle = deps.throttle ?? createSignInThrottle();
  const idleMs = deps.idleMinutes * 60_000;

  const sealTotp = (userId: string, secret: string) => sealSecret(masterKey, 'totp', Buffer.from(secret), userId);
  const openTotp = (userId: string, sealed: Buffer) => openSecret(masterKey, 'totp', sealed, userId).toString();

  async function loginFailed(row: UsersTable | undefined, input: LoginInput, reason: string): Promise<never> {
    const now = Date.now();
    if (row) {
      const failures = row.failed_logins + 1;
      const lock = failures >= MAX_FAILED_LOGINS;
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ failed_logins: lock ? 0 : failures, locked_until: lock ? new Date(now + LOCKOUT_MINUTES * 60_000).toISOString() : row.locked_until })
          .where('id', '=', row.id)
          .execute();
        await audit.record(trx, {
          actor: actorOf(row, 'session'),
          operation: 'authentication',
          action: lock ? 'session.lockout' : 'session.failed',
          object: { type: 'user', id: row.id },
          details: { reason, failures },
          requestId: input.requestId,
          ip: input.ip,
        });
      });
    } else {
      await audit.record(db, {
        actor: { kind: 'system', name: 'anonymous' },
        operation: 'authentication',
        action: 'session.failed',
        object: { type: 'user' },
        details: { reason: 'unknown username', username: normaliseUsername(input.username).slice(0, 64) },
        requestId: input.requestId,
        ip: input.ip,
      });
    }
    if (input.ip && throttle.recordFailure(input.ip)) {
      // Once per address and window: the refusals that follow are not recorded one by one (they would let anyone
      // fill the audit trail), and they cost no password check.
      await audit.record(db, {
        actor: { kind: 'system', name: 'anonymous' },
        operation: 'authentication',
        action: 'session.throttled',
        object: { type: 'address' },
        details: { failures: throttle.limit },
        requestId: input.requestId,
        ip: input.ip,
      });
    }
    throw new UnauthorizedError('Wrong username or password.', 'invalid-credentials');
  }

  /** Recovery codes are single-use: a match removes it. */
  function useRecoveryCode(row: UsersTable, code: string): string | null {
    const hashes = JSON.parse(row.recovery_codes ?? '[]') as string[];
    const wanted = sha256Hex(code.replace(/[\s-]/g, '').toLowerCase());
    const index = hashes.findIndex((h) => safeEqual(h, wanted));
    if (index < 0) return null;
    hashes.splice(index, 1);
    return JSON.stringify(hashes);
  }

  async function issueRecoveryCodes(): Promise<{ codes: string[]; stored: string }> {
    const codes = Array.from({ length: RECOVERY_CODES }, () => {
      const raw = randomToken(8).replace(/[^a-zA-Z0-9]/g, '').toLowerCase().slice(0, 10).padEnd(10, '0');
      return `${raw.slice(0, 5)}-${raw.slice(5)}`;
    });
    return { codes, stored: JSON.stringify(codes.map((c) => sha256Hex(c.replace('-', '')))) };
  }

  async function userRow(id: string): Promise<UsersTable> {
    const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('The user');
    return row;
  }

  return {
    async login(input: LoginInput): Promise<LoginResult> {
      const wait = input.ip ? throttle.retryAfter(input.ip) : 0;
      if (wait > 0) {
        throw new TooManyRequestsError(`Too many failed sign-ins from this address: try again in ${Math.ceil(wait / 60)} minute(s).`, wait, 'too-many-attempts');
      }
      const username = normaliseUsername(input.username);
      const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
      if (!row) {
        await verifyPassword(await decoyHash(), input.password);
        return loginFailed(undefined, input, 'unknown username');
      }
      const now = Date.now();
      if (row.locked_until && Date.parse(row.locked_until) > now) {
        const seconds = Math.ceil((Date.parse(row.locked_until) - now) / 1000);
        throw new TooManyRequestsError(
          `Too many failed sign-ins: this account is locked for ${Math.ceil(seconds / 60)} more minute(s), or until an admin unlocks it.`,
          seconds,
          'account-locked',
        );
      }
      if (!(await verifyPassword(row.password_hash, input.password))) return loginFailed(row, input, 'wrong password');
      if (row.status !== 'active') return loginFailed(row, input, 'account disabled');

      let recoveryCodes = row.recovery_codes;
      let totpStep = row.totp_last_step;
      if (row.totp_enabled === 1 && row.totp_secret) {
        if (!input.totp) throw new UnauthorizedError('Enter the 6-digit code from your authenticator app.', 'totp-required');
        const step = matchTotp(openTotp(row.id, row.totp_secret), input.totp.trim(), now);
        if (step !== null && (row.totp_last_step === null || step > row.totp_last_step)) {
          totpStep = step;
        } else {
          const remaining = step === null ? useRecoveryCode(row, input.totp) : null;
          if (remaining === null) return loginFailed(row, input, step === null ? 'wrong second factor' : 'second factor code reused');
          recoveryCodes = remaining;
        }
      }

      const sessionToken = randomToken();
      const csrfToken = randomToken();
      const at = nowIso(now);
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ failed_logins: 0, locked_until: null, last_login_at: at, recovery_codes: recoveryCodes, totp_last_step: totpStep })
          .where('id', '=', row.id)
          .execute();
        await trx
          .insertInto('sessions')
          .values({
            id: sha256Hex(sessionToken),
            user_id: row.id,
            csrf_token: csrfToken,
            created_at: at,
            last_seen_at: at,
            ip: input.ip ?? null,
            user_agent: input.userAgent?.slice(0, 300) ?? null,
          })
          .execute();
        await audit.record(trx, {
          actor: actorOf(row, 'session'),
          operation: 'authentication',
          action: 'session.create',
          object: { type: 'session' },
          details: recoveryCodes !== row.recovery_codes ? { secondFactor: 'recovery-code' } : null,
          requestId: input.requestId,
          ip: input.ip,
        });
      });
      return { sessionToken, csrfToken, user: toUser({ ...row, last_login_at: at }) };
    },

    /** Resolves a session cookie; an idle or over-age session is deleted and refused. */
    async authenticateSession(token: string, now = Date.now()): Promise<AuthenticatedSession | null> {
      const id = sha256Hex(token);
      const found = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select(['sessions.id', 'sessions.csrf_token', 'sessions.created_at', 'sessions.last_seen_at', 'users.id as user_id', 'users.username', 'users.agency_id', 'users.roles', 'users.status'])
        .where('sessions.id', '=', id)
        .executeTakeFirst();
      if (!found) return null;
      const idle = now - Date.parse(found.last_seen_at) > idleMs;
      const old = now - Date.parse(found.created_at) > SESSION_MAX_HOURS * 3_600_000;
      if (idle || old || found.status !== 'active') {
        await db.deleteFrom('sessions').where('id', '=', id).execute();
        return null;
      }
      if (now - Date.parse(found.last_seen_at) > TOUCH_INTERVAL_MS) {
        await db.updateTable('sessions').set({ last_seen_at: nowIso(now) }).where('id', '=', id).execute();
      }
      return { actor: actorOf({ ...found, id: found.user_id }, 'session'), sessionId: id, csrfToken: found.csrf_token };
    },

    async logout(ctx: RequestContext, sessionId: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('sessions').where('id', '=', sessionId).execute();
        await audit.record(trx, { actor: ctx.actor, operation: 'authentication', action: 'session.delete', object: { type: 'session' }, requestId: ctx.requestId, ip: ctx.ip });
      });
    },

    async authenticateToken(token: string): Promise<UserActor | null> {
      if (!token.startsWith(API_TOKEN_PREFIX)) return null;
      const found = await db
        .selectFrom('api_tokens')
        .innerJoin('users', 'users.id', 'api_tokens.user_id')
        .select(['api_tokens.id as token_id', 'api_tokens.last_used_at', 'users.id', 'users.username', 'users.agency_id', 'users.roles', 'users.status'])
        .where('api_tokens.token_hash', '=', sha256Hex(token))
        .where('api_tokens.revoked_at', 'is', null)
        .executeTakeFirst();
      if (!found || found.status !== 'active') return null;
      if (!found.last_used_at || Date.now() - Date.parse(found.last_used_at) > TOUCH_INTERVAL_MS) {
        await db.updateTable('api_tokens').set({ last_used_at: nowIso() }).where('id', '=', found.token_id).execute();
      }
      return actorOf(found, 'token');
    },

    async createToken(ctx: RequestContext, userId: string, name: string): Promise<ApiTokenInfo & { token: string }> {
      const clean = name.trim();
      if (!clean) throw new BadRequestError('Give the token a name that says what it is for.', 'invalid-token-name');
      const token = `${API_TOKEN_PREFIX}${randomToken()}`;
      const info: ApiTokenInfo = { id: newId(), name: clean, prefix: token.slice(0, 10), createdAt: nowIso(), lastUsedAt: null, revokedAt: null };
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('api_tokens')
          .values({ id: info.id, user_id: userId, name: clean, token_hash: sha256Hex(token), prefix: info.prefix, created_at: info.createdAt, last_used_at: null, revoked_at: null })
          .execute();
        await audit.record(trx, { actor: ctx.actor, operation: 'authentication', action: 'token.create', object: { type: 'api-token', id: info.id }, details: { name: clean, userId }, requestId: ctx.requestId, ip: ctx.ip });
      });
      return { ...info, token };
    },

    async listTokens(userId: string): Promise<ApiTokenInfo[]> {
      const rows = await db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
      return rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
    },

    async revokeToken(ctx: RequestContext, userId: string, tokenId: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const result = await trx.updateTable('api_tokens').set({ revoked_at: nowIso() }).where('id', '=', tokenId).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) throw new NotFoundError('The token');
        await audit.record(trx, { actor: ctx.actor, operation: 'authentication', action: 'token.revoke', object: { type: 'api-token', id: tokenId }, requestId: ctx.requestId, ip: ctx.ip });
      });
    },

    /** Step 1 of enrolment: a new secret, kept pending until the user proves their app has it. */
    async beginTotp(ctx: RequestContext, userId: string): Promise<{ uri: string; qrSvg: string; manualKey: string }> {
      const row = await userRow(userId);
      const secret = newTotpSecret();
      await db.updateTable('users').set({ totp_pending_secret: sealTotp(userId, secret), updated_at: nowIso() }).where('id', '=', userId).execute();
      await audit.record(db, { actor: ctx.actor, operation: 'authentication', action: 'totp.begin', object: { type: 'user', id: userId }, requestId: ctx.requestId, ip: ctx.ip });
      return totpEnrolment(secret, row.username);
    },

    /** Step 2: the first code from the app switches the second factor on and yields recovery codes, shown once. */
    async confirmTotp(ctx: RequestContext, userId: string, code: string): Promise<{ recoveryCodes: string[] }> {
      const row = await userRow(userId);
      if (!row.totp_pending_secret) throw new BadRequestError('Start the enrolment first.', 'totp-not-started');
      const secret = openTotp(userId, row.totp_pending_secret);
      const step = matchTotp(secret, code.trim());
      if (step === null) throw new BadRequestError('That code does not match. Check the time on your phone and try the next code.', 'totp-mismatch');
      const { codes, stored } = await issueRecoveryCodes();
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ totp_secret: row.totp_pending_secret, totp_pending_secret: null, totp_enabled: 1, totp_last_step: step, recovery_codes: stored, updated_at: nowIso() })
          .where('id', '=', userId)
          .execute();
        await audit.record(trx, { actor: ctx.actor, operation: 'authentication', action: 'totp.enable', object: { type: 'user', id: userId }, requestId: ctx.requestId, ip: ctx.ip });
      });
      return { recoveryCodes: codes };
    },

    /** Switching the second factor off needs the password again, so a borrowed unlocked screen is not enough. */
    async disableTotp(ctx: RequestContext, userId: string, password: string): Promise<void> {
      const row = await userRow(userId);
      if (!(await verifyPassword(row.password_hash, password))) throw new UnauthorizedError('Wrong password.', 'invalid-credentials');
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ totp_secret: null, totp_pending_secret: null, totp_enabled: 0, totp_last_step: null, recovery_codes: null, updated_at: nowIso() })
          .where('id', '=', userId)
          .execute();
        await audit.record(trx, { actor: ctx.actor, operation: 'authentication', action: 'totp.disable', object: { type: 'user', id: userId }, requestId: ctx.requestId, ip: ctx.ip });
      });
    },
  };
}
