import type { Kysely } from 'kysely';
import type { MasterKey } from '../../exchange/crypto/master-key.js';
import { nowIso } from '../../store/ids.js';
import type { Database } from '../../store/schema.js';
import { openNetworkKey, sealNetworkKey, type NetworkKey } from '../network-key.js';

export interface HeldKey {
  epoch: number;
  fingerprint: string;
  status: 'current' | 'retired';
  origin: 'created' | 'received';
  fromAgencyId: string | null;
  createdAt: string;
}

export type NetworkKeys = ReturnType<typeof createNetworkKeys>;

/**
 * The network match keys each hosted agency holds, sealed under the node master key. The newest epoch is current;
 * older ones are kept retired (tokens of items not yet re-published were made with them). Opened keys are cached.
 */
export function createNetworkKeys(deps: { db: Kysely<Database>; masterKey: MasterKey }) {
  const { db, masterKey } = deps;
  const opened = new Map<string, NetworkKey>();

  return {
    async current(agencyId: string): Promise<NetworkKey | null> {
      const row = await db.selectFrom('match_keys').selectAll().where('agency_id', '=', agencyId).where('status', '=', 'current').executeTakeFirst();
      if (!row) return null;
      const cacheKey = `${agencyId}/${row.epoch}`;
      let key = opened.get(cacheKey);
      if (!key) {
        key = openNetworkKey(masterKey, row.key_sealed, agencyId, row.epoch);
        opened.set(cacheKey, key);
      }
      return key;
    },

    async list(agencyId: string): Promise<HeldKey[]> {
      const rows = await db.selectFrom('match_keys').selectAll().where('agency_id', '=', agencyId).orderBy('epoch', 'desc').execute();
      return rows.map((r) => ({
        epoch: r.epoch,
        fingerprint: r.fingerprint,
        status: r.status as HeldKey['status'],
        origin: r.origin as HeldKey['origin'],
        fromAgencyId: r.from_agency_id,
        createdAt: r.created_at,
      }));
    },

    /**
     * Keeps a key inside the caller's transaction; the newest epoch becomes current. Storing the same epoch again is
     * a no-op (a notice delivered twice); a different key under a held epoch is refused by the caller beforehand.
     */
    async store(trx: Kysely<Database>, agencyId: string, key: NetworkKey, origin: HeldKey['origin'], fromAgencyId: string | null): Promise<boolean> {
      const held = await trx.selectFrom('match_keys').select(['epoch', 'fingerprint']).where('agency_id', '=', agencyId).where('epoch', '=', key.epoch).executeTakeFirst();
      if (held) return false;
      const newest = await trx.selectFrom('match_keys').select('epoch').where('agency_id', '=', agencyId).orderBy('epoch', 'desc').limit(1).executeTakeFirst();
      const isCurrent = !newest || newest.epoch < key.epoch;
      if (isCurrent) await trx.updateTable('match_keys').set({ status: 'retired' }).where('agency_id', '=', agencyId).where('status', '=', 'current').execute();
      await trx
        .insertInto('match_keys')
        .values({
          agency_id: agencyId,
          epoch: key.epoch,
          key_sealed: sealNetworkKey(masterKey, key, agencyId),
          fingerprint: key.fingerprint,
          status: isCurrent ? 'current' : 'retired',
          origin,
          from_agency_id: fromAgencyId,
          created_at: nowIso(),
        })
        .execute();
      return true;
    },

    async fingerprintOf(agencyId: string, epoch: number): Promise<string | null> {
      const row = await db.selectFrom('match_keys').select('fingerprint').where('agency_id', '=', agencyId).where('epoch', '=', epoch).executeTakeFirst();
      return row?.fingerprint ?? null;
    },
  };
}
