import type { Kysely } from 'kysely';
import type { AuditLog } from '../../audit/audit-log.js';
import { BadRequestError, ConflictError, NotFoundError } from '../../errors.js';
import { systemActor } from '../../identity/actor.js';
import type { RequestContext } from '../../identity/context.js';
import { nowIso } from '../../store/ids.js';
import type { Database, ExchangeMembershipsTable } from '../../store/schema.js';
import { keyId, parsePublicJwk, type PublicJwk } from '../crypto/keys.js';
import { signJws, verifyJws } from '../crypto/signatures.js';
import { parseEnrolmentToken } from '../enrolment-token.js';
import type { KeyStore } from '../key-store.js';
import type { ExchangeLog } from '../log.js';
import { checkDirectoryDocument, type DirectoryDocument, type DirectoryKey, type MemberStatus } from '../protocol.js';
import { createHubClient, fetchHubIdentity, HubRefusedError, type HubClient } from './hub-client.js';

const SECURITY_ALARM = 'SECURITY:';

export interface Membership {
  agencyId: string;
  hubUrl: string;
  hubId: string;
  status: MemberStatus;
  directoryVersion: number;
  joinedAt: string;
  lastContactAt: string | null;
  lastError: string | null;
}

export interface DirectoryEntry {
  id: string;
  name: string;
  country: string;
  status: MemberStatus;
  /** Hosted on this node too (its messages still go through the hub). */
  hosted: boolean;
}

function toMembership(row: ExchangeMembershipsTable): Membership {
  return {
    agencyId: row.agency_id,
    hubUrl: row.hub_url,
    hubId: row.hub_id,
    status: row.status as MemberStatus,
    directoryVersion: row.directory_version,
    joinedAt: row.joined_at,
    lastContactAt: row.last_contact_at,
    lastError: row.last_error,
  };
}

export type NodeMembership = ReturnType<typeof createNodeMembership>;

/**
 * This node's side of the network membership: joining a hub with an enrolment token (pinning the hub's key), the
 * hub's signed directory (verified against the pinned key, never rolled back), and lookups of other agencies' keys.
 */
export function createNodeMembership(deps: { db: Kysely<Database>; audit: AuditLog; keys: KeyStore; onJoined?: (agencyId: string) => void; log?: ExchangeLog }) {
  const { db, audit, keys } = deps;
  const clients = new Map<string, HubClient>();
  const refreshing = new Map<string, Promise<number>>();
  const contactWritten = new Map<string, number>();

  async function membership(agencyId: string): Promise<ExchangeMembershipsTable | undefined> {
    return db.selectFrom('exchange_memberships').selectAll().where('agency_id', '=', agencyId).executeTakeFirst();
  }

  function clientFor(row: { agency_id: string; hub_url: string }): HubClient {
    let c = clients.get(row.agency_id);
    if (!c || c.hubUrl !== row.hub_url) {
      c = createHubClient({ hubUrl: row.hub_url, agencyId: row.agency_id, signingKey: () => keys.currentKey(row.agency_id, 'sig') });
      clients.set(row.agency_id, c);
    }
    return c;
  }

  async function verifyDirectory(row: { hub_key: string; hub_id: string; directory_version: number }, jws: string): Promise<DirectoryDocument> {
    const pinned = parsePublicJwk(JSON.parse(row.hub_key), 'sig');
    const pinnedKid = await keyId(pinned);
    const { payload } = await verifyJws(jws, 'tessera-directory+jws', (kid) => (kid === pinnedKid ? pinned : undefined));
    if (!checkDirectoryDocument.Check(payload)) throw new Error('the directory does not follow the protocol');
    if (payload.hub !== row.hub_id) throw new Error('the directory was signed for another hub');
    if (payload.version < row.directory_version) throw new Error(`the hub sent directory version ${payload.version}, older than version ${row.directory_version} held here`);
    return payload;
  }

  /** Stores a verified directory: entries for every member, and the network agencies in the node's agency list. */
  async function storeDirectory(agencyId: string, doc: DirectoryDocument): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const now = nowIso();
      const hosted = new Set((await trx.selectFrom('agencies').select('id').where('hosted', '=', 1).execute()).map((r) => r.id));
      for (const m of doc.members) {
        const values = { hub_id: doc.hub, name: m.name, country: m.country, status: m.status, keys: JSON.stringify(m.keys), version: doc.version, updated_at: now };
        await trx
          .insertInto('exchange_directory')
          .values({ agency_id: m.id, ...values })
          .onConflict((oc) => oc.column('agency_id').doUpdateSet(values))
          .execute();
        if (!hosted.has(m.id)) {
          await trx
            .insertInto('agencies')
            .values({ id: m.id, name: m.name, country: m.country, status: m.status, hosted: 0, node_url: null, created_at: now })
            .onConflict((oc) => oc.column('id').doUpdateSet({ name: m.name, country: m.country, status: m.status }))
            .execute();
        }
      }
      const mine = doc.members.find((m) => m.id === agencyId);
      await trx
        .updateTable('exchange_memberships')
        .set({ directory_version: doc.version, updated_at: now, ...(mine ? { status: mine.status } : {}) })
        .where('agency_id', '=', agencyId)
        .where('directory_version', '<=', doc.version)
        .execute();
    });
    entryCache.clear();
    await checkOwnEntries(doc);
  }

  /**
   * The hub signs the directory, so a dishonest hub could list its own key under an agency's name and read what is
   * sealed to it. Each agency is the one party that knows its keys: a directory that lists for a hosted agency a key
   * this node does not hold is reported (log and membership status), for the agency to raise out of band.
   */
  async function checkOwnEntries(doc: DirectoryDocument): Promise<void> {
    const members = await db.selectFrom('exchange_memberships').select('agency_id').where('hub_id', '=', doc.hub).execute();
    for (const { agency_id: agencyId } of members) {
      const entry = doc.members.find((m) => m.id === agencyId);
      if (!entry) continue;
      const foreign: string[] = [];
      for (const k of entry.keys) if (!(await keys.holds(agencyId, k.kid))) foreign.push(k.kid);
      if (foreign.length === 0) {
        await db.updateTable('exchange_memberships').set({ last_error: null }).where('agency_id', '=', agencyId).where('last_error', 'like', `${SECURITY_ALARM}%`).execute();
        continue;
      }
      const message = `${SECURITY_ALARM} the hub's directory v${doc.version} lists key(s) ${foreign.join(', ')} for this agency that this node does not hold: messages sealed to them may be readable by someone else. Tell the hub administrator and your partners out of band.`;
      deps.log?.error({ agencyId, hubId: doc.hub, directoryVersion: doc.version, foreign }, message);
      await db.updateTable('exchange_memberships').set({ last_error: message }).where('agency_id', '=', agencyId).execute();
      contactWritten.delete(agencyId);
    }
  }

  async function refreshDirectory(agencyId: string): Promise<number> {
    const inflight = refreshing.get(agencyId);
    if (inflight) return inflight;
    const run = (async () => {
      const row = await membership(agencyId);
      if (!row) throw new NotFoundError('The network membership');
      const { jws } = await clientFor(row).directory();
      const doc = await verifyDirectory(row, jws);
      await storeDirectory(agencyId, doc);
      return doc.version;
    })();
    refreshing.set(agencyId, run);
    try {
      return await run;
    } finally {
      refreshing.delete(agencyId);
    }
  }

  // Directory entries as read from the database, for a minute at most (another process of the node may refresh).
  const entryCache = new Map<string, { at: number; entry: { status: MemberStatus; keys: DirectoryKey[] } | undefined }>();
  const ENTRY_TTL_MS = 60_000;

  async function directoryKeys(agencyId: string): Promise<{ status: MemberStatus; keys: DirectoryKey[] } | undefined> {
    const cached = entryCache.get(agencyId);
    if (cached && Date.now() - cached.at < ENTRY_TTL_MS) return cached.entry;
    const row = await db.selectFrom('exchange_directory').select(['status', 'keys']).where('agency_id', '=', agencyId).executeTakeFirst();
    const entry = row ? { status: row.status as MemberStatus, keys: JSON.parse(row.keys) as DirectoryKey[] } : undefined;
    entryCache.set(agencyId, { at: Date.now(), entry });
    return entry;
  }

  return {
    clientFor,
    refreshDirectory,

    async membership(agencyId: string): Promise<Membership | undefined> {
      const row = await membership(agencyId);
      return row ? toMembership(row) : undefined;
    },

    async memberships(): Promise<Membership[]> {
      const rows = await db.selectFrom('exchange_memberships').selectAll().orderBy('joined_at').execute();
      return rows.map(toMembership);
    },

    async client(agencyId: string): Promise<HubClient> {
      const row = await membership(agencyId);
      if (!row) throw new ConflictError('This agency has not joined a network yet (tessera network join).', 'not-a-member');
      return clientFor(row);
    },

    /**
     * Joins a hub for one hosted agency: checks the key the hub presents against the token's thumbprint, sends the
     * agency's public keys signed with its signing key, and keeps the hub's key and first directory.
     */
    async join(ctx: RequestContext, input: { hubUrl: string; token: string; agencyId: string; nodeUrl?: string }): Promise<Membership> {
      const { hubKid } = parseEnrolmentToken(input.token);
      let hubUrl: string;
      try {
        const u = new URL(input.hubUrl);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
        hubUrl = u.toString().replace(/\/+$/, '');
      } catch {
        throw new BadRequestError(`"${input.hubUrl}" is not an http(s) URL of a hub.`, 'invalid-hub-url');
      }
      const agency = await db.selectFrom('agencies').selectAll().where('id', '=', input.agencyId).where('hosted', '=', 1).executeTakeFirst();
      if (!agency) throw new NotFoundError('The hosted agency');
      if (await membership(agency.id)) throw new ConflictError('This agency has already joined a network.', 'already-member');

      const identity = await fetchHubIdentity(hubUrl);
      const hubKey = parsePublicJwk(identity.key, 'sig');
      if ((await keyId(hubKey)) !== hubKid || identity.kid !== hubKid) {
        throw new BadRequestError('The hub presented a signing key that does not match the enrolment token. Do not join; tell the hub administrator.', 'hub-key-mismatch');
      }
      await keys.ensure(agency.id);
      const pub = await keys.publicKeys(agency.id);
      const sig = pub.find((k) => k.use === 'sig' && k.status === 'current')!;
      const enc = pub.find((k) => k.use === 'enc' && k.status === 'current')!;
      const client = createHubClient({ hubUrl, agencyId: agency.id, signingKey: () => keys.currentKey(agency.id, 'sig') });
      let joined;
      try {
        joined = await client.join({
          token: input.token.trim(),
          agency: { id: agency.id, name: agency.name, country: agency.country },
          keys: { sig: sig.jwk, enc: enc.jwk },
          ...(input.nodeUrl ? { nodeUrl: input.nodeUrl } : {}),
        });
      } catch (err) {
        if (err instanceof HubRefusedError) throw new BadRequestError(`The hub refused to enrol this agency: ${err.message}`, err.code);
        throw err;
      }
      const now = nowIso();
      const row: ExchangeMembershipsTable = {
        agency_id: agency.id,
        hub_url: hubUrl,
        hub_id: identity.hubId,
        hub_key: JSON.stringify(hubKey),
        status: joined.member.status,
        directory_version: 0,
        joined_at: now,
        updated_at: now,
        last_contact_at: now,
        last_error: null,
      };
      const doc = await verifyDirectory(row, joined.directory.jws);
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('exchange_memberships').values(row).execute();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'disclosure',
          action: 'network.join',
          object: { type: 'agency', id: agency.id },
          recipients: [identity.hubId],
          justification: ctx.justification,
          details: { hubUrl, hubId: identity.hubId, hubKid, disclosed: ['name', 'country', 'public keys'] },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      });
      await storeDirectory(agency.id, doc);
      clients.set(agency.id, client);
      deps.onJoined?.(agency.id);
      return toMembership((await membership(agency.id))!);
    },

    /** Network agencies other agencies can write to (for the compose form). */
    async directory(): Promise<DirectoryEntry[]> {
      const rows = await db
        .selectFrom('exchange_directory')
        .leftJoin('agencies', 'agencies.id', 'exchange_directory.agency_id')
        .select(['exchange_directory.agency_id', 'exchange_directory.name', 'exchange_directory.country', 'exchange_directory.status', 'agencies.hosted'])
        .orderBy('exchange_directory.name')
        .execute();
      return rows.map((r) => ({ id: r.agency_id, name: r.name, country: r.country, status: r.status as MemberStatus, hosted: r.hosted === 1 }));
    },

    /** Current encryption key of each recipient; refreshes the directory once when one is unknown. */
    async recipientKeys(agencyId: string, recipients: string[]): Promise<{ agencyId: string; kid: string; jwk: PublicJwk }[]> {
      const lookup = async () =>
        Promise.all(
          recipients.map(async (r) => {
            const entry = await directoryKeys(r);
            const key = entry?.status === 'active' ? entry.keys.find((k) => k.use === 'enc' && k.status === 'current') : undefined;
            return key ? { agencyId: r, kid: key.kid, jwk: parsePublicJwk(key.jwk, 'enc') } : undefined;
          }),
        );
      let found = await lookup();
      if (found.some((f) => f === undefined)) {
        await refreshDirectory(agencyId).catch(() => undefined);
        found = await lookup();
      }
      const missing = recipients.filter((_r, i) => found[i] === undefined);
      if (missing.length > 0) throw new BadRequestError(`Not active agencies of the network: ${missing.join(', ')}.`, 'unknown-recipient');
      return found as { agencyId: string; kid: string; jwk: PublicJwk }[];
    },

    /** A sender's signing key by kid, current or retired (a message signed just before a rotation still verifies). */
    async senderKey(agencyId: string, kid: string): Promise<PublicJwk | undefined> {
      const entry = await directoryKeys(agencyId);
      const key = entry?.keys.find((k) => k.use === 'sig' && k.kid === kid);
      return key && entry!.status !== 'pending' ? parsePublicJwk(key.jwk, 'sig') : undefined;
    },

    async markContact(agencyId: string, error: string | null): Promise<void> {
      // A healthy poll loop reports contact many times a minute: write it at most every 30 s.
      if (!error) {
        const last = contactWritten.get(agencyId) ?? 0;
        if (Date.now() - last < 30_000) return;
        contactWritten.set(agencyId, Date.now());
      } else contactWritten.delete(agencyId);
      if (error) {
        // A security alarm stays until a clean directory clears it; transport errors do not replace it.
        await db.updateTable('exchange_memberships').set({ last_error: error.slice(0, 500) }).where('agency_id', '=', agencyId).where((eb) => eb.or([eb('last_error', 'is', null), eb('last_error', 'not like', `${SECURITY_ALARM}%`)])).execute();
        return;
      }
      await db.updateTable('exchange_memberships').set({ last_contact_at: nowIso() }).where('agency_id', '=', agencyId).execute();
      await db.updateTable('exchange_memberships').set({ last_error: null }).where('agency_id', '=', agencyId).where('last_error', 'not like', `${SECURITY_ALARM}%`).execute();
    },

    /** New keys for a member agency: the hub learns them first (signed with the old key), then they become current. */
    async rotateKeys(ctx: RequestContext, agencyId: string): Promise<{ sig: string; enc: string }> {
      const row = await membership(agencyId);
      const rotated = await keys.rotate(agencyId, async (next) => {
        if (!row) return;
        const update = await signJws(next.signingKey, 'tessera-key-update+jws', {
          agency: agencyId,
          created: nowIso(),
          keys: [
            { use: 'sig', jwk: next.sig.jwk },
            { use: 'enc', jwk: next.enc.jwk },
          ],
        });
        await clientFor(row).updateKeys(update);
      });
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'alteration',
        action: 'network.keys.rotate',
        object: { type: 'agency', id: agencyId },
        details: { sig: rotated.sig, enc: rotated.enc, published: Boolean(row) },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      if (row) await refreshDirectory(agencyId).catch(() => undefined);
      return rotated;
    },

    systemContext(agencyId: string): RequestContext {
      return { actor: systemActor('exchange', agencyId) };
    },
  };
}
