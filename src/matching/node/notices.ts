import type { Kysely } from 'kysely';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { sealEnvelope } from '../../exchange/envelope.js';
import type { Exchange } from '../../exchange/exchange.js';
import { PROTOCOL_VERSION, type NoticeContent } from '../../exchange/protocol.js';
import { newId, nowIso } from '../../store/ids.js';
import type { Database } from '../../store/schema.js';
import { ItemSummarySchema, type ItemSummary } from '../item-summary.js';

/**
 * What agencies tell each other about matching, as notices sealed end to end (the hub routes them unread):
 * - `match.key`: the founding agency gives a member the network match key of an epoch;
 * - `match.key-request`: a member without the current key asks the founding agency for it;
 * - `match.hit-details`: the holder of an item under a "full" disclosure policy tells the other side of a hit its
 *   case reference and a summary of the item.
 */
export const TOPIC_KEY = 'match.key';
export const TOPIC_KEY_REQUEST = 'match.key-request';
export const TOPIC_HIT_DETAILS = 'match.hit-details';

export const KeyNoticeBody = Type.Object(
  {
    epoch: Type.Integer({ minimum: 1 }),
    key: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
    fingerprint: Type.String({ pattern: '^[0-9a-f]{16}$' }),
  },
  { additionalProperties: false },
);
export type KeyNoticeBody = Static<typeof KeyNoticeBody>;

export const KeyRequestBody = Type.Object({ epoch: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export type KeyRequestBody = Static<typeof KeyRequestBody>;

export { ItemSummarySchema, type ItemSummary };

export const HitDetailsBody = Type.Object(
  {
    hitId: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' }),
    caseReference: Type.Union([Type.String({ maxLength: 100 }), Type.Null()]),
    summary: ItemSummarySchema,
  },
  { additionalProperties: false },
);
export type HitDetailsBody = Static<typeof HitDetailsBody>;

export const checkKeyNotice = Compile(KeyNoticeBody);
export const checkKeyRequest = Compile(KeyRequestBody);
export const checkHitDetails = Compile(HitDetailsBody);

/**
 * Seals a notice from `agencyId` to `to` and queues it in the outbox; `alongside` runs in the same transaction (the
 * audit event and the row that records the notice was sent commit together with the queued envelope).
 */
export async function sendNotice(
  deps: { db: Kysely<Database>; exchange: Pick<Exchange, 'keys' | 'membership' | 'outbox'> },
  agencyId: string,
  to: string[],
  topic: string,
  body: Record<string, unknown>,
  alongside?: (trx: Kysely<Database>) => Promise<void>,
): Promise<void> {
  const { exchange } = deps;
  const content: NoticeContent = { type: 'notice', v: PROTOCOL_VERSION, id: newId(), from: agencyId, to, created: nowIso(), topic, body };
  const recipients = await exchange.membership.recipientKeys(agencyId, to);
  const sealed = await sealEnvelope({ content, signingKey: await exchange.keys.currentKey(agencyId, 'sig'), recipients });
  await deps.db.transaction().execute(async (trx) => {
    await exchange.outbox.add(trx, agencyId, sealed);
    if (alongside) await alongside(trx);
  });
  await exchange.outbox.kick(agencyId);
}
