import { Type } from 'typebox';
import { HandlingCode } from '../intel/vocabulary.js';
import { ItemSummarySchema } from './item-summary.js';
import { DisclosureModeSchema, HitStatusSchema, ItemKindSchema } from './vocabulary.js';

/** The user API's documents for hits and matching settings; serialising through them keeps internals out. */
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
export const Id = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });

export const HitSchema = Type.Object({
  id: Type.String(),
  status: HitStatusSchema,
  statusAt: Type.String(),
  statusBy: Nullable(Type.Enum(['me', 'other'])),
  basis: Type.Enum(['exact', 'near']),
  distance: Nullable(Type.Integer()),
  createdAt: Type.String(),
  receivedAt: Type.String(),
  mine: Type.Object({
    kind: ItemKindSchema,
    caseId: Type.String(),
    caseReference: Type.String(),
    itemId: Type.String(),
    label: Type.String(),
    handling: HandlingCode,
    mode: DisclosureModeSchema,
  }),
  other: Type.Object({
    kind: ItemKindSchema,
    agency: Nullable(Type.Object({ id: Type.String(), name: Type.String(), country: Type.String() })),
    caseReference: Nullable(Type.String()),
    summary: Nullable(ItemSummarySchema),
  }),
  decision: Type.Object({ needed: Type.Boolean(), mine: Nullable(Type.Enum(['accepted', 'declined'])) }),
});

export const HitQuerySchema = Type.Object(
  {
    status: Type.Optional(HitStatusSchema),
    caseId: Type.Optional(Id),
    needsDecision: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

export const MessageDraftSchema = Type.Object({
  to: Type.Array(Type.String()),
  subject: Type.String(),
  body: Type.String(),
  caseId: Type.String(),
  handling: Type.Object({ tlp: HandlingCode }),
});

export const PolicySchema = Type.Object(
  {
    'TLP:RED': DisclosureModeSchema,
    'TLP:AMBER+STRICT': DisclosureModeSchema,
    'TLP:AMBER': DisclosureModeSchema,
    'TLP:GREEN': DisclosureModeSchema,
    'TLP:CLEAR': DisclosureModeSchema,
  },
  { additionalProperties: false },
);
export const PolicyPatchSchema = Type.Partial(PolicySchema, { additionalProperties: false });

export const SharedItemSchema = Type.Object({
  kind: ItemKindSchema,
  itemId: Type.String(),
  label: Type.String(),
  handling: HandlingCode,
  defaultShared: Type.Boolean(),
  override: Nullable(Type.Boolean()),
  shared: Type.Boolean(),
  published: Type.Boolean(),
  hits: Type.Integer(),
});

export const CaseSharingSchema = Type.Object({
  caseId: Type.String(),
  mediaHandling: HandlingCode,
  shared: Type.Integer(),
  notShared: Type.Integer(),
  published: Type.Integer(),
  total: Type.Integer(),
  items: Type.Array(SharedItemSchema),
});

export const MatchingStatusSchema = Type.Object({
  member: Type.Boolean(),
  epoch: Type.Integer(),
  founder: Nullable(Type.String()),
  nextFounder: Nullable(Type.String()),
  mayFound: Type.Boolean(),
  key: Nullable(Type.Object({ epoch: Type.Integer(), fingerprint: Type.String(), origin: Type.String() })),
  published: Type.Object({ selectors: Type.Integer(), media: Type.Integer() }),
  hits: Type.Integer(),
  lastSyncAt: Nullable(Type.String()),
  lastError: Nullable(Type.String()),
});

export const SyncResultSchema = Type.Object({
  skipped: Type.Optional(Type.Enum(['not-a-member', 'no-key', 'key-pending'])),
  epoch: Type.Integer(),
  published: Type.Integer(),
  withdrawn: Type.Integer(),
  hitsReceived: Type.Integer(),
  hitsRemoved: Type.Integer(),
  keysSent: Type.Integer(),
});
