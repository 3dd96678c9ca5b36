import type { Kysely } from 'kysely';
import { signJws, verifyJws, type SignedType } from './crypto/signatures.js';
import type { KeyStore, PublicKeyEntry } from './key-store.js';
import { newId } from '../store/ids.js';
import type { Database } from '../store/schema.js';

const NODE_ID_SETTING = 'node.id';

export type NodeSigner = ReturnType<typeof createNodeSigner>;

/**
 * The node's own Ed25519 signing key, apart from any agency's: what the node attests about itself (checkpoints of its
 * audit trail) is signed with it. Its owner id is a random id kept in the settings; the key lives in the key store
 * with the agencies' keys (sealed by the master key), so rotation and retired keys work the same way.
 */
export function createNodeSigner(deps: { db: Kysely<Database>; keys: KeyStore }) {
  const { db, keys } = deps;
  let nodeIdCache: string | null = null;

  async function nodeId(): Promise<string> {
    if (nodeIdCache) return nodeIdCache;
    let row = await db.selectFrom('settings').select('value').where('key', '=', NODE_ID_SETTING).executeTakeFirst();
    if (!row) {
      await db.insertInto('settings').values({ key: NODE_ID_SETTING, value: newId() }).onConflict((oc) => oc.column('key').doNothing()).execute();
      row = await db.selectFrom('settings').select('value').where('key', '=', NODE_ID_SETTING).executeTakeFirstOrThrow();
    }
    nodeIdCache = row.value;
    return row.value;
  }

  return {
    nodeId,
    async sign(typ: SignedType, payload: unknown): Promise<string> {
      return signJws(await keys.currentKey(await nodeId(), 'sig'), typ, payload);
    },
    /** Verifies a document this node signed, with any of its signing keys (current or retired). */
    async verify<T>(jws: string, typ: SignedType): Promise<T> {
      const mine = await keys.publicKeys(await nodeId());
      return (await verifyJws<T>(jws, typ, (kid) => mine.find((k) => k.kid === kid && k.use === 'sig')?.jwk)).payload;
    },
    async publicKeys(): Promise<PublicKeyEntry[]> {
      return (await keys.publicKeys(await nodeId())).filter((k) => k.use === 'sig');
    },
  };
}
