import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { macWithMasterKey, type MasterKey } from '../exchange/crypto/master-key.js';
import { actorAgency, actorName, type Actor } from '../identity/actor.js';
import { newId, nowIso } from '../store/ids.js';
import type { Selectable } from 'kysely';
import type { AuditEventsTable, Database } from '../store/schema.js';
import type { LoggedOperation } from './operations.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  actor: Actor;
  operation: LoggedOperation;
  /** What happened, as `<object>.<verb>`: `case.create`, `case.read`, `session.create`, `token.revoke`. */
  action: string;
  object: { type: string; id?: string | null };
  caseId?: string | null;
  justification?: string | null;
  recipients?: string[] | null;
  details?: Record<string, unknown> | null;
  requestId?: string | null;
  ip?: string | null;
}

export interface AuditEvent {
  seq: number;
  id: string;
  at: string;
  actorId: string | null;
  actorName: string;
  agencyId: string | null;
  operation: LoggedOperation;
  action: string;
  objectType: string;
  objectId: string | null;
  caseId: string | null;
  /** The case's reference, for people reading the trail (null when the event concerns no case). */
  caseReference: string | null;
  justification: string | null;
  recipients: string[] | null;
  details: Record<string, unknown> | null;
  requestId: string | null;
  ip: string | null;
  prevHash: string;
  hash: string;
}

type ChainedFields = Omit<Selectable<AuditEventsTable>, 'seq' | 'hash' | 'mac'>;

/** The hash covers every field but the sequence number, in a fixed order, so any edit changes it. */
export function hashEvent(row: ChainedFields): string {
  const canonical = JSON.stringify([
    row.id,
    row.at,
    row.actor_id,
    row.actor_name,
    row.agency_id,
    row.operation,
    row.action,
    row.object_type,
    row.object_id,
    row.case_id,
    row.justification,
    row.recipients,
    row.details,
    row.request_id,
    row.ip,
    row.prev_hash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  head: { seq: number; hash: string } | null;
  firstBroken?: { seq: number; id: string; reason: string };
}

export interface AuditFilter {
  agencyId?: string;
  actorId?: string;
  caseId?: string;
  operation?: LoggedOperation;
  action?: string;
  from?: string;
  to?: string;
  /** Page backwards from this sequence number (exclusive). */
  beforeSeq?: number;
  limit?: number;
}

export type AuditLog = ReturnType<typeof createAuditLog>;

/**
 * The hash-chained audit trail. Each event carries the hash of the one before it and a MAC under the node master key:
 * an edit, deletion or reordering breaks the chain, and someone with only database access cannot rebuild it.
 */
export function createAuditLog(deps: { db: Kysely<Database>; masterKey: MasterKey }) {
  const { db, masterKey } = deps;

  async function append(trx: Transaction<Database>, entry: AuditEntry): Promise<AuditEvent> {
    // Taking this row lock first serialises appenders: SQLite acquires its write lock, PostgreSQL a row lock held to
    // commit. The unique index on prev_hash is the backstop: a forked chain cannot be written.
    await trx.updateTable('settings').set({ value: nowIso() }).where('key', '=', 'audit.lock').execute();
    const last = await trx.selectFrom('audit_events').select(['hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const fields: ChainedFields = {
      id: newId(),
      at: nowIso(),
      actor_id: entry.actor.kind === 'user' ? entry.actor.userId : null,
      actor_name: actorName(entry.actor),
      agency_id: actorAgency(entry.actor),
      operation: entry.operation,
      action: entry.action,
      object_type: entry.object.type,
      object_id: entry.object.id ?? null,
      case_id: entry.caseId ?? null,
      justification: entry.justification ?? null,
      recipients: entry.recipients ? JSON.stringify(entry.recipients) : null,
      details: entry.details ? JSON.stringify(entry.details) : null,
      request_id: entry.requestId ?? null,
      ip: entry.ip ?? null,
      prev_hash: last?.hash ?? GENESIS_HASH,
    };
    const hash = hashEvent(fields);
    const inserted = await trx
      .insertInto('audit_events')
      .values({ ...fields, hash, mac: macWithMasterKey(masterKey, 'audit', hash) })
      .returning('seq')
      .executeTakeFirstOrThrow();
    return toEvent({ ...fields, hash, mac: '', seq: inserted.seq, case_reference: null });
  }

  return {
    /**
     * Records an event inside the caller's transaction, so the change and its audit event commit or fail together.
     * Pass the database itself to record in a transaction of its own (reads, sign-in events).
     */
    async record(into: Kysely<Database> | Transaction<Database>, entry: AuditEntry): Promise<AuditEvent> {
      if (into.isTransaction) return append(into as Transaction<Database>, entry);
      return into.transaction().execute((trx) => append(trx, entry));
    },

    async list(filter: AuditFilter): Promise<AuditEvent[]> {
      let q = db.selectFrom('audit_events').leftJoin('cases', 'cases.id', 'audit_events.case_id').selectAll('audit_events').select('cases.reference as case_reference');
      if (filter.agencyId) q = q.where('audit_events.agency_id', '=', filter.agencyId);
      if (filter.actorId) q = q.where('audit_events.actor_id', '=', filter.actorId);
      if (filter.caseId) q = q.where('audit_events.case_id', '=', filter.caseId);
      if (filter.operation) q = q.where('audit_events.operation', '=', filter.operation);
      if (filter.action) q = q.where('audit_events.action', '=', filter.action);
      if (filter.from) q = q.where('audit_events.at', '>=', filter.from);
      if (filter.to) q = q.where('audit_events.at', '<=', filter.to);
      if (filter.beforeSeq) q = q.where('audit_events.seq', '<', filter.beforeSeq);
      const rows = await q.orderBy('audit_events.seq', 'desc').limit(Math.min(filter.limit ?? 100, 1000)).execute();
      return rows.map(toEvent);
    },

    /** Walks the whole chain in order; stops at the first event that does not fit. */
    async verify(onProgress?: (checked: number) => void): Promise<VerifyResult> {
      let prev = GENESIS_HASH;
      let checked = 0;
      let head: VerifyResult['head'] = null;
      let afterSeq = 0;
      const page = 2000;
      for (;;) {
        const rows = await db.selectFrom('audit_events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(page).execute();
        for (const row of rows) {
          const broken = (reason: string): VerifyResult => ({ ok: false, checked, head, firstBroken: { seq: row.seq, id: row.id, reason } });
          if (row.prev_hash !== prev) {
            return broken('does not follow the event before it (an event was deleted, inserted or reordered)');
          }
          const hash = hashEvent(row);
          if (hash !== row.hash) return broken('its content was altered after it was written');
          if (macWithMasterKey(masterKey, 'audit', row.hash) !== row.mac) {
            return broken('its seal does not match this node\'s master key (rewritten outside Tessera)');
          }
          prev = row.hash;
          head = { seq: row.seq, hash: row.hash };
          checked++;
        }
        onProgress?.(checked);
        if (rows.length < page) break;
        afterSeq = rows[rows.length - 1]!.seq;
      }
      return { ok: true, checked, head };
    },
  };
}

function toEvent(row: Selectable<AuditEventsTable> & { case_reference: string | null }): AuditEvent {
  return {
    seq: row.seq,
    id: row.id,
    at: row.at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    agencyId: row.agency_id,
    operation: row.operation as LoggedOperation,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    caseId: row.case_id,
    caseReference: row.case_reference,
    justification: row.justification,
    recipients: row.recipients ? (JSON.parse(row.recipients) as string[]) : null,
    details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null,
    requestId: row.request_id,
    ip: row.ip,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
