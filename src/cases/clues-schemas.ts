/** Identification clues as the API shows them: a tagged region of a picture, its crop, and notes. */
import { Type, type Static } from 'typebox';
import { HandlingCode } from '../intel/vocabulary.js';
import { Id } from './case-schemas.js';

export const CLUE_KINDS = ['object', 'logo', 'text', 'landscape', 'other'] as const;
export type ClueKind = (typeof CLUE_KINDS)[number];

const Fraction = Type.Number({ minimum: 0, maximum: 1 });
/** Fractions of the upright picture (as the browser shows it), origin top left. */
export const RegionSchema = Type.Object(
  { x: Fraction, y: Fraction, w: Type.Number({ exclusiveMinimum: 0, maximum: 1 }), h: Type.Number({ exclusiveMinimum: 0, maximum: 1 }) },
  { additionalProperties: false },
);
export type Region = Static<typeof RegionSchema>;

export const ClueSchema = Type.Object({
  id: Id,
  mediaId: Id,
  kind: Type.Enum(CLUE_KINDS),
  label: Type.String(),
  note: Type.String(),
  region: RegionSchema,
  crop: Type.Union([Type.Object({ width: Type.Integer(), height: Type.Integer() }), Type.Null()]),
  /** The specialist allows the crop (never the whole picture) to be sent to other agencies. */
  shareable: Type.Boolean(),
  series: Type.Union([Type.Object({ id: Id, code: Type.String(), name: Type.String() }), Type.Null()]),
  mine: Type.Boolean(),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type Clue = Static<typeof ClueSchema>;

export const ClueListQuerySchema = Type.Object(
  { mediaId: Type.Optional(Id), seriesId: Type.Optional(Id), kind: Type.Optional(Type.Enum(CLUE_KINDS)) },
  { additionalProperties: false },
);
export type ClueListQuery = Static<typeof ClueListQuerySchema>;

export const NewClueSchema = Type.Object(
  {
    kind: Type.Enum(CLUE_KINDS),
    label: Type.String({ minLength: 1, maxLength: 120 }),
    note: Type.Optional(Type.String({ maxLength: 4000 })),
    region: RegionSchema,
    shareable: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type NewClue = Static<typeof NewClueSchema>;

export const CluePatchSchema = Type.Object(
  {
    kind: Type.Optional(Type.Enum(CLUE_KINDS)),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    note: Type.Optional(Type.String({ maxLength: 4000 })),
    shareable: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CluePatch = Static<typeof CluePatchSchema>;

export const ShareCluesSchema = Type.Object(
  {
    clueIds: Type.Array(Id, { minItems: 1, maxItems: 20 }),
    to: Type.Array(Id, { minItems: 1, maxItems: 20 }),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    note: Type.Optional(Type.String({ maxLength: 8000 })),
    handling: Type.Optional(HandlingCode),
  },
  { additionalProperties: false },
);
export type ShareClues = Static<typeof ShareCluesSchema>;
