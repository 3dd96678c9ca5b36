import type { Kysely } from 'kysely';
import { bigintType, blobType, serialPrimaryKey } from './dialect.js';

/**
 * Secure exchange (issue 5). One migration for both roles: an agency node uses the `exchange_*` tables, a hub the
 * `hub_*` tables; each leaves the other set empty. Frozen in time like every migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Key pairs of the agencies hosted here (and of the hub itself on a hub node). Private halves are sealed with the
  // node master key; retired keys stay to open what was sealed to them before a rotation.
  await db.schema
    .createTable('exchange_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('use', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_sealed', blobType(db), (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .execute();
  await db.schema.createIndex('exchange_keys_owner_idx').on('exchange_keys').columns(['owner_id', 'use', 'status']).execute();

  await db.schema
    .createTable('exchange_memberships')
    .addColumn('agency_id', 'text', (c) => c.primaryKey())
    .addColumn('hub_url', 'text', (c) => c.notNull())
    .addColumn('hub_id', 'text', (c) => c.notNull())
    .addColumn('hub_key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('directory_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('joined_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_contact_at', 'text')
    .addColumn('last_error', 'text')
    .execute();

  await db.schema
    .createTable('exchange_directory')
    .addColumn('agency_id', 'text', (c) => c.primaryKey())
    .addColumn('hub_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('keys', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('exchange_uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', bigintType(db), (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('chunk_size', 'integer', (c) => c.notNull())
    .addColumn('chunks', 'integer', (c) => c.notNull())
    .addColumn('key_sealed', blobType(db), (c) => c.notNull())
    .addColumn('message_row_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('exchange_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('box', 'text', (c) => c.notNull())
    .addColumn('thread_id', 'text', (c) => c.notNull())
    .addColumn('in_reply_to', 'text')
    .addColumn('from_agency_id', 'text', (c) => c.notNull())
    .addColumn('to_agency_ids', 'text', (c) => c.notNull())
    .addColumn('case_reference', 'text')
    .addColumn('case_id', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('tlp', 'text', (c) => c.notNull())
    .addColumn('restriction', 'text')
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('rfi_deadline', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('hub_seq', bigintType(db))
    .addColumn('signed_sealed', blobType(db), (c) => c.notNull())
    .addColumn('read_at', 'text')
    .addColumn('answered_at', 'text')
    .addColumn('attachment_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text')
    .addUniqueConstraint('exchange_messages_agency_message', ['agency_id', 'message_id'])
    .execute();
  await db.schema.createIndex('exchange_messages_box_idx').on('exchange_messages').columns(['agency_id', 'box', 'created_at']).execute();
  await db.schema.createIndex('exchange_messages_thread_idx').on('exchange_messages').columns(['agency_id', 'thread_id']).execute();

  await db.schema
    .createTable('exchange_recipients')
    .addColumn('message_row_id', 'text', (c) => c.notNull().references('exchange_messages.id').onDelete('cascade'))
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .addColumn('read_at', 'text')
    .addColumn('answered_at', 'text')
    .addPrimaryKeyConstraint('exchange_recipients_pk', ['message_row_id', 'agency_id'])
    .execute();

  await db.schema
    .createTable('exchange_attachments')
    .addColumn('message_row_id', 'text', (c) => c.notNull().references('exchange_messages.id').onDelete('cascade'))
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('attachment_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', bigintType(db), (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('chunk_size', 'integer', (c) => c.notNull())
    .addColumn('chunks', 'integer', (c) => c.notNull())
    .addColumn('key_sealed', blobType(db), (c) => c.notNull())
    .addColumn('dir', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('exchange_attachments_pk', ['message_row_id', 'idx'])
    .execute();

  await db.schema
    .createTable('exchange_reads')
    .addColumn('message_row_id', 'text', (c) => c.notNull().references('exchange_messages.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('exchange_reads_pk', ['message_row_id', 'user_id'])
    .execute();

  // Sealed envelopes waiting to reach the hub, in the order they were written.
  await db.schema
    .createTable('exchange_outbox')
    .addColumn('seq', 'integer', serialPrimaryKey(db))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('routing', 'text', (c) => c.notNull())
    .addColumn('jwe', 'text', (c) => c.notNull())
    .addColumn('parts', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('exchange_outbox_pending_idx').on('exchange_outbox').columns(['agency_id', 'status', 'seq']).execute();

  // Every envelope an agency has taken in, accepted or not: a second copy of an id is a replay.
  await db.schema
    .createTable('exchange_inbound')
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('envelope_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_agency_id', 'text')
    .addColumn('hub_seq', bigintType(db), (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('exchange_inbound_pk', ['agency_id', 'envelope_id'])
    .execute();

  await db.schema
    .createTable('exchange_rejections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('envelope_id', 'text')
    .addColumn('kind', 'text')
    .addColumn('from_agency_id', 'text')
    .addColumn('hub_seq', bigintType(db))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('exchange_rejections_agency_idx').on('exchange_rejections').columns(['agency_id', 'at']).execute();

  // ---- hub ----
  await db.schema
    .createTable('hub_enrolments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('agency_id', 'text')
    .execute();

  await db.schema
    .createTable('hub_members')
    .addColumn('agency_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('node_url', 'text')
    .addColumn('enrolment_id', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('approved_at', 'text')
    .addColumn('approved_by', 'text')
    .execute();

  await db.schema
    .createTable('hub_member_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('hub_members.agency_id').onDelete('cascade'))
    .addColumn('use', 'text', (c) => c.notNull())
    .addColumn('jwk', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .execute();
  await db.schema.createIndex('hub_member_keys_agency_idx').on('hub_member_keys').column('agency_id').execute();

  await db.schema
    .createTable('hub_directory')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('jws', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('hub_nonces')
    .addColumn('nonce', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hub_nonces_expiry_idx').on('hub_nonces').column('expires_at').execute();

  await db.schema
    .createTable('hub_envelopes')
    .addColumn('seq', 'integer', serialPrimaryKey(db))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_agency_id', 'text', (c) => c.notNull())
    .addColumn('routing', 'text', (c) => c.notNull())
    .addColumn('jwe', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('parts', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('hub_deliveries')
    .addColumn('envelope_seq', 'integer', (c) => c.notNull().references('hub_envelopes.seq').onDelete('cascade'))
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('fetched_at', 'text')
    .addColumn('acked_at', 'text')
    .addPrimaryKeyConstraint('hub_deliveries_pk', ['envelope_seq', 'agency_id'])
    .execute();
  await db.schema.createIndex('hub_deliveries_inbox_idx').on('hub_deliveries').columns(['agency_id', 'acked_at', 'envelope_seq']).execute();

  await db.schema
    .createTable('hub_parts')
    .addColumn('envelope_id', 'text', (c) => c.notNull())
    .addColumn('part_id', 'text', (c) => c.notNull())
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('size', bigintType(db), (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('hub_parts_pk', ['envelope_id', 'part_id'])
    .execute();

  // Ids of envelopes delivered and deleted: submitting one again is a replay.
  await db.schema
    .createTable('hub_tombstones')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'hub_tombstones',
    'hub_parts',
    'hub_deliveries',
    'hub_envelopes',
    'hub_nonces',
    'hub_directory',
    'hub_member_keys',
    'hub_members',
    'hub_enrolments',
    'exchange_rejections',
    'exchange_inbound',
    'exchange_outbox',
    'exchange_reads',
    'exchange_attachments',
    'exchange_recipients',
    'exchange_messages',
    'exchange_uploads',
    'exchange_directory',
    'exchange_memberships',
    'exchange_keys',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
