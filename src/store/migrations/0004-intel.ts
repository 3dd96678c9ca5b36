import { sql, type Kysely } from 'kysely';
import { blobType } from './dialect.js';

// Intelligence records, their versions, selectors and where each was seen, saved link charts, post imports (issue 7).
// Frozen in time: later changes add a migration, never edit this one.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('originator_agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('author_id', 'text')
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('grading', 'text', (c) => c.notNull())
    .addColumn('handling_code', 'text', (c) => c.notNull())
    .addColumn('handling_restrictions', 'text', (c) => c.notNull())
    .addColumn('data_subject', 'text', (c) => c.notNull())
    .addColumn('fact_or_assessment', 'text', (c) => c.notNull())
    .addColumn('review_date', 'text')
    // Online identities: the normalised handle they stand for; posts: the identity record they were written under.
    .addColumn('subject', 'text')
    .addColumn('identity_id', 'text')
    .addColumn('occurred_at', 'text')
    .addColumn('thread', 'text')
    .addColumn('url', 'text')
    .addColumn('source', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .addColumn('deleted_by', 'text')
    .addColumn('deletion_reason', 'text')
    .execute();
  await db.schema.createIndex('records_case_idx').on('records').columns(['case_id', 'created_at']).execute();
  await db.schema.createIndex('records_case_time_idx').on('records').columns(['case_id', 'occurred_at']).execute();
  await db.schema.createIndex('records_identity_idx').on('records').column('identity_id').execute();
  // One live online-identity record per handle and case: imports and manual entry meet on the same row.
  await db.schema
    .createIndex('records_identity_subject_uq')
    .on('records')
    .columns(['case_id', 'subject'])
    .unique()
    .where(sql.ref('kind'), '=', 'online-identity')
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('record_versions')
    .addColumn('record_id', 'text', (c) => c.notNull().references('records.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('saved_at', 'text', (c) => c.notNull())
    .addColumn('saved_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('record_versions_pk', ['record_id', 'version'])
    .execute();

  await db.schema
    .createTable('selectors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('normalised', 'text', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('valid', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('note', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('handling_code', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text')
    .addUniqueConstraint('selectors_case_value_uq', ['case_id', 'type', 'normalised'])
    .execute();
  await db.schema.createIndex('selectors_value_idx').on('selectors').columns(['type', 'normalised']).execute();

  await db.schema
    .createTable('selector_sources')
    .addColumn('selector_id', 'text', (c) => c.notNull().references('selectors.id').onDelete('cascade'))
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('span_start', 'integer', (c) => c.notNull())
    .addColumn('span_end', 'integer', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('selector_sources_pk', ['selector_id', 'source_type', 'source_id', 'span_start'])
    .execute();
  await db.schema.createIndex('selector_sources_source_idx').on('selector_sources').columns(['source_type', 'source_id']).execute();

  await db.schema
    .createTable('graph_charts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.references('cases.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('graph_charts_owner_idx').on('graph_charts').columns(['owner_id', 'updated_at']).execute();

  await db.schema
    .createTable('post_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('progress', 'text', (c) => c.notNull())
    .addColumn('errors', 'text', (c) => c.notNull())
    // The uploaded file, kept only until the import has run.
    .addColumn('upload', blobType(db))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('post_imports_case_idx').on('post_imports').columns(['case_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['post_imports', 'graph_charts', 'selector_sources', 'selectors', 'record_versions', 'records']) {
    await db.schema.dropTable(table).execute();
  }
}
