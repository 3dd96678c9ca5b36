import type { Kysely } from 'kysely';

/**
 * Location assessments (issue 8): one row per assessment of a case (its subject, audience, analyst items and
 * toggles as they are now) and one row per version (the evidence as it was, the result, who and why).
 * Frozen in time: later changes add a migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('location_assessments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('owner_agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    // 'case': every participating agency sees it, so only evidence they all may see is gathered; 'agency': the
    // owner agency alone sees it, and its own restricted records count too.
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('identity_id', 'text')
    .addColumn('subject_label', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('country_prior', 'text', (c) => c.notNull())
    .addColumn('analyst_items', 'text', (c) => c.notNull())
    .addColumn('disabled_items', 'text', (c) => c.notNull())
    .addColumn('current_version', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .addColumn('deleted_by', 'text')
    .addColumn('deletion_reason', 'text')
    .execute();
  await db.schema.createIndex('location_assessments_case_idx').on('location_assessments').columns(['case_id', 'updated_at']).execute();

  await db.schema
    .createTable('location_assessment_versions')
    .addColumn('assessment_id', 'text', (c) => c.notNull().references('location_assessments.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    // A digest of the state of the sources (counts, last changes) the evidence was gathered from: when it no longer
    // matches, the evidence changed and a new version is computed.
    .addColumn('source_state', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('top_country', 'text', (c) => c.notNull())
    .addColumn('top_probability', 'double precision', (c) => c.notNull())
    .addColumn('credible_set', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('location_assessment_versions_pk', ['assessment_id', 'version'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('location_assessment_versions').execute();
  await db.schema.dropTable('location_assessments').execute();
}
