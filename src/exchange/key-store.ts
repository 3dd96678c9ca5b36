import type { Kysely } from 'kysely';
import { generateKey, openPrivateKey, parsePublicJwk, type KeyUse, type PrivateKey, type PublicJwk } from './crypto/keys.js';
import type { MasterKey } from './crypto/master-key.js';
import { nowIso } from '../store/ids.js';
import type { Database } from '../store/schema.js';

export type KeyStatus = 'current' | 'retired';

export interface PublicKeyEntry {
  kid: string;
  use: KeyUse;
  status: KeyStatus;
  jwk: PublicJwk;
}

export type KeyStore = ReturnType<typeof createKeyStore>;

/**
 * The key pairs of the agencies hosted on this node (and of the hub itself on a hub node): one current signing and
 * one current encryption key per owner, plus retired ones kept to open what was sealed to them before a rotation.
 * Opened private keys are cached in memory as opaque handles.
 */
export function createKeyStore(deps: { db: Kysely<Database>; masterKey: MasterKey }) {
  const { db, masterKey } = deps;
  const opened = new Map<string, PrivateKey>();
  // Keys made by a rotation that the hub may already list while this node has not yet made them current.
  const rotating = new Set<string>();

  async function insert(into: Kysely<Database>, ownerId: string, use: KeyUse): Promise<string> {
    const generated = await generateKey(masterKey, ownerId, use);
    await into
      .insertInto('exchange_keys')
      .values({
        kid: generated.kid,
        owner_id: ownerId,
        use,
        public_jwk: JSON.stringify(generated.publicJwk),
        private_sealed: generated.sealed,
        status: 'current',
        created_at: nowIso(),
        retired_at: null,
      })
      .execute();
    opened.set(generated.kid, generated.key);
    return generated.kid;
  }

  async function ensure(ownerId: string, into: Kysely<Database> = db): Promise<void> {
    const current = await into.selectFrom('exchange_keys').select('use').where('owner_id', '=', ownerId).where('status', '=', 'current').execute();
    for (const use of ['sig', 'enc'] as const) {
      if (!current.some((k) => k.use === use)) await insert(into, ownerId, use);
    }
  }

  async function open<U extends KeyUse>(ownerId: string, kid: string, use: U): Promise<PrivateKey<U> | undefined> {
    const cached = opened.get(kid);
    if (cached) return cached.use === use ? (cached as PrivateKey<U>) : undefined;
    const row = await db.selectFrom('exchange_keys').selectAll().where('kid', '=', kid).where('owner_id', '=', ownerId).where('use', '=', use).executeTakeFirst();
    if (!row) return undefined;
    const key = await openPrivateKey(masterKey, ownerId, kid, use, row.private_sealed);
    opened.set(kid, key);
    return key;
  }

  return {
    /** Creates the owner's current signing and encryption keys if it lacks either (idempotent). */
    ensure,

    async currentKey<U extends KeyUse>(ownerId: string, use: U): Promise<PrivateKey<U>> {
      let row = await db.selectFrom('exchange_keys').select('kid').where('owner_id', '=', ownerId).where('use', '=', use).where('status', '=', 'current').executeTakeFirst();
      if (!row) {
        await ensure(ownerId);
        row = await db.selectFrom('exchange_keys').select('kid').where('owner_id', '=', ownerId).where('use', '=', use).where('status', '=', 'current').executeTakeFirstOrThrow();
      }
      return (await open(ownerId, row.kid, use))!;
    },

    /** Every decryption key of the owner (current and retired), for opening envelopes sealed before a rotation. */
    async decryptionKeys(ownerId: string): Promise<Map<string, PrivateKey<'enc'>>> {
      const rows = await db.selectFrom('exchange_keys').select('kid').where('owner_id', '=', ownerId).where('use', '=', 'enc').execute();
      const keys = new Map<string, PrivateKey<'enc'>>();
      for (const r of rows) keys.set(r.kid, (await open(ownerId, r.kid, 'enc'))!);
      return keys;
    },

    async publicKeys(ownerId: string): Promise<PublicKeyEntry[]> {
      const rows = await db.selectFrom('exchange_keys').select(['kid', 'use', 'status', 'public_jwk']).where('owner_id', '=', ownerId).orderBy('created_at').execute();
      return rows.map((r) => ({ kid: r.kid, use: r.use as KeyUse, status: r.status as KeyStatus, jwk: parsePublicJwk(JSON.parse(r.public_jwk)) }));
    },

    /**
     * New current keys; the previous ones are retired, not deleted. `publish` runs first with the new public keys and
     * a handle on the new signing key (to tell the hub, signing with the old key still current): if it throws, the
     * new keys are discarded and the old ones stay current.
     */
    async rotate(
      ownerId: string,
      publish?: (next: { sig: PublicKeyEntry; enc: PublicKeyEntry; signingKey: PrivateKey<'sig'> }) => Promise<void>,
    ): Promise<{ sig: string; enc: string }> {
      const sig = await generateKey(masterKey, ownerId, 'sig');
      const enc = await generateKey(masterKey, ownerId, 'enc');
      rotating.add(sig.kid).add(enc.kid);
      try {
        if (publish) {
        await publish({
          sig: { kid: sig.kid, use: 'sig', status: 'current', jwk: sig.publicJwk },
          enc: { kid: enc.kid, use: 'enc', status: 'current', jwk: enc.publicJwk },
          signingKey: sig.key,
        });
      }
        await db.transaction().execute(async (trx) => {
        await trx.updateTable('exchange_keys').set({ status: 'retired', retired_at: nowIso() }).where('owner_id', '=', ownerId).where('status', '=', 'current').execute();
        for (const g of [sig, enc]) {
          await trx
            .insertInto('exchange_keys')
            .values({ kid: g.kid, owner_id: ownerId, use: g.use, public_jwk: JSON.stringify(g.publicJwk), private_sealed: g.sealed, status: 'current', created_at: nowIso(), retired_at: null })
            .execute();
        }
      });
      } finally {
        rotating.delete(sig.kid);
        rotating.delete(enc.kid);
      }
      opened.set(sig.kid, sig.key);
      opened.set(enc.kid, enc.key);
      return { sig: sig.kid, enc: enc.kid };
    },

    /** Whether `kid` is one of the owner's keys (any status, or being made by a rotation right now). */
    async holds(ownerId: string, kid: string): Promise<boolean> {
      if (rotating.has(kid)) return true;
      const row = await db.selectFrom('exchange_keys').select('kid').where('owner_id', '=', ownerId).where('kid', '=', kid).executeTakeFirst();
      return row !== undefined;
    },

    async owners(): Promise<string[]> {
      const rows = await db.selectFrom('exchange_keys').select('owner_id').distinct().execute();
      return rows.map((r) => r.owner_id);
    },
  };
}
