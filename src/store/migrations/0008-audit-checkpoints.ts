import type { Kysely } from 'kysely';

/**
 * Signed checkpoints of the audit trail (DESIGN §11: "the chain head is signed periodically"): the head's sequence
 * number and hash, signed with the node's own key. Frozen in time: later changes add a migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull().unique())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('jws', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_checkpoints').execute();
}
