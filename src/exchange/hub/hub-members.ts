import type { Kysely } from 'kysely';
import type { AuditLog } from '../../audit/audit-log.js';
import { BadRequestError, ConflictError, NotFoundError, UnauthorizedError } from '../../errors.js';
import { normaliseAgencyInput } from '../../identity/agency-service.js';
import type { RequestContext } from '../../identity/context.js';
import { sha256Hex } from '../../identity/secrets.js';
import { newId, nowIso } from '../../store/ids.js';
import type { Database, HubMembersTable } from '../../store/schema.js';
import { keyId, parsePublicJwk, type PrivateKey, type PublicJwk } from '../crypto/keys.js';
import { signJws, verifyJws } from '../crypto/signatures.js';
import { newEnrolmentToken, parseEnrolmentToken } from '../enrolment-token.js';
import { verifyKeyContinuity } from '../key-continuity.js';
import type { KeyStore } from '../key-store.js';
import { checkKeyUpdate, PROTOCOL_VERSION, type DirectoryDocument, type DirectoryMember, type MemberStatus } from '../protocol.js';

const HUB_ID_SETTING = 'exchange.hub.id';
const ENROLMENT_DAYS = 7;
/** Old directory versions kept (a node that fetched one a moment ago still finds it). */
const DIRECTORY_HISTORY = 20;

export interface HubMember {
  agencyId: string;
  name: string;
  country: string;
  status: MemberStatus;
  joinedAt: string;
  approvedAt: string | null;
  keys: { kid: string; use: 'sig' | 'enc'; status: 'current' | 'retired' }[];
}

export interface HubEnrolment {
  id: string;
  name: string;
  country: string;
  expiresAt: string;
  createdAt: string;
  usedAt: string | null;
  agencyId: string | null;
}

export interface JoinRequest {
  token: string;
  agency: { id: string; name: string; country: string };
  keys: { sig: unknown; enc: unknown };
  nodeUrl?: string | undefined;
}

export type HubMembers = ReturnType<typeof createHubMembers>;

/**
 * The hub's membership: its own identity and signing key, enrolment tokens issued by the hub admin, members joining
 * with their public keys (pending until approved), key updates, and the signed directory that nodes pin and verify.
 */
export function createHubMembers(deps: { db: Kysely<Database>; audit: AuditLog; keys: KeyStore }) {
  const { db, audit, keys } = deps;
  let hubIdCache: string | null = null;

  async function hubId(): Promise<string> {
    if (hubIdCache) return hubIdCache;
    let row = await db.selectFrom('settings').select('value').where('key', '=', HUB_ID_SETTING).executeTakeFirst();
    if (!row) {
      await db.insertInto('settings').values({ key: HUB_ID_SETTING, value: newId() }).onConflict((oc) => oc.column('key').doNothing()).execute();
      row = await db.selectFrom('settings').select('value').where('key', '=', HUB_ID_SETTING).executeTakeFirstOrThrow();
    }
    await keys.ensure(row.value);
    hubIdCache = row.value;
    return row.value;
  }

  async function identity(): Promise<{ hubId: string; kid: string; key: PublicJwk }> {
    const id = await hubId();
    const current = (await keys.publicKeys(id)).find((k) => k.use === 'sig' && k.status === 'current')!;
    return { hubId: id, kid: current.kid, key: current.jwk };
  }

  async function memberKeys(trx: Kysely<Database>, agencyIds?: string[]) {
    let q = trx.selectFrom('hub_member_keys').selectAll().orderBy('added_at');
    if (agencyIds) q = q.where('agency_id', 'in', agencyIds);
    return q.execute();
  }

  /** The hub's signing key, fetched before a transaction opens (SQLite has one connection: no queries beside it). */
  async function signer(): Promise<{ id: string; key: PrivateKey<'sig'> }> {
    const id = await hubId();
    return { id, key: await keys.currentKey(id, 'sig') };
  }

  /** Signs and stores the next directory version; runs inside the transaction that changed the membership. */
  async function publishDirectory(trx: Kysely<Database>, hub: { id: string; key: PrivateKey<'sig'> }): Promise<number> {
    const id = hub.id;
    const members = await trx.selectFrom('hub_members').selectAll().orderBy('name').execute();
    const allKeys = await memberKeys(trx);
    const proofs = await trx.selectFrom('hub_key_continuity').select(['agency_id', 'jws']).orderBy('id').execute();
    const last = await trx.selectFrom('hub_directory').select('version').orderBy('version', 'desc').limit(1).executeTakeFirst();
    const version = (last?.version ?? 0) + 1;
    const document: DirectoryDocument = {
      v: PROTOCOL_VERSION,
      hub: id,
      version,
      issued: nowIso(),
      members: members.map(
        (m): DirectoryMember => ({
          id: m.agency_id,
          name: m.name,
          country: m.country,
          status: m.status as MemberStatus,
          keys: allKeys
            .filter((k) => k.agency_id === m.agency_id)
            .map((k) => ({ kid: k.kid, use: k.use as 'sig' | 'enc', status: k.status as 'current' | 'retired', jwk: JSON.parse(k.jwk) })),
          continuity: proofs.filter((p) => p.agency_id === m.agency_id).map((p) => p.jws),
        }),
      ),
    };
    const jws = await signJws(hub.key, 'tessera-directory+jws', document);
    await trx.insertInto('hub_directory').values({ version, jws, created_at: document.issued }).execute();
    await trx.deleteFrom('hub_directory').where('version', '<=', version - DIRECTORY_HISTORY).execute();
    return version;
  }

  function toMember(row: HubMembersTable, keyRows: { agency_id: string; kid: string; use: string; status: string }[]): HubMember {
    return {
      agencyId: row.agency_id,
      name: row.name,
      country: row.country,
      status: row.status as MemberStatus,
      joinedAt: row.joined_at,
      approvedAt: row.approved_at,
      keys: keyRows.filter((k) => k.agency_id === row.agency_id).map((k) => ({ kid: k.kid, use: k.use as 'sig' | 'enc', status: k.status as 'current' | 'retired' })),
    };
  }

  async function setStatus(ctx: RequestContext, agencyId: string, status: MemberStatus, action: string): Promise<HubMember> {
    const hub = await signer();
    return db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('hub_members').selectAll().where('agency_id', '=', agencyId).executeTakeFirst();
      if (!row) throw new NotFoundError('The member agency');
      const now = nowIso();
      const approved = status === 'active' && !row.approved_at ? { approved_at: now, approved_by: ctx.actor.kind === 'user' ? ctx.actor.username : `system:${ctx.actor.name}` } : {};
      await trx.updateTable('hub_members').set({ status, updated_at: now, ...approved }).where('agency_id', '=', agencyId).execute();
      const version = await publishDirectory(trx, hub);
      await audit.record(trx, {
        actor: ctx.actor,
        operation: 'alteration',
        action,
        object: { type: 'hub-member', id: agencyId },
        details: { name: row.name, country: row.country, from: row.status, to: status, directoryVersion: version },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      const updated = await trx.selectFrom('hub_members').selectAll().where('agency_id', '=', agencyId).executeTakeFirstOrThrow();
      return toMember(updated, await memberKeys(trx, [agencyId]));
    });
  }

  return {
    hubId,
    identity,

    /** Issues a one-time token for a named agency; only its hash is kept. */
    async enrol(ctx: RequestContext, input: { name: string; country: string }): Promise<{ token: string; enrolment: HubEnrolment }> {
      const { name, country } = normaliseAgencyInput(input);
      const { kid } = await identity();
      const { token } = newEnrolmentToken(kid);
      const now = nowIso();
      const row = {
        id: newId(),
        name,
        country,
        token_hash: sha256Hex(token),
        expires_at: new Date(Date.now() + ENROLMENT_DAYS * 86_400_000).toISOString(),
        created_at: now,
        created_by: ctx.actor.kind === 'user' ? ctx.actor.username : `system:${ctx.actor.name}`,
        used_at: null,
        agency_id: null,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('hub_enrolments').values(row).execute();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'collection',
          action: 'hub.enrolment.create',
          object: { type: 'hub-enrolment', id: row.id },
          details: { name, country, expiresAt: row.expires_at },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      });
      return { token, enrolment: { id: row.id, name, country, expiresAt: row.expires_at, createdAt: now, usedAt: null, agencyId: null } };
    },

    async enrolments(): Promise<HubEnrolment[]> {
      const rows = await db.selectFrom('hub_enrolments').selectAll().orderBy('created_at', 'desc').execute();
      return rows.map((r) => ({ id: r.id, name: r.name, country: r.country, expiresAt: r.expires_at, createdAt: r.created_at, usedAt: r.used_at, agencyId: r.agency_id }));
    },

    /**
     * A node presents an enrolment token and the agency's public keys. The request itself must be signed with the
     * signing key it presents (proof of possession); the caller has checked that. The member starts pending.
     */
    async join(request: JoinRequest, meta: { requestId?: string; ip?: string } = {}): Promise<HubMember> {
      parseEnrolmentToken(request.token);
      const sig = parsePublicJwk(request.keys.sig, 'sig');
      const enc = parsePublicJwk(request.keys.enc, 'enc');
      const hub = await signer();
      const kids = { sig: await keyId(sig), enc: await keyId(enc) };
      return db.transaction().execute(async (trx) => {
        const enrolment = await trx.selectFrom('hub_enrolments').selectAll().where('token_hash', '=', sha256Hex(request.token.trim())).executeTakeFirst();
        if (!enrolment || enrolment.used_at || enrolment.expires_at < nowIso()) {
          throw new UnauthorizedError('The enrolment token is unknown, used or expired; ask the hub administrator for a new one.', 'invalid-enrolment-token');
        }
        const claimed = await trx.updateTable('hub_enrolments').set({ used_at: nowIso(), agency_id: request.agency.id }).where('id', '=', enrolment.id).where('used_at', 'is', null).executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) throw new UnauthorizedError('The enrolment token was used a moment ago.', 'invalid-enrolment-token');
        const existing = await trx.selectFrom('hub_members').select('agency_id').where('agency_id', '=', request.agency.id).executeTakeFirst();
        if (existing) throw new ConflictError('This agency is already a member of the hub.', 'already-member');
        const now = nowIso();
        // The hub admin named the agency when issuing the token: that name and country are what the network sees.
        await trx
          .insertInto('hub_members')
          .values({
            agency_id: request.agency.id,
            name: enrolment.name,
            country: enrolment.country,
            status: 'pending',
            node_url: request.nodeUrl ?? null,
            enrolment_id: enrolment.id,
            joined_at: now,
            updated_at: now,
            approved_at: null,
            approved_by: null,
          })
          .execute();
        for (const [use, jwk] of [['sig', sig], ['enc', enc]] as const) {
          await trx.insertInto('hub_member_keys').values({ kid: kids[use], agency_id: request.agency.id, use, jwk: JSON.stringify(jwk), status: 'current', added_at: now, retired_at: null }).execute();
        }
        const version = await publishDirectory(trx, hub);
        await audit.record(trx, {
          actor: { kind: 'system', name: 'hub' },
          operation: 'collection',
          action: 'hub.member.join',
          object: { type: 'hub-member', id: request.agency.id },
          details: { enrolment: enrolment.id, name: enrolment.name, country: enrolment.country, presentedName: request.agency.name, directoryVersion: version },
          requestId: meta.requestId,
          ip: meta.ip,
        });
        const row = await trx.selectFrom('hub_members').selectAll().where('agency_id', '=', request.agency.id).executeTakeFirstOrThrow();
        return toMember(row, await memberKeys(trx, [request.agency.id]));
      });
    },

    approve: (ctx: RequestContext, agencyId: string) => setStatus(ctx, agencyId, 'active', 'hub.member.approve'),
    suspend: (ctx: RequestContext, agencyId: string) => setStatus(ctx, agencyId, 'suspended', 'hub.member.suspend'),

    async members(): Promise<HubMember[]> {
      const rows = await db.selectFrom('hub_members').selectAll().orderBy('name').execute();
      const k = await memberKeys(db);
      return rows.map((r) => toMember(r, k));
    },

    async member(agencyId: string): Promise<HubMember | undefined> {
      const row = await db.selectFrom('hub_members').selectAll().where('agency_id', '=', agencyId).executeTakeFirst();
      return row ? toMember(row, await memberKeys(db, [agencyId])) : undefined;
    },

    /** Finds a member by id or by exact name (for the CLI). */
    async resolve(idOrName: string): Promise<string> {
      const rows = await db.selectFrom('hub_members').select(['agency_id', 'name']).execute();
      const match = rows.filter((r) => r.agency_id === idOrName || r.name.toLowerCase() === idOrName.trim().toLowerCase());
      if (match.length === 0) throw new NotFoundError(`The member agency "${idOrName}"`);
      if (match.length > 1) throw new BadRequestError(`Several members are named "${idOrName}"; use the agency id.`);
      return match[0]!.agency_id;
    },

    /** A member's signing key, for verifying its signatures; `currentOnly` for request signatures. */
    async signingKey(agencyId: string, kid: string, currentOnly: boolean): Promise<PublicJwk | undefined> {
      let q = db.selectFrom('hub_member_keys').select('jwk').where('kid', '=', kid).where('agency_id', '=', agencyId).where('use', '=', 'sig');
      if (currentOnly) q = q.where('status', '=', 'current');
      const row = await q.executeTakeFirst();
      return row ? parsePublicJwk(JSON.parse(row.jwk), 'sig') : undefined;
    },

    async encryptionKeyIds(agencyIds: string[]): Promise<Map<string, Set<string>>> {
      const rows = await db.selectFrom('hub_member_keys').select(['agency_id', 'kid']).where('agency_id', 'in', agencyIds).where('use', '=', 'enc').execute();
      const map = new Map<string, Set<string>>();
      for (const r of rows) map.set(r.agency_id, (map.get(r.agency_id) ?? new Set()).add(r.kid));
      return map;
    },

    async statuses(agencyIds: string[]): Promise<Map<string, MemberStatus>> {
      if (agencyIds.length === 0) return new Map();
      const rows = await db.selectFrom('hub_members').select(['agency_id', 'status']).where('agency_id', 'in', agencyIds).execute();
      return new Map(rows.map((r) => [r.agency_id, r.status as MemberStatus]));
    },

    /**
     * A member replaces its keys (rotation). The request was signed with its current key; `update` is a JWS by the
     * new signing key over the new keys, proving the member holds it; `continuity` is a JWS by the current signing key
     * naming the new ones, which the hub keeps and publishes so that nodes can follow the rotation without trusting
     * the hub. Old keys are kept as retired.
     */
    async updateKeys(agencyId: string, update: string, continuity: string | undefined, meta: { requestId?: string; ip?: string } = {}): Promise<number> {
      let payload: unknown;
      try {
        const claimed = JSON.parse(Buffer.from(update.split('.')[1] ?? '', 'base64url').toString('utf8')) as { keys?: { use?: string; jwk?: unknown }[] };
        const newSig = parsePublicJwk(claimed.keys?.find((k) => k.use === 'sig')?.jwk, 'sig');
        payload = (await verifyJws(update, 'tessera-key-update+jws', async (kid) => ((await keyId(newSig)) === kid ? newSig : undefined))).payload;
      } catch {
        throw new BadRequestError('The key update is not signed by the new signing key it presents.', 'invalid-key-update');
      }
      if (!checkKeyUpdate.Check(payload) || payload.agency !== agencyId) throw new BadRequestError('The key update is malformed or names another agency.', 'invalid-key-update');
      const sig = parsePublicJwk(payload.keys.find((k) => k.use === 'sig')?.jwk, 'sig');
      const enc = parsePublicJwk(payload.keys.find((k) => k.use === 'enc')?.jwk, 'enc');
      const kids = { sig: await keyId(sig), enc: await keyId(enc) };
      const current = await db.selectFrom('hub_member_keys').select(['kid', 'jwk']).where('agency_id', '=', agencyId).where('use', '=', 'sig').where('status', '=', 'current').executeTakeFirst();
      if (!continuity || !current) throw new BadRequestError('A key rotation needs a continuity proof signed with the current signing key.', 'invalid-key-continuity');
      try {
        const proof = await verifyKeyContinuity(continuity, { agency: agencyId, from: { kid: current.kid, jwk: parsePublicJwk(JSON.parse(current.jwk), 'sig') } });
        if (proof.to.sig !== kids.sig || proof.to.enc !== kids.enc) throw new Error('the proof names other keys than the update');
      } catch (err) {
        throw new BadRequestError(`The key continuity proof is refused: ${(err as Error).message}.`, 'invalid-key-continuity');
      }
      const hub = await signer();
      return db.transaction().execute(async (trx) => {
        const now = nowIso();
        await trx.updateTable('hub_member_keys').set({ status: 'retired', retired_at: now }).where('agency_id', '=', agencyId).where('status', '=', 'current').execute();
        for (const [use, jwk] of [['sig', sig], ['enc', enc]] as const) {
          const kid = kids[use];
          await trx
            .insertInto('hub_member_keys')
            .values({ kid, agency_id: agencyId, use, jwk: JSON.stringify(jwk), status: 'current', added_at: now, retired_at: null })
            .onConflict((oc) => oc.column('kid').doUpdateSet({ status: 'current', retired_at: null }))
            .execute();
        }
        await trx.insertInto('hub_key_continuity').values({ agency_id: agencyId, from_kid: current.kid, to_sig_kid: kids.sig, to_enc_kid: kids.enc, jws: continuity, created_at: now }).execute();
        const version = await publishDirectory(trx, hub);
        await audit.record(trx, {
          actor: { kind: 'system', name: 'hub' },
          operation: 'alteration',
          action: 'hub.member.keys',
          object: { type: 'hub-member', id: agencyId },
          details: { directoryVersion: version, from: current.kid, sig: kids.sig, enc: kids.enc },
          requestId: meta.requestId,
          ip: meta.ip,
        });
        return version;
      });
    },

    async directory(): Promise<{ version: number; jws: string } | undefined> {
      const row = await db.selectFrom('hub_directory').select(['version', 'jws']).orderBy('version', 'desc').limit(1).executeTakeFirst();
      return row ?? undefined;
    },

    async directoryVersion(): Promise<number> {
      const row = await db.selectFrom('hub_directory').select('version').orderBy('version', 'desc').limit(1).executeTakeFirst();
      return row?.version ?? 0;
    },

    /** Ensures a signed directory exists (a fresh hub publishes an empty one). */
    async ensureDirectory(): Promise<void> {
      if ((await this.directoryVersion()) > 0) return;
      const hub = await signer();
      await db.transaction().execute(async (trx) => {
        const again = await trx.selectFrom('hub_directory').select('version').limit(1).executeTakeFirst();
        if (!again) await publishDirectory(trx, hub);
      });
    },
  };
}
