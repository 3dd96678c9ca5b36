import type { Kysely } from 'kysely';
import { blobType, serialPrimaryKey } from './dialect.js';

/**
 * Cross-agency hit/no-hit (issue 6). Node side: the network match keys an agency holds (sealed), the key's
 * distribution by the founding agency, disclosure policies, per-case and per-item sharing choices, what was
 * published to the hub under which opaque reference, and the hits as the agency sees them. Hub side: member items
 * (tokens and transformed PDQ hashes with an opaque reference, never a value), hits and a per-agency change feed.
 * Frozen in time: later changes add a migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const blob = blobType(db);

  await db.schema
    .createTable('match_keys')
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('epoch', 'integer', (c) => c.notNull())
    .addColumn('key_sealed', blob, (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('from_agency_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('match_keys_pk', ['agency_id', 'epoch'])
    .execute();

  await db.schema
    .createTable('match_key_grants')
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('epoch', 'integer', (c) => c.notNull())
    .addColumn('to_agency_id', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('match_key_grants_pk', ['agency_id', 'epoch', 'to_agency_id'])
    .execute();

  await db.schema
    .createTable('match_policies')
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('handling_code', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('match_policies_pk', ['agency_id', 'handling_code'])
    .execute();

  await db.schema
    .createTable('match_case_settings')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('media_handling_code', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('match_case_settings_pk', ['case_id', 'agency_id'])
    .execute();

  await db.schema
    .createTable('match_overrides')
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('item_kind', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('shareable', 'integer', (c) => c.notNull())
    .addColumn('set_by', 'text', (c) => c.notNull())
    .addColumn('set_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('match_overrides_pk', ['agency_id', 'item_kind', 'case_id', 'item_id'])
    .execute();

  // No foreign key to the item or its case: a published item whose source is gone must stay known until its
  // withdrawal from the hub has gone through.
  await db.schema
    .createTable('match_items')
    .addColumn('ref', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('item_kind', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('handling_code', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('epoch', 'integer', (c) => c.notNull())
    .addColumn('token_count', 'integer', (c) => c.notNull())
    .addColumn('has_pdq', 'integer', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('match_items_item_uq', ['agency_id', 'item_kind', 'case_id', 'item_id'])
    .execute();

  await db.schema
    .createTable('match_hits')
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('hit_id', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('other_agency_id', 'text')
    .addColumn('other_kind', 'text', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('distance', 'integer')
    .addColumn('my_mode', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_at', 'text', (c) => c.notNull())
    .addColumn('status_by', 'text')
    .addColumn('needs_decision', 'integer', (c) => c.notNull())
    .addColumn('decision', 'text')
    .addColumn('details_sent_at', 'text')
    .addColumn('hub_created_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('match_hits_pk', ['agency_id', 'hit_id'])
    .execute();
  await db.schema.createIndex('match_hits_ref_idx').on('match_hits').columns(['agency_id', 'ref']).execute();
  await db.schema.createIndex('match_hits_status_idx').on('match_hits').columns(['agency_id', 'status']).execute();

  await db.schema
    .createTable('match_hit_details')
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('hit_id', 'text', (c) => c.notNull())
    .addColumn('from_agency_id', 'text', (c) => c.notNull())
    .addColumn('case_reference', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('match_hit_details_pk', ['agency_id', 'hit_id', 'from_agency_id'])
    .execute();

  await db.schema
    .createTable('match_sync')
    .addColumn('agency_id', 'text', (c) => c.primaryKey())
    .addColumn('hit_cursor', 'integer', (c) => c.notNull())
    .addColumn('last_sync_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('key_requested_epoch', 'integer')
    .addColumn('key_requested_at', 'text')
    .execute();

  // ---- hub side -------------------------------------------------------------------------------------------------

  await db.schema
    .createTable('hub_match_epochs')
    .addColumn('epoch', 'integer', (c) => c.primaryKey())
    .addColumn('founder_agency_id', 'text', (c) => c.notNull())
    .addColumn('announced_at', 'text', (c) => c.notNull())
    .execute();

  // `seq` is the item's id in the hub's in-memory indexes; `tokens` is the item's exact tokens concatenated (32 bytes
  // each). Tokens have no index of their own in the database: they are uniformly random keys, and a B-tree keyed by
  // them costs a random page write per token; the hub keeps their index in memory, rebuilt from this table.
  await db.schema
    .createTable('hub_match_items')
    .addColumn('seq', 'integer', serialPrimaryKey(db))
    .addColumn('ref', 'text', (c) => c.notNull().unique())
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('epoch', 'integer', (c) => c.notNull())
    .addColumn('pdq', blob)
    .addColumn('tokens', blob, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hub_match_items_agency_idx').on('hub_match_items').column('agency_id').execute();

  await db.schema
    .createTable('hub_match_hits')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('a_ref', 'text', (c) => c.notNull())
    .addColumn('a_agency_id', 'text', (c) => c.notNull())
    .addColumn('b_ref', 'text', (c) => c.notNull())
    .addColumn('b_agency_id', 'text', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('distance', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_agency_id', 'text')
    .addColumn('status_at', 'text', (c) => c.notNull())
    .addColumn('a_decision', 'text')
    .addColumn('b_decision', 'text')
    .addColumn('a_seen', 'integer', (c) => c.notNull())
    .addColumn('b_seen', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('hub_match_hits_pair_uq', ['a_ref', 'b_ref'])
    .execute();
  await db.schema.createIndex('hub_match_hits_b_idx').on('hub_match_hits').column('b_ref').execute();

  await db.schema
    .createTable('hub_match_changes')
    .addColumn('seq', 'integer', serialPrimaryKey(db))
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('hit_id', 'text', (c) => c.notNull())
    .addColumn('op', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hub_match_changes_agency_idx').on('hub_match_changes').columns(['agency_id', 'seq']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'hub_match_changes',
    'hub_match_hits',
    'hub_match_items',
    'hub_match_epochs',
    'match_sync',
    'match_hit_details',
    'match_hits',
    'match_items',
    'match_overrides',
    'match_case_settings',
    'match_policies',
    'match_key_grants',
    'match_keys',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
