import type { Kysely } from 'kysely';
import { serialPrimaryKey } from './dialect.js';

/**
 * Key continuity (docs/protocol.md "Rotation"): on a hub, the proofs members sign with their old key when they rotate,
 * published in the directory; on an agency node, the keys it trusts for each agency of the network, pinned at first
 * sight and moved on only through verified proofs or an administrator's out-of-band check. Frozen in time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('hub_key_continuity')
    .addColumn('id', 'integer', serialPrimaryKey(db))
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('from_kid', 'text', (c) => c.notNull())
    .addColumn('to_sig_kid', 'text', (c) => c.notNull())
    .addColumn('to_enc_kid', 'text', (c) => c.notNull())
    .addColumn('jws', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hub_key_continuity_agency_idx').on('hub_key_continuity').columns(['agency_id', 'id']).execute();

  // One row per trusted pair (a signing key and the encryption key it vouches for); the latest row is the pair used.
  await db.schema
    .createTable('exchange_pinned_keys')
    .addColumn('seq', 'integer', serialPrimaryKey(db))
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('sig_kid', 'text', (c) => c.notNull())
    .addColumn('sig_jwk', 'text', (c) => c.notNull())
    .addColumn('enc_kid', 'text', (c) => c.notNull())
    .addColumn('enc_jwk', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('proof', 'text')
    .addColumn('pinned_at', 'text', (c) => c.notNull())
    .addColumn('pinned_by', 'text')
    .execute();
  await db.schema.createIndex('exchange_pinned_keys_agency_idx').on('exchange_pinned_keys').columns(['agency_id', 'seq']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('exchange_pinned_keys').execute();
  await db.schema.dropTable('hub_key_continuity').execute();
}
