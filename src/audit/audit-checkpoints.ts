/**
 * Signed checkpoints of the audit trail. The hash chain shows an edit, deletion or reordering inside the trail, but not
 * that its newest events were cut off: the shortened chain is still a valid chain. A checkpoint is the head's sequence
 * number and hash, signed with the node's own key and written to the log (which leaves the node: a SIEM keeps it) as
 * well as to the database. `tessera audit verify` checks every stored checkpoint, and any kept elsewhere that it is
 * given, against the trail: a checkpoint past the end of the trail proves events were removed.
 *
 * The signer is handed in (the node's key lives with the exchange, the only module that touches key material).
 */
import type { Kysely } from 'kysely';
import { newId, nowIso } from '../store/ids.js';
import type { Database } from '../store/schema.js';

export const CHECKPOINT_TYPE = 'tessera-audit-checkpoint+jws';

export interface CheckpointSigner {
  nodeId(): Promise<string>;
  sign(typ: typeof CHECKPOINT_TYPE, payload: CheckpointPayload): Promise<string>;
  /** The payload of a document this node signed; throws when the signature is not the node's. */
  verify<T>(jws: string, typ: typeof CHECKPOINT_TYPE): Promise<T>;
}

export interface CheckpointPayload {
  node: string;
  seq: number;
  hash: string;
  at: string;
}

export interface Checkpoint extends CheckpointPayload {
  jws: string;
}

export interface CheckpointCheck {
  seq: number;
  at: string | null;
  ok: boolean;
  /** Why it fails, in words. */
  reason?: string;
}

export type AuditCheckpoints = ReturnType<typeof createAuditCheckpoints>;

export function createAuditCheckpoints(deps: { db: Kysely<Database>; signer: CheckpointSigner }) {
  const { db, signer } = deps;

  async function check(jws: string, stored?: { seq: number; hash: string }): Promise<CheckpointCheck> {
    let payload: CheckpointPayload;
    try {
      payload = await signer.verify<CheckpointPayload>(jws, CHECKPOINT_TYPE);
    } catch (err) {
      return { seq: stored?.seq ?? -1, at: null, ok: false, reason: `its signature is not this node's (${err instanceof Error ? err.message : String(err)})` };
    }
    const result = (ok: boolean, reason?: string): CheckpointCheck => ({ seq: payload.seq, at: payload.at, ok, ...(reason ? { reason } : {}) });
    if (payload.node !== (await signer.nodeId())) return result(false, 'it was signed for another node');
    if (stored && (stored.seq !== payload.seq || stored.hash !== payload.hash)) return result(false, 'its stored copy differs from what was signed');
    const event = await db.selectFrom('audit_events').select(['hash']).where('seq', '=', payload.seq).executeTakeFirst();
    if (!event) {
      const last = await db.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      return result(false, `the trail ends at event #${last?.seq ?? 0}, before this checkpoint's event #${payload.seq}: events were removed from its end`);
    }
    if (event.hash !== payload.hash) return result(false, `event #${payload.seq} is not the one signed (the trail was rewritten from there)`);
    return result(true);
  }

  return {
    /** Signs the current head unless it is already signed; returns the new checkpoint, or null when nothing changed. */
    async checkpoint(): Promise<Checkpoint | null> {
      const head = await db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      if (!head) return null;
      const last = await db.selectFrom('audit_checkpoints').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      if (last && last.seq >= head.seq) return null;
      const payload: CheckpointPayload = { node: await signer.nodeId(), seq: head.seq, hash: head.hash, at: nowIso() };
      const jws = await signer.sign(CHECKPOINT_TYPE, payload);
      const inserted = await db
        .insertInto('audit_checkpoints')
        .values({ id: newId(), at: payload.at, seq: payload.seq, hash: payload.hash, jws })
        .onConflict((oc) => oc.column('seq').doNothing())
        .executeTakeFirst();
      // Another process of the node signed the same head first: its checkpoint stands.
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return null;
      return { ...payload, jws };
    },

    /** Every stored checkpoint, oldest first, checked against the trail (which `audit.verify` has walked). */
    async verifyStored(): Promise<CheckpointCheck[]> {
      const rows = await db.selectFrom('audit_checkpoints').select(['seq', 'hash', 'jws']).orderBy('seq').execute();
      const out: CheckpointCheck[] = [];
      for (const row of rows) out.push(await check(row.jws, row));
      return out;
    },

    /** A checkpoint kept outside the node (from the log, a SIEM, a report), checked against the trail. */
    verifyExternal(jws: string): Promise<CheckpointCheck> {
      return check(jws.trim());
    },

    /** The newest stored checkpoint. */
    async latest(): Promise<Checkpoint | null> {
      const row = await db.selectFrom('audit_checkpoints').select(['jws']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      if (!row) return null;
      return { ...(await signer.verify<CheckpointPayload>(row.jws, CHECKPOINT_TYPE)), jws: row.jws };
    },
  };
}
