/** Victims and the case dashboard as the API shows them. */
import { Type, type Static } from 'typebox';
import { Id } from './case-schemas.js';
import { AgencyRefSchema, ElsewhereSchema } from './series-schemas.js';

export const VICTIM_STATUSES = ['unidentified', 'identified', 'safeguarded'] as const;
export type VictimStatus = (typeof VICTIM_STATUSES)[number];
export const VictimStatusSchema = Type.Enum(VICTIM_STATUSES);

const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Reason = Type.String({ minLength: 1, maxLength: 500 });
const Country = Type.String({ pattern: '^[A-Z]{2,3}$', description: 'ISO 3166-1 alpha-2 (or EU, UN, INT)' });
const LocalName = Type.String({ minLength: 1, maxLength: 200, description: 'Kept at this agency only, sealed at rest, never shared' });

export const VictimSchema = Type.Object({
  id: Id,
  /** The pseudonym (V-001): the only name other agencies and exports ever see. */
  code: Type.String(),
  status: VictimStatusSchema,
  identification: Type.Union([Type.Object({ agency: Type.Union([AgencyRefSchema, Type.Null()]), on: Type.Union([IsoDate, Type.Null()]) }), Type.Null()]),
  safeguardedOn: Type.Union([IsoDate, Type.Null()]),
  country: Type.Union([Type.String(), Type.Null()]),
  notes: Type.String(),
  /** Only for users of the agency that recorded it; null for everyone else. */
  localName: Type.Union([Type.String(), Type.Null()]),
  /** The caller's agency recorded this victim. */
  mine: Type.Boolean(),
  series: Type.Array(Type.Object({ id: Id, code: Type.String(), name: Type.String(), status: Type.Enum(['unidentified', 'identified']) })),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  version: Type.Integer(),
});
export type Victim = Static<typeof VictimSchema>;

export const VictimListQuerySchema = Type.Object(
  { status: Type.Optional(VictimStatusSchema), seriesId: Type.Optional(Id) },
  { additionalProperties: false },
);
export type VictimListQuery = Static<typeof VictimListQuerySchema>;

export const NewVictimSchema = Type.Object(
  {
    seriesIds: Type.Optional(Type.Array(Id, { maxItems: 50 })),
    country: Type.Optional(Country),
    notes: Type.Optional(Type.String({ maxLength: 4000 })),
    localName: Type.Optional(LocalName),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);
export type NewVictim = Static<typeof NewVictimSchema>;

export const VictimPatchSchema = Type.Object(
  {
    seriesIds: Type.Optional(Type.Array(Id, { maxItems: 50 })),
    country: Type.Optional(Type.Union([Country, Type.Null()])),
    notes: Type.Optional(Type.String({ maxLength: 4000 })),
    localName: Type.Optional(Type.Union([LocalName, Type.Null()])),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type VictimPatch = Static<typeof VictimPatchSchema>;

export const VictimStatusBodySchema = Type.Object(
  { status: VictimStatusSchema, on: Type.Optional(IsoDate), country: Type.Optional(Country), reason: Type.Optional(Reason) },
  { additionalProperties: false },
);
export type VictimStatusBody = Static<typeof VictimStatusBodySchema>;

export const DashboardSchema = Type.Object({
  caseId: Id,
  reference: Type.String(),
  media: Type.Object({
    total: Type.Integer(),
    new: Type.Integer({ description: 'Matching no known hash set' }),
    known: Type.Integer(),
    categorised: Type.Integer(),
    uncategorised: Type.Integer(),
    categories: Type.Record(Type.String(), Type.Integer()),
    inSeries: Type.Integer(),
  }),
  series: Type.Object({
    total: Type.Integer(),
    identified: Type.Integer(),
    unidentified: Type.Integer(),
    identifiedElsewhere: Type.Integer({ description: 'Series of ours with media another agency identified' }),
    openProposals: Type.Integer(),
  }),
  victims: Type.Object({ total: Type.Integer(), unidentified: Type.Integer(), identified: Type.Integer(), safeguarded: Type.Integer() }),
  hits: Type.Object({ open: Type.Integer({ description: 'Not deconflicted or closed yet' }), new: Type.Integer(), media: Type.Integer() }),
  /** The latest identifications and safeguardings, newest first. */
  milestones: Type.Array(
    Type.Object({
      kind: Type.Enum(['victim', 'series']),
      id: Id,
      code: Type.String(),
      status: Type.String(),
      on: Type.Union([IsoDate, Type.Null()]),
      agency: Type.Union([AgencyRefSchema, Type.Null()]),
    }),
  ),
  elsewhere: Type.Array(ElsewhereSchema),
});
export type Dashboard = Static<typeof DashboardSchema>;
