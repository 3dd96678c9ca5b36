import type { Kysely } from 'kysely';
import type { AuditLog } from '../../audit/audit-log.js';
import { BadRequestError, ConflictError, NotFoundError } from '../../errors.js';
import { systemActor } from '../../identity/actor.js';
import type { RequestContext } from '../../identity/context.js';
import { nowIso } from '../../store/ids.js';
import type { Database, ExchangeMembershipsTable, ExchangePinnedKeysTable } from '../../store/schema.js';
import { keyId, parsePublicJwk, type PublicJwk } from '../crypto/keys.js';
import { signJws, verifyJws } from '../crypto/signatures.js';
import { parseEnrolmentToken } from '../enrolment-token.js';
import { currentKeysOf, followContinuity, signKeyContinuity, type KeyPair } from '../key-continuity.js';
import type { KeyStore } from '../key-store.js';
import type { ExchangeLog } from '../log.js';
import { checkDirectoryDocument, type DirectoryDocument, type DirectoryKey, type DirectoryMember, type MemberStatus } from '../protocol.js';
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

/** A key pair this node trusts for a network agency, and how it came to trust it. */
export interface PinnedKeys {
  agencyId: string;
  sigKid: string;
  encKid: string;
  source: 'first-seen' | 'continuity' | 'trust';
  pinnedAt: string;
  pinnedBy: string | null;
}

type PinRow = Omit<ExchangePinnedKeysTable, 'seq'> & { seq: number };

function pairOf(row: PinRow): KeyPair {
  return {
    sig: { kid: row.sig_kid, jwk: parsePublicJwk(JSON.parse(row.sig_jwk), 'sig'), use: 'sig' },
    enc: { kid: row.enc_kid, jwk: parsePublicJwk(JSON.parse(row.enc_jwk), 'enc'), use: 'enc' },
  };
}

function pinValues(agencyId: string, keys: KeyPair, source: PinnedKeys['source'], proof: string | null, pinnedBy: string | null): Omit<ExchangePinnedKeysTable, 'seq'> {
  return {
    agency_id: agencyId,
    sig_kid: keys.sig.kid,
    sig_jwk: JSON.stringify(keys.sig.jwk),
    enc_kid: keys.enc.kid,
    enc_jwk: JSON.stringify(keys.enc.jwk),
    source,
    proof,
    pinned_at: nowIso(),
    pinned_by: pinnedBy,
  };
}

interface BrokenContinuity {
  member: DirectoryMember;
  pinned: KeyPair;
  listed: KeyPair | undefined;
  reason: string;
}

/** Names the keys a directory lists for an agency that no proof links to the pinned ones; stable across versions. */
function continuityAlarm(b: BrokenContinuity): string {
  return (
    `the directory lists keys for ${b.member.name} (${b.member.id})${b.listed ? ` (signing key ${b.listed.sig.kid})` : ''} that do not follow from the signing key pinned here ` +
    `(${b.pinned.sig.kid}): ${b.reason}. This node will not seal to them; verify ${b.member.name}'s keys out of band, then run: tessera network trust --agency ${b.member.id} --kid <its signing key id>.`
  );
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
    const plan = await planPins(doc);
    await db.transaction().execute(async (trx) => {
      const now = nowIso();
      for (const pin of plan.pins) await trx.insertInto('exchange_pinned_keys').values(pin).execute();
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
    pinCache.clear();
    await checkEntries(doc, plan.broken);
  }

  async function pinRows(agencyIds?: string[]): Promise<Map<string, PinRow[]>> {
    let q = db.selectFrom('exchange_pinned_keys').selectAll().orderBy('seq');
    if (agencyIds) q = q.where('agency_id', 'in', agencyIds);
    const map = new Map<string, PinRow[]>();
    for (const r of await q.execute()) {
      const rows = map.get(r.agency_id) ?? [];
      rows.push({ ...r, seq: Number(r.seq) });
      map.set(r.agency_id, rows);
    }
    return map;
  }

  /**
   * What a verified directory changes in the keys this node trusts: an agency seen for the first time is pinned as
   * listed (trust on first use); a pinned one moves on only along continuity proofs from its pinned signing key.
   * Listed keys that no proof reaches are reported, and the pinned ones stay.
   */
  async function planPins(doc: DirectoryDocument): Promise<{ pins: Omit<ExchangePinnedKeysTable, 'seq'>[]; broken: BrokenContinuity[] }> {
    const rows = await pinRows();
    const pins: Omit<ExchangePinnedKeysTable, 'seq'>[] = [];
    const broken: BrokenContinuity[] = [];
    for (const m of doc.members) {
      const held = rows.get(m.id);
      if (!held?.length) {
        const listed = await currentKeysOf(m);
        if (!('problem' in listed)) pins.push(pinValues(m.id, listed, 'first-seen', null, null));
        continue;
      }
      const pinned = pairOf(held[held.length - 1]!);
      const outcome = await followContinuity(pinned, m);
      if (outcome.status === 'followed') for (const step of outcome.steps) pins.push(pinValues(m.id, step.keys, 'continuity', step.proof, null));
      else if (outcome.status === 'broken') broken.push({ member: m, pinned, listed: outcome.listed, reason: outcome.reason });
    }
    return { pins, broken };
  }

  /**
   * The hub signs the directory, so a dishonest hub could list its own key under an agency's name and read what is
   * sealed to it. Each agency is the one party that knows its keys: a directory that lists for a hosted agency a key
   * this node does not hold is reported (log and membership status), for the agency to raise out of band.
   */
  async function checkEntries(doc: DirectoryDocument, broken: BrokenContinuity[]): Promise<void> {
    const members = await db.selectFrom('exchange_memberships').select(['agency_id', 'last_error']).where('hub_id', '=', doc.hub).execute();
    const partnerAlarms = broken.map(continuityAlarm);
    for (const [i, b] of broken.entries()) {
      deps.log?.error({ agencyId: b.member.id, hubId: doc.hub, directoryVersion: doc.version, pinned: b.pinned.sig.kid, listed: b.listed?.sig.kid ?? null }, `${SECURITY_ALARM} ${partnerAlarms[i]}`);
      // Audited once per substitution, not at every refresh that finds it again.
      if (members.some((m) => m.last_error?.includes(partnerAlarms[i]!))) continue;
      await audit.record(db, {
        actor: systemActor('exchange'),
        operation: 'authentication',
        action: 'network.keys.continuity-broken',
        object: { type: 'agency', id: b.member.id },
        details: { hubId: doc.hub, directoryVersion: doc.version, pinned: { sig: b.pinned.sig.kid, enc: b.pinned.enc.kid }, listed: b.listed ? { sig: b.listed.sig.kid, enc: b.listed.enc.kid } : null, reason: b.reason },
      });
    }
    for (const { agency_id: agencyId } of members) {
      const entry = doc.members.find((m) => m.id === agencyId);
      const alarms: string[] = [];
      const foreign: string[] = [];
      for (const k of entry?.keys ?? []) if (!(await keys.holds(agencyId, k.kid))) foreign.push(k.kid);
      if (foreign.length > 0) {
        const own = `the hub's directory v${doc.version} lists key(s) ${foreign.join(', ')} for this agency that this node does not hold: messages sealed to them may be readable by someone else. Tell the hub administrator and your partners out of band.`;
        deps.log?.error({ agencyId, hubId: doc.hub, directoryVersion: doc.version, foreign }, `${SECURITY_ALARM} ${own}`);
        alarms.push(own);
      }
      alarms.push(...partnerAlarms);
      if (alarms.length === 0) {
        await db.updateTable('exchange_memberships').set({ last_error: null }).where('agency_id', '=', agencyId).where('last_error', 'like', `${SECURITY_ALARM}%`).execute();
        continue;
      }
      await db.updateTable('exchange_memberships').set({ last_error: `${SECURITY_ALARM} ${alarms.join(' ')}` }).where('agency_id', '=', agencyId).execute();
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

  // Directory entries and pins as read from the database, for a minute at most (another process of the node may
  // refresh).
  const entryCache = new Map<string, { at: number; entry: { name: string; status: MemberStatus; keys: DirectoryKey[] } | undefined }>();
  const pinCache = new Map<string, { at: number; pairs: KeyPair[] }>();
  const ENTRY_TTL_MS = 60_000;

  async function directoryKeys(agencyId: string): Promise<{ name: string; status: MemberStatus; keys: DirectoryKey[] } | undefined> {
    const cached = entryCache.get(agencyId);
    if (cached && Date.now() - cached.at < ENTRY_TTL_MS) return cached.entry;
    const row = await db.selectFrom('exchange_directory').select(['name', 'status', 'keys']).where('agency_id', '=', agencyId).executeTakeFirst();
    const entry = row ? { name: row.name, status: row.status as MemberStatus, keys: JSON.parse(row.keys) as DirectoryKey[] } : undefined;
    entryCache.set(agencyId, { at: Date.now(), entry });
    return entry;
  }

  /** The pairs trusted for an agency, oldest first: the last is the one to seal to. */
  async function pinnedPairs(agencyId: string): Promise<KeyPair[]> {
    const cached = pinCache.get(agencyId);
    if (cached && Date.now() - cached.at < ENTRY_TTL_MS) return cached.pairs;
    const pairs = ((await pinRows([agencyId])).get(agencyId) ?? []).map(pairOf);
    pinCache.set(agencyId, { at: Date.now(), pairs });
    return pairs;
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

    /**
     * The encryption key to seal to for each recipient: the one its pinned signing key vouches for, and only while the
     * directory lists that pair as current (keys listed without a continuity proof are refused, not used). Refreshes
     * the directory once when a recipient is unknown or its keys do not match.
     */
    async recipientKeys(agencyId: string, recipients: string[]): Promise<{ agencyId: string; kid: string; jwk: PublicJwk }[]> {
      type Found = { agencyId: string; kid: string; jwk: PublicJwk } | { broken: string } | undefined;
      const lookup = async (): Promise<Found[]> =>
        Promise.all(
          recipients.map(async (r): Promise<Found> => {
            const entry = await directoryKeys(r);
            if (entry?.status !== 'active') return undefined;
            const head = (await pinnedPairs(r)).at(-1);
            if (!head) return undefined;
            const listed = (use: 'sig' | 'enc') => entry.keys.find((k) => k.use === use && k.status === 'current')?.kid;
            if (listed('sig') !== head.sig.kid || listed('enc') !== head.enc.kid) return { broken: entry.name };
            return { agencyId: r, kid: head.enc.kid, jwk: head.enc.jwk };
          }),
        );
      let found = await lookup();
      if (found.some((f) => f === undefined || 'broken' in f)) {
        await refreshDirectory(agencyId).catch(() => undefined);
        found = await lookup();
      }
      const missing = recipients.filter((_r, i) => found[i] === undefined);
      if (missing.length > 0) throw new BadRequestError(`Not active agencies of the network: ${missing.join(', ')}.`, 'unknown-recipient');
      const brokenAt = found.findIndex((f) => f !== undefined && 'broken' in f);
      if (brokenAt >= 0) {
        const name = (found[brokenAt] as { broken: string }).broken;
        throw new ConflictError(
          `The directory's keys for ${name} (${recipients[brokenAt]}) changed without a continuity proof, so nothing is sealed to them. Verify ${name}'s keys out of band; an administrator then re-pins them (tessera network trust --agency ${recipients[brokenAt]} --kid <its signing key id>).`,
          'key-continuity-broken',
        );
      }
      return found as { agencyId: string; kid: string; jwk: PublicJwk }[];
    },

    /**
     * A sender's signing key by kid, among those pinned for it (a message signed just before a rotation still
     * verifies); a key the directory lists without a continuity proof is not one of them.
     */
    async senderKey(agencyId: string, kid: string): Promise<PublicJwk | undefined> {
      const entry = await directoryKeys(agencyId);
      if (!entry || entry.status === 'pending') return undefined;
      return (await pinnedPairs(agencyId)).find((p) => p.sig.kid === kid)?.sig.jwk;
    },

    /** The key pairs this node trusts for an agency, oldest first (the last is the one sealed to). */
    async pinnedKeys(agencyId: string): Promise<PinnedKeys[]> {
      const rows = (await pinRows([agencyId])).get(agencyId) ?? [];
      return rows.map((r) => ({ agencyId: r.agency_id, sigKid: r.sig_kid, encKid: r.enc_kid, source: r.source as PinnedKeys['source'], pinnedAt: r.pinned_at, pinnedBy: r.pinned_by }));
    },

    /**
     * An administrator, having compared the agency's signing key id with the agency out of band, pins the pair the
     * directory now lists for it (after a continuity alarm, or a key loss the agency could not prove). `sigKid` must
     * be the listed signing key's id: the check out of band is what makes the new pin trustworthy.
     */
    async trust(ctx: RequestContext, partnerId: string, sigKid: string): Promise<{ sig: string; enc: string; previous: string | null }> {
      const row = await db.selectFrom('exchange_directory').selectAll().where('agency_id', '=', partnerId).executeTakeFirst();
      if (!row) throw new NotFoundError('The agency in the directory');
      const listed = await currentKeysOf({ id: row.agency_id, name: row.name, country: row.country, status: row.status as MemberStatus, keys: JSON.parse(row.keys) as DirectoryKey[] });
      if ('problem' in listed) throw new BadRequestError(`The directory's entry for ${row.name} cannot be pinned: ${listed.problem}.`, 'invalid-directory-keys');
      if (listed.sig.kid !== sigKid.trim()) {
        throw new BadRequestError(`The directory lists signing key ${listed.sig.kid} for ${row.name}, not ${sigKid.trim()}: nothing was pinned. Check again with ${row.name} out of band.`, 'key-mismatch');
      }
      const previous = (await pinnedPairs(partnerId)).at(-1)?.sig.kid ?? null;
      const by = ctx.actor.kind === 'user' ? ctx.actor.username : `system:${ctx.actor.name}`;
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('exchange_pinned_keys').values(pinValues(partnerId, listed, 'trust', null, by)).execute();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'alteration',
          action: 'network.keys.trust',
          object: { type: 'agency', id: partnerId },
          justification: ctx.justification,
          details: { name: row.name, sig: listed.sig.kid, enc: listed.enc.kid, previous },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      });
      pinCache.clear();
      // The alarm goes with the next directory that agrees with the pins: look now rather than at the next change.
      for (const m of await db.selectFrom('exchange_memberships').select('agency_id').execute()) await refreshDirectory(m.agency_id).catch(() => undefined);
      return { sig: listed.sig.kid, enc: listed.enc.kid, previous };
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
        // Signed with the key being left (still current here): partners follow the rotation from the key they pinned.
        const continuity = await signKeyContinuity(await keys.currentKey(agencyId, 'sig'), agencyId, { sig: next.sig.kid, enc: next.enc.kid });
        const update = await signJws(next.signingKey, 'tessera-key-update+jws', {
          agency: agencyId,
          created: nowIso(),
          keys: [
            { use: 'sig', jwk: next.sig.jwk },
            { use: 'enc', jwk: next.enc.jwk },
          ],
        });
        await clientFor(row).updateKeys(update, continuity);
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
