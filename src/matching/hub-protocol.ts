import { Type, type Static } from 'typebox';
import { DisclosureModeSchema, HitStatusSchema, ItemKindSchema } from './vocabulary.js';

/**
 * The node→hub matching protocol under /hub/v1/match (docs/matching.md), signed like every hub request. What a node
 * sends is tokens, transformed PDQ hashes, an opaque reference per item, the item's kind and its disclosure mode:
 * never a value, a case or a handling code.
 */
const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const Token = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'HMAC-SHA256 token, base64url' });
const TransformedPdq = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'PDQ hash under the keyed permutation and mask' });

export const MAX_ITEMS_PER_REQUEST = 1000;
export const MAX_TOKENS_PER_ITEM = 8;

export const MatchStateSchema = Type.Object({
  epoch: Type.Integer({ minimum: 0, description: '0 while no network key exists' }),
  founder: Type.Union([Uuid, Type.Null()], { description: 'The agency that announced the current epoch and distributes its key' }),
  nextFounder: Type.Union([Uuid, Type.Null()], { description: 'The agency that may announce the next epoch' }),
  announcedAt: Type.Union([Type.String(), Type.Null()]),
});
export type MatchState = Static<typeof MatchStateSchema>;

export const AnnounceSchema = Type.Object({ epoch: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

export const PublishedItemSchema = Type.Object(
  {
    ref: Uuid,
    kind: ItemKindSchema,
    mode: DisclosureModeSchema,
    tokens: Type.Array(Token, { maxItems: MAX_TOKENS_PER_ITEM }),
    pdq: Type.Optional(TransformedPdq),
  },
  { additionalProperties: false },
);
export type PublishedItem = Static<typeof PublishedItemSchema>;

export const PublishSchema = Type.Object(
  { epoch: Type.Integer({ minimum: 1 }), items: Type.Array(PublishedItemSchema, { minItems: 1, maxItems: MAX_ITEMS_PER_REQUEST }) },
  { additionalProperties: false },
);
export type PublishRequest = Static<typeof PublishSchema>;

export const PublishResultSchema = Type.Object({ stored: Type.Integer(), unchanged: Type.Integer(), hits: Type.Integer() });
export type PublishResult = Static<typeof PublishResultSchema>;

export const WithdrawSchema = Type.Object({ refs: Type.Array(Uuid, { minItems: 1, maxItems: MAX_ITEMS_PER_REQUEST }) }, { additionalProperties: false });
export const WithdrawResultSchema = Type.Object({ withdrawn: Type.Integer(), hitsRemoved: Type.Integer() });

/** A hit as one side may see it. */
export const HubHitViewSchema = Type.Object({
  hitId: Uuid,
  myRef: Uuid,
  otherAgencyId: Type.Union([Uuid, Type.Null()]),
  otherKind: ItemKindSchema,
  basis: Type.Enum(['exact', 'near']),
  distance: Type.Union([Type.Integer(), Type.Null()]),
  myMode: DisclosureModeSchema,
  status: HitStatusSchema,
  statusAt: Type.String(),
  statusBy: Type.Union([Type.Enum(['me', 'other']), Type.Null()]),
  needsDecision: Type.Boolean(),
  myDecision: Type.Union([Type.Enum(['accepted', 'declined']), Type.Null()]),
  createdAt: Type.String(),
});
export type HubHitView = Static<typeof HubHitViewSchema>;

export const ChangesQuerySchema = Type.Object(
  { after: Type.Optional(Type.Integer({ minimum: 0, default: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 500 })) },
  { additionalProperties: false },
);

export const ChangesSchema = Type.Object({
  changes: Type.Array(Type.Object({ seq: Type.Integer(), hitId: Uuid, op: Type.Enum(['upsert', 'remove']), hit: Type.Optional(HubHitViewSchema) })),
  next: Type.Integer(),
});
export type HubChanges = Static<typeof ChangesSchema>;

export const HitParamsSchema = Type.Object({ hitId: Uuid });
export const StatusSchema = Type.Object({ status: HitStatusSchema }, { additionalProperties: false });
export const DecisionSchema = Type.Object({ decision: Type.Enum(['accept', 'decline']) }, { additionalProperties: false });
