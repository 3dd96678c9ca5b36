/**
 * The API shapes of location assessments (issue 8): what a client sends to create and edit one, and what it gets
 * back. Responses are serialised through these schemas, so nothing else of the stored rows leaves the node.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { Id } from '../cases/case-schemas.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const IsoTime = Type.String({ format: 'date-time', description: 'ISO 8601 date and time' });
const CountryCode = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' });
const Countries = Type.Array(CountryCode, { minItems: 1, maxItems: 60, uniqueItems: true });
const Label = Type.String({ minLength: 1, maxLength: 200 });

export const AUDIENCES = ['case', 'agency'] as const;
export type Audience = (typeof AUDIENCES)[number];
export const AudienceSchema = Type.Enum(AUDIENCES, {
  description: "'case': every participating agency sees it and only evidence they all may see is used; 'agency': your agency alone sees it and its restricted records (TLP:RED, TLP:AMBER+STRICT) count too",
});
export const COUNTRY_PRIORS = ['population', 'uniform'] as const;
export type CountryPrior = (typeof COUNTRY_PRIORS)[number];
export const CountryPriorSchema = Type.Enum(COUNTRY_PRIORS, { description: 'Prior over countries before any evidence' });
export const EVIDENCE_KINDS = ['activity', 'language', 'gps', 'capture-offset', 'camera-serial', 'clue'] as const;
export const EvidenceKindSchema = Type.Enum(EVIDENCE_KINDS);
export const ORIGINS = ['posts', 'media', 'other-cases', 'analyst'] as const;
export type EvidenceOrigin = (typeof ORIGINS)[number];
export const VERSION_REASONS = ['created', 'edited', 'evidence-changed', 'recomputed'] as const;
export type VersionReason = (typeof VERSION_REASONS)[number];

/** Analyst items are bounded so one assessment stays small enough to keep every version of. */
export const ANALYST_LIMITS = { items: 200, times: 10_000, texts: 500, textLength: 5_000 };

export const AnalystItemInputSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('clue'),
      text: Type.String({ minLength: 1, maxLength: 500, description: 'What was seen: "type F socket", "a supermarket brand"' }),
      countries: Countries,
      confidence: Type.Number({ minimum: 0.05, maximum: 0.99, description: 'How strongly it points to these countries rather than anywhere (0..1)' }),
      label: Type.Optional(Label),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('gps'), lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }), label: Type.Optional(Label) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('capture-offset'),
      offsetMinutes: Type.Integer({ minimum: -720, maximum: 840, description: 'UTC offset a device recorded, in minutes (+60 for +01:00)' }),
      capturedAt: Type.Optional(IsoTime),
      label: Type.Optional(Label),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('camera-serial'),
      serial: Type.String({ minLength: 1, maxLength: 100 }),
      countries: Countries,
      confidence: Type.Optional(Type.Number({ minimum: 0.05, maximum: 0.99 })),
      label: Type.Optional(Label),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('activity'), times: Type.Array(IsoTime, { minItems: 1, maxItems: ANALYST_LIMITS.times }), label: Type.Optional(Label) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('language'),
      texts: Type.Array(Type.String({ minLength: 1, maxLength: ANALYST_LIMITS.textLength }), { minItems: 1, maxItems: ANALYST_LIMITS.texts }),
      label: Type.Optional(Label),
    },
    { additionalProperties: false },
  ),
]);
export type AnalystItemInput = Static<typeof AnalystItemInputSchema>;

export const NewAssessmentSchema = Type.Object(
  {
    subject: Type.Union([
      Type.Object({ type: Type.Literal('identity'), identityId: Id }, { additionalProperties: false }),
      Type.Object({ type: Type.Literal('case') }, { additionalProperties: false }),
    ]),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    audience: Type.Optional(AudienceSchema),
    countryPrior: Type.Optional(CountryPriorSchema),
    items: Type.Optional(Type.Array(AnalystItemInputSchema, { maxItems: 50, description: 'Analyst items to start with' })),
  },
  { additionalProperties: false },
);
export type NewAssessment = Static<typeof NewAssessmentSchema>;

export const AssessmentPatchSchema = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    countryPrior: Type.Optional(CountryPriorSchema),
    enabled: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]{1,80}$' }), Type.Boolean(), { description: 'Switch evidence items on or off by id', maxProperties: 500 }),
    ),
    expectedVersion: Type.Optional(Type.Integer({ minimum: 1, description: 'Refuse the edit (409) if a newer version exists' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type AssessmentPatch = Static<typeof AssessmentPatchSchema>;

export const ItemPatchSchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    /** Analyst items only: the item as it should now be. */
    item: Type.Optional(AnalystItemInputSchema),
    expectedVersion: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ItemPatch = Static<typeof ItemPatchSchema>;

export const DeleteAssessmentSchema = Type.Object({ reason: Type.String({ minLength: 3, maxLength: 1000 }) }, { additionalProperties: false });

export const SourceRefSchema = Type.Object({ type: Type.Enum(['record', 'media', 'case']), id: Id, label: Type.Optional(Type.String()) });
export type SourceRef = Static<typeof SourceRefSchema>;

/** What an item is, kind by kind; only the fields of its kind are present. */
export const ItemDetailSchema = Type.Object({
  events: Type.Optional(Type.Integer()),
  from: Type.Optional(Nullable(Type.String())),
  to: Type.Optional(Nullable(Type.String())),
  texts: Type.Optional(Type.Integer()),
  lat: Type.Optional(Type.Number()),
  lon: Type.Optional(Type.Number()),
  /** GPS: the country of the position; other cases' media: where they came from. */
  country: Type.Optional(Nullable(Type.String())),
  mediaCount: Type.Optional(Type.Integer()),
  offsetMinutes: Type.Optional(Type.Integer()),
  capturedAt: Type.Optional(Nullable(Type.String())),
  serial: Type.Optional(Type.String()),
  countries: Type.Optional(Type.Array(Type.String())),
  confidence: Type.Optional(Type.Number()),
  text: Type.Optional(Type.String()),
  cases: Type.Optional(Type.Array(Type.String({ description: 'References of the other cases' }))),
});
export type ItemDetail = Static<typeof ItemDetailSchema>;

export const ContributionSchema = Type.Object({
  usable: Type.Boolean({ description: 'False when the item could not be used (summary says why)' }),
  summary: Type.String(),
  favours: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), relativeLikelihood: Type.Number() })),
  log10BayesFactorForTop: Type.Number({ description: 'log10 of the Bayes factor the item gives the top country; positive supports it' }),
  topProbabilityWithoutThisItem: Type.Number({ description: 'The top country probability without this item (with it, when it is switched off)' }),
});

export const EvidenceItemSchema = Type.Object({
  id: Type.String({ description: 'Stable id: the same source keeps its id from version to version' }),
  kind: EvidenceKindSchema,
  origin: Type.Enum(ORIGINS),
  label: Type.String(),
  enabled: Type.Boolean(),
  detail: ItemDetailSchema,
  sources: Type.Array(SourceRefSchema, { description: 'Where the item came from (the first 50)' }),
  sourceCount: Type.Integer(),
  contribution: ContributionSchema,
});
export type EvidenceItemView = Static<typeof EvidenceItemSchema>;

const Chart24 = Type.Array(Type.Number(), { minItems: 24, maxItems: 24 });
const Chart168 = Type.Array(Type.Number(), { minItems: 168, maxItems: 168 });

export const ActivityReportSchema = Type.Object({
  evidenceId: Type.String(),
  eventCount: Type.Integer(),
  activeHours: Type.Integer(),
  period: Type.Object({ from: Type.Number(), to: Type.Number() }, { description: 'unix seconds' }),
  offsets: Type.Array(Type.Object({ offsetMinutes: Type.Integer(), probability: Type.Number() })),
  offsetCredibleSet90: Type.Array(Type.Integer()),
  clockRules: Type.Array(Type.Object({ zone: Type.String(), label: Type.String(), offsetMinutes: Type.Integer(), probability: Type.Number() })),
  routines: Type.Array(Type.Object({ id: Type.String(), label: Type.String(), probability: Type.Number() })),
  temperature: Type.Number(),
  charts: Type.Object({
    hourOfDayUtc: Chart24,
    hourOfWeekUtc: Chart168,
    localZone: Type.String(),
    localOffsetMinutes: Type.Integer(),
    hourOfDayLocal: Chart24,
    hourOfWeekLocal: Chart168,
    fittedHourOfDayLocal: Chart24,
    fittedHourOfWeekLocal: Chart168,
  }),
});

export const CountryResultSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  numeric: Nullable(Type.String({ description: 'ISO 3166-1 numeric, as world-atlas outlines are keyed' })),
  probability: Type.Number(),
});

export const ResultSchema = Type.Object({
  countries: Type.Array(CountryResultSchema, { description: 'Every country, most probable first' }),
  credibleSet: Type.Array(Type.String()),
  credibleLevel: Type.Number(),
  explanation: Type.String(),
  assumptions: Type.Array(Type.String()),
  activity: Type.Array(ActivityReportSchema),
});

export const SubjectSchema = Type.Object({
  type: Type.Enum(['identity', 'case']),
  identityId: Nullable(Id),
  label: Type.String({ description: 'The handle, or the case reference' }),
});

const VersionFields = {
  version: Type.Integer({ minimum: 1 }),
  reason: Type.Enum(VERSION_REASONS),
  createdAt: Type.String(),
  createdBy: Type.String(),
};

export const AssessmentSummarySchema = Type.Object({
  id: Id,
  caseId: Id,
  title: Type.String(),
  subject: SubjectSchema,
  audience: AudienceSchema,
  ownerAgencyId: Id,
  ownerAgencyName: Type.String(),
  countryPrior: CountryPriorSchema,
  version: Type.Integer({ minimum: 1 }),
  top: Type.Object({ code: Type.String(), name: Type.String(), probability: Type.Number() }),
  credibleSet: Type.Array(Type.String()),
  createdAt: Type.String(),
  createdBy: Type.String(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});
export type AssessmentSummary = Static<typeof AssessmentSummarySchema>;

export const AssessmentSchema = Type.Object({
  ...AssessmentSummarySchema.properties,
  current: Type.Object(VersionFields),
  can: Type.Object({ edit: Type.Boolean() }),
  evidence: Type.Array(EvidenceItemSchema),
  result: ResultSchema,
});
export type AssessmentView = Static<typeof AssessmentSchema>;

export const VersionSummarySchema = Type.Object({
  ...VersionFields,
  top: Type.Object({ code: Type.String(), name: Type.String(), probability: Type.Number() }),
  credibleSet: Type.Array(Type.String()),
  items: Type.Integer(),
  enabledItems: Type.Integer(),
});
export type VersionSummary = Static<typeof VersionSummarySchema>;

export const VersionSchema = Type.Object({
  ...VersionFields,
  assessmentId: Id,
  evidence: Type.Array(EvidenceItemSchema),
  result: ResultSchema,
});
export type VersionView = Static<typeof VersionSchema>;

export const ComparisonSchema = Type.Object({
  from: VersionSummarySchema,
  to: VersionSummarySchema,
  countries: Type.Array(
    Type.Object({ code: Type.String(), name: Type.String(), from: Type.Number(), to: Type.Number(), change: Type.Number() }),
    { description: 'Countries in the top ten of either version, largest change first' },
  ),
  credibleSet: Type.Object({ added: Type.Array(Type.String()), removed: Type.Array(Type.String()), kept: Type.Array(Type.String()) }),
  evidence: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: EvidenceKindSchema,
      label: Type.String(),
      change: Type.Enum(['added', 'removed', 'switched-on', 'switched-off', 'changed']),
      from: Nullable(Type.String({ description: "The item's summary in the older version" })),
      to: Nullable(Type.String({ description: "The item's summary in the newer version" })),
    }),
    { description: 'Items that differ between the two versions' },
  ),
});
export type Comparison = Static<typeof ComparisonSchema>;

export const CompareQuerySchema = Type.Object({ from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
