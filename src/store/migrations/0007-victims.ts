import type { Kysely } from 'kysely';
import { blobType } from './dialect.js';

/**
 * Victim identification (issue 9): series of media showing the same victim or scene, their proposals, analyst tags on
 * media, pseudonymous victims, identification clues with their crops, one history of every change (so each can be
 * undone), and the series' identification status as sent to and received from other agencies.
 * Frozen in time: later changes add a migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('series')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    // active | merged (into merged_into) | dissolved: a series is never deleted, so every change can be undone.
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('merged_into', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('identified_by', 'text')
    .addColumn('identified_on', 'text')
    .addColumn('identified_country', 'text')
    .addColumn('identification_source', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('series_case_code_uq', ['case_id', 'code'])
    .execute();

  // A media item belongs to at most one series of a case.
  await db.schema
    .createTable('series_media')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('media_id', 'text', (c) => c.notNull().references('media.id'))
    .addColumn('series_id', 'text', (c) => c.notNull().references('series.id'))
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('series_media_pk', ['case_id', 'media_id'])
    .execute();
  await db.schema.createIndex('series_media_series_idx').on('series_media').column('series_id').execute();

  await db.schema
    .createTable('series_proposals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('bases', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('media_ids', 'text', (c) => c.notNull())
    .addColumn('series_ids', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('reason', 'text')
    .addColumn('series_id', 'text')
    .addUniqueConstraint('series_proposals_case_key_uq', ['case_id', 'key'])
    .execute();
  await db.schema.createIndex('series_proposals_case_status_idx').on('series_proposals').columns(['case_id', 'status']).execute();

  await db.schema
    .createTable('media_tags')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('media_id', 'text', (c) => c.notNull().references('media.id'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('tagged_by', 'text', (c) => c.notNull())
    .addColumn('tagged_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('media_tags_pk', ['case_id', 'media_id', 'tag'])
    .execute();
  await db.schema.createIndex('media_tags_tag_idx').on('media_tags').columns(['case_id', 'tag']).execute();

  await db.schema
    .createTable('victims')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('identified_by', 'text')
    .addColumn('identified_on', 'text')
    .addColumn('safeguarded_on', 'text')
    .addColumn('country', 'text')
    .addColumn('notes', 'text', (c) => c.notNull())
    // A name, only when the agency chooses to record one: sealed under the node's master key, shown only to the
    // recording agency, never exported or sent.
    .addColumn('local_name_sealed', blobType(db))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('victims_case_code_uq', ['case_id', 'code'])
    .execute();

  await db.schema
    .createTable('victim_series')
    .addColumn('victim_id', 'text', (c) => c.notNull().references('victims.id').onDelete('cascade'))
    .addColumn('series_id', 'text', (c) => c.notNull().references('series.id'))
    .addPrimaryKeyConstraint('victim_series_pk', ['victim_id', 'series_id'])
    .execute();
  await db.schema.createIndex('victim_series_series_idx').on('victim_series').column('series_id').execute();

  await db.schema
    .createTable('clues')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('media_id', 'text', (c) => c.notNull().references('media.id'))
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('crop_sha256', 'text')
    .addColumn('crop_width', 'integer')
    .addColumn('crop_height', 'integer')
    .addColumn('shareable', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .execute();
  await db.schema.createIndex('clues_case_media_idx').on('clues').columns(['case_id', 'media_id']).execute();

  // One history for series and victims: what changed, who, when, why, and what undoing it needs.
  await db.schema
    .createTable('identification_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('agency_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('reverts', 'text')
    .addColumn('reverted_by', 'text')
    .execute();
  await db.schema.createIndex('identification_history_case_idx').on('identification_history').columns(['case_id', 'at']).execute();

  // Every subject an event touched (a merge touches both series), for each subject's own history.
  await db.schema
    .createTable('identification_history_subjects')
    .addColumn('event_id', 'text', (c) => c.notNull().references('identification_history.id').onDelete('cascade'))
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('identification_history_subjects_pk', ['event_id', 'subject_id'])
    .execute();
  await db.schema.createIndex('identification_history_subjects_idx').on('identification_history_subjects').column('subject_id').execute();

  // Sender side: the identification status last told to each agency whose media hit a series' media.
  await db.schema
    .createTable('series_notifications')
    .addColumn('series_id', 'text', (c) => c.notNull())
    .addColumn('from_agency_id', 'text', (c) => c.notNull())
    .addColumn('to_agency_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('identified_on', 'text')
    .addColumn('hits', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('series_notifications_pk', ['series_id', 'from_agency_id', 'to_agency_id'])
    .execute();

  // Receiver side: what other agencies said about their series, and through which hits it concerns our media.
  await db.schema
    .createTable('series_remote_status')
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('from_agency_id', 'text', (c) => c.notNull())
    .addColumn('series_ref', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('identified_by', 'text', (c) => c.notNull())
    .addColumn('identified_on', 'text')
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('series_remote_status_pk', ['agency_id', 'from_agency_id', 'series_ref'])
    .execute();

  await db.schema
    .createTable('series_remote_hits')
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('from_agency_id', 'text', (c) => c.notNull())
    .addColumn('series_ref', 'text', (c) => c.notNull())
    .addColumn('hit_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('series_remote_hits_pk', ['agency_id', 'from_agency_id', 'series_ref', 'hit_id'])
    .execute();
  await db.schema.createIndex('series_remote_hits_hit_idx').on('series_remote_hits').columns(['agency_id', 'hit_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'series_remote_hits',
    'series_remote_status',
    'series_notifications',
    'identification_history_subjects',
    'identification_history',
    'clues',
    'victim_series',
    'victims',
    'media_tags',
    'series_proposals',
    'series_media',
    'series',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
