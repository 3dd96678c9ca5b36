import type { Kysely } from 'kysely';
import { bigintType, serialPrimaryKey } from './dialect.js';

/**
 * Seized-device triage (issue 4): media items (one per sha256, node-wide), their occurrences and their place in cases,
 * near-duplicate pairs, resumable ingest runs with a per-file ledger, and known hash sets with the matches found.
 * Frozen in time: a migration never imports the current schema types.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // `seq` is dense and ordered: it is the media item's id in the in-memory Hamming index and the cursor other
  // processes use to catch up with items added since they loaded it.
  await db.schema
    .createTable('media')
    .addColumn('seq', 'integer', serialPrimaryKey(db))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('sha256', 'text', (c) => c.notNull().unique())
    .addColumn('md5', 'text', (c) => c.notNull())
    .addColumn('sha1', 'text', (c) => c.notNull())
    .addColumn('size', bigintType(db), (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('duration', 'real')
    .addColumn('pdq', 'text')
    .addColumn('pdq_quality', 'integer')
    .addColumn('vpdq', 'text')
    .addColumn('camera_make', 'text')
    .addColumn('camera_model', 'text')
    .addColumn('camera_serial', 'text')
    .addColumn('capture_time', 'text')
    .addColumn('capture_offset', 'text')
    .addColumn('gps_lat', 'real')
    .addColumn('gps_lon', 'real')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('has_thumbnail', 'integer', (c) => c.notNull())
    .addColumn('problem', 'text')
    .addColumn('problem_detail', 'text')
    .addColumn('near_group', 'text')
    .addColumn('first_ingest_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('media_md5_idx').on('media').column('md5').execute();
  await db.schema.createIndex('media_sha1_idx').on('media').column('sha1').execute();
  await db.schema.createIndex('media_near_group_idx').on('media').column('near_group').execute();
  await db.schema.createIndex('media_camera_serial_idx').on('media').column('camera_serial').execute();

  await db.schema
    .createTable('case_media')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('media_id', 'text', (c) => c.notNull().references('media.id'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('category_scheme', 'text', (c) => c.notNull())
    .addColumn('category_code', 'text', (c) => c.notNull())
    .addColumn('category_source', 'text', (c) => c.notNull())
    .addColumn('categorised_by', 'text')
    .addColumn('categorised_at', 'text')
    .addColumn('first_ingest_id', 'text')
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_media_pk', ['case_id', 'media_id'])
    .execute();
  await db.schema.createIndex('case_media_media_idx').on('case_media').column('media_id').execute();
  await db.schema.createIndex('case_media_case_added_idx').on('case_media').columns(['case_id', 'added_at']).execute();

  await db.schema
    .createTable('ingests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('inputs', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('progress', 'text')
    .addColumn('summary', 'text')
    .addColumn('error', 'text')
    .addColumn('runs', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('agency_id', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addUniqueConstraint('ingests_case_fingerprint', ['case_id', 'fingerprint'])
    .execute();

  // The ledger: one row per file an ingest has dealt with, written in the same transaction as its media rows. What is
  // in it is done; what is not is (re)done on resume.
  await db.schema
    .createTable('ingest_items')
    .addColumn('ingest_id', 'text', (c) => c.notNull().references('ingests.id'))
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('media_id', 'text')
    .addColumn('size', bigintType(db))
    .addColumn('problem', 'text')
    .addColumn('problem_detail', 'text')
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ingest_items_pk', ['ingest_id', 'item_key'])
    .execute();
  await db.schema.createIndex('ingest_items_outcome_idx').on('ingest_items').columns(['ingest_id', 'outcome']).execute();

  await db.schema
    .createTable('media_occurrences')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('media_id', 'text', (c) => c.notNull().references('media.id'))
    .addColumn('ingest_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('path_raw', 'text')
    .addColumn('size', bigintType(db), (c) => c.notNull())
    .addColumn('modified_at', 'text')
    .addColumn('accessed_at', 'text')
    .addColumn('changed_at', 'text')
    .addColumn('born_at', 'text')
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('media_occurrences_media_idx').on('media_occurrences').column('media_id').execute();
  await db.schema.createIndex('media_occurrences_case_source_idx').on('media_occurrences').columns(['case_id', 'source']).execute();

  await db.schema
    .createTable('media_near_duplicates')
    .addColumn('media_id', 'text', (c) => c.notNull().references('media.id'))
    .addColumn('other_id', 'text', (c) => c.notNull().references('media.id'))
    .addColumn('distance', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('media_near_duplicates_pk', ['media_id', 'other_id'])
    .execute();

  await db.schema
    .createTable('hash_sets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('source_file', 'text')
    .addColumn('entry_count', 'integer', (c) => c.notNull())
    .addColumn('imported_by', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .execute();

  // `seq` is the entry's id in the in-memory PDQ index of known hashes.
  await db.schema
    .createTable('hash_set_entries')
    .addColumn('seq', 'integer', serialPrimaryKey(db))
    .addColumn('set_id', 'text', (c) => c.notNull().references('hash_sets.id').onDelete('cascade'))
    .addColumn('md5', 'text')
    .addColumn('sha1', 'text')
    .addColumn('sha256', 'text')
    .addColumn('pdq', 'text')
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('category_scheme', 'text', (c) => c.notNull())
    .addColumn('category_code', 'text', (c) => c.notNull())
    .addColumn('series', 'text')
    .addColumn('victim_identified', 'integer')
    .addColumn('extra', 'text')
    .execute();
  await db.schema.createIndex('hash_set_entries_set_idx').on('hash_set_entries').column('set_id').execute();
  await db.schema.createIndex('hash_set_entries_md5_idx').on('hash_set_entries').column('md5').execute();
  await db.schema.createIndex('hash_set_entries_sha1_idx').on('hash_set_entries').column('sha1').execute();
  await db.schema.createIndex('hash_set_entries_sha256_idx').on('hash_set_entries').column('sha256').execute();

  await db.schema
    .createTable('media_hash_matches')
    .addColumn('media_id', 'text', (c) => c.notNull().references('media.id'))
    .addColumn('entry_seq', 'integer', (c) => c.notNull().references('hash_set_entries.seq').onDelete('cascade'))
    .addColumn('set_id', 'text', (c) => c.notNull().references('hash_sets.id').onDelete('cascade'))
    .addColumn('match', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('distance', 'integer', (c) => c.notNull())
    .addColumn('matched_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('media_hash_matches_pk', ['media_id', 'entry_seq'])
    .execute();
  await db.schema.createIndex('media_hash_matches_set_idx').on('media_hash_matches').column('set_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['media_hash_matches', 'hash_set_entries', 'hash_sets', 'media_near_duplicates', 'media_occurrences', 'ingest_items', 'ingests', 'case_media', 'media']) {
    await db.schema.dropTable(table).execute();
  }
}
