import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/** The few places where the two dialects need different DDL; everything else in a migration is shared. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** An auto-incrementing integer primary key (the audit chain's order). */
export function serialPrimaryKey(db: Kysely<any>) {
  return isPostgres(db)
    ? (col: ColumnDefinitionBuilder) => col.primaryKey().generatedByDefaultAsIdentity()
    : (col: ColumnDefinitionBuilder) => col.primaryKey().autoIncrement();
}

export function blobType(db: Kysely<any>) {
  return isPostgres(db) ? sql`bytea` : sql`blob`;
}

export function bigintType(db: Kysely<any>) {
  return isPostgres(db) ? sql`bigint` : sql`integer`;
}
