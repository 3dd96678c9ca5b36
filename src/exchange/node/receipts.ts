import type { Kysely } from 'kysely';
import type { ExchangeLog } from '../log.js';
import { newId, nowIso } from '../../store/ids.js';
import type { Database } from '../../store/schema.js';
import { sealEnvelope } from '../envelope.js';
import type { KeyStore } from '../key-store.js';
import { PROTOCOL_VERSION, type ReceiptContent, type ReceiptStatus } from '../protocol.js';
import type { NodeMembership } from './membership.js';
import type { Outbox } from './outbox.js';

export type Receipts = ReturnType<typeof createReceipts>;

/**
 * Receipts are envelopes like any other: signed by the agency that received the message, sealed to the sender alone,
 * routed through the hub. A receipt that cannot be sealed (the sender left the network) is logged and dropped: it
 * must never block the inbox.
 */
export function createReceipts(deps: { db: Kysely<Database>; keys: KeyStore; membership: NodeMembership; outbox: Outbox; log?: ExchangeLog }) {
  const { db, keys, membership, outbox } = deps;

  return {
    async send(agencyId: string, to: string, of: string, status: ReceiptStatus): Promise<boolean> {
      const now = nowIso();
      const content: ReceiptContent = { type: 'receipt', v: PROTOCOL_VERSION, id: newId(), from: agencyId, to: [to], created: now, of, status, at: now };
      try {
        const recipients = await membership.recipientKeys(agencyId, [to]);
        const sealed = await sealEnvelope({ content, signingKey: await keys.currentKey(agencyId, 'sig'), recipients });
        await db.transaction().execute((trx) => outbox.add(trx, agencyId, sealed));
        await outbox.kick(agencyId);
        return true;
      } catch (err) {
        deps.log?.warn({ of, status, err: err instanceof Error ? err.message : String(err) }, 'could not send a receipt');
        return false;
      }
    },
  };
}
