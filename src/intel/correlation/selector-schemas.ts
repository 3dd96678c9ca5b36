import { Type, type Static } from 'typebox';
import { Id } from '../../cases/case-schemas.js';
import { HandlingCode, RecordKind, SelectorType } from '../vocabulary.js';

export const SelectorStatusSchema = Type.Enum(['suggested', 'confirmed', 'dismissed']);
export const SelectorOriginSchema = Type.Enum(['extracted', 'manual', 'media', 'import']);

export const CaseSelectorSchema = Type.Object({
  id: Id,
  caseId: Id,
  type: SelectorType,
  normalised: Type.String(),
  raw: Type.String({ description: 'As first written' }),
  valid: Type.Boolean(),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why the value is invalid' }),
  note: Type.Union([Type.String(), Type.Null()]),
  status: SelectorStatusSchema,
  origin: SelectorOriginSchema,
  sources: Type.Integer({ description: 'Places in this case it was seen that you may see' }),
  alsoSeenIn: Type.Integer({ description: 'Other cases you take part in where the same value was seen' }),
  createdAt: Type.String(),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
});
export type CaseSelector = Static<typeof CaseSelectorSchema>;

export const SelectorListQuerySchema = Type.Object(
  {
    status: Type.Optional(SelectorStatusSchema),
    type: Type.Optional(SelectorType),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);
export type SelectorListQuery = Static<typeof SelectorListQuerySchema>;

export const SelectorDecisionSchema = Type.Object({ status: SelectorStatusSchema }, { additionalProperties: false });

export const NewSelectorSchema = Type.Object(
  {
    type: SelectorType,
    value: Type.String({ minLength: 1, maxLength: 2048 }),
    handlingCode: HandlingCode,
    platform: Type.Optional(Type.String({ maxLength: 100, description: 'Handles given without one' })),
  },
  { additionalProperties: false },
);
export type NewSelector = Static<typeof NewSelectorSchema>;

export const SelectorSourceSchema = Type.Object({
  sourceType: Type.Enum(['record', 'media', 'message']),
  sourceId: Id,
  raw: Type.String(),
  start: Type.Integer(),
  end: Type.Integer(),
  recordKind: Type.Union([RecordKind, Type.Null()]),
  excerpt: Type.Union([Type.String(), Type.Null()], { description: 'The text around the selector' }),
  occurredAt: Type.Union([Type.String(), Type.Null()]),
});
export type SelectorSource = Static<typeof SelectorSourceSchema>;

export const AlsoSeenInSchema = Type.Object({
  caseId: Id,
  reference: Type.String(),
  title: Type.String(),
  leadAgencyName: Type.String(),
  selectors: Type.Array(Type.Object({ type: SelectorType, normalised: Type.String() })),
});
export type AlsoSeenIn = Static<typeof AlsoSeenInSchema>;

export const ExtractRequestSchema = Type.Object(
  {
    text: Type.String({ maxLength: 100_000 }),
    region: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$', description: 'Default region for national phone numbers' })),
    platform: Type.Optional(Type.String({ maxLength: 100, description: 'Platform of bare @mentions' })),
  },
  { additionalProperties: false },
);
