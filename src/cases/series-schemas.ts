/**
 * Series, their proposals, history and triage as the API shows them (TypeBox: validation, responses and the web app's
 * types come from here).
 */
import { Type, type Static } from 'typebox';
import { MEDIA_KINDS } from '../ingest/ingest-schemas.js';
import { MediaCategory } from '../intel/vocabulary.js';
import { Id } from './case-schemas.js';
import { PROPOSAL_BASES, PROPOSAL_KINDS } from './series-proposals.js';

export const SERIES_STATES = ['active', 'merged', 'dissolved'] as const;
export type SeriesState = (typeof SERIES_STATES)[number];
export const SERIES_STATUSES = ['unidentified', 'identified'] as const;
export type SeriesStatus = (typeof SERIES_STATUSES)[number];
export const IDENTIFICATION_SOURCES = ['agency', 'import'] as const;
export type IdentificationSource = (typeof IDENTIFICATION_SOURCES)[number];

const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Reason = Type.String({ minLength: 1, maxLength: 500, description: 'Why (kept in the history)' });
const Name = Type.String({ minLength: 1, maxLength: 120 });
const MediaIds = Type.Array(Id, { minItems: 1, maxItems: 5000, description: 'Media items of the case' });
const Country = Type.String({ pattern: '^[A-Z]{2,3}$', description: 'ISO 3166-1 alpha-2 (or EU, UN, INT)' });

export const AgencyRefSchema = Type.Object({ id: Id, name: Type.String(), country: Type.String() });
export type AgencyRef = Static<typeof AgencyRefSchema>;

export const IdentificationSchema = Type.Object({
  agency: Type.Union([AgencyRefSchema, Type.Null()], { description: 'Null when a VICS import said so without naming who' }),
  on: Type.Union([IsoDate, Type.Null()]),
  country: Type.Union([Type.String(), Type.Null()], { description: "The victim's country, when known" }),
  source: Type.Enum(IDENTIFICATION_SOURCES),
});
export type Identification = Static<typeof IdentificationSchema>;

/** What another agency said about a series of its own that our media hit. */
export const ElsewhereSchema = Type.Object({
  agency: AgencyRefSchema,
  seriesRef: Id,
  status: Type.Enum(['identified', 'withdrawn']),
  identifiedOn: Type.Union([IsoDate, Type.Null()]),
  changedAt: Type.String(),
  /** How many of our media items the hits link it to. */
  media: Type.Integer(),
});
export type Elsewhere = Static<typeof ElsewhereSchema>;

export const SeriesSummarySchema = Type.Object({
  id: Id,
  code: Type.String(),
  name: Type.String(),
  description: Type.String(),
  state: Type.Enum(SERIES_STATES),
  mergedInto: Type.Union([Id, Type.Null()]),
  status: Type.Enum(SERIES_STATUSES),
  identification: Type.Union([IdentificationSchema, Type.Null()]),
  mediaCount: Type.Integer(),
  victimCount: Type.Integer(),
  clueCount: Type.Integer(),
  /** Identified by another agency whose media hit ours (through the network). */
  elsewhere: Type.Array(ElsewhereSchema),
  agencyId: Id,
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  version: Type.Integer(),
});
export type SeriesSummary = Static<typeof SeriesSummarySchema>;

export const SeriesMediaSchema = Type.Object({
  id: Id,
  kind: Type.Enum(MEDIA_KINDS),
  category: MediaCategory,
  known: Type.Boolean(),
  hasThumbnail: Type.Boolean(),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  cameraSerial: Type.Union([Type.String(), Type.Null()]),
  addedAt: Type.String(),
  addedBy: Type.String(),
});
export type SeriesMedia = Static<typeof SeriesMediaSchema>;

export const NotifiedSchema = Type.Object({
  agency: AgencyRefSchema,
  status: Type.Enum(['identified', 'withdrawn']),
  identifiedOn: Type.Union([IsoDate, Type.Null()]),
  hits: Type.Integer(),
  sentAt: Type.String(),
});
export type Notified = Static<typeof NotifiedSchema>;

export const SeriesVictimRefSchema = Type.Object({ id: Id, code: Type.String(), status: Type.Enum(['unidentified', 'identified', 'safeguarded']) });

export const SeriesDetailSchema = Type.Object({
  ...SeriesSummarySchema.properties,
  media: Type.Array(SeriesMediaSchema),
  victims: Type.Array(SeriesVictimRefSchema),
  /** Agencies told of this series' identification status, and what they were told last. */
  notified: Type.Array(NotifiedSchema),
});
export type SeriesDetail = Static<typeof SeriesDetailSchema>;

export const SeriesListQuerySchema = Type.Object(
  {
    state: Type.Optional(Type.Enum([...SERIES_STATES, 'all'])),
    status: Type.Optional(Type.Enum(SERIES_STATUSES)),
  },
  { additionalProperties: false },
);
export type SeriesListQuery = Static<typeof SeriesListQuerySchema>;

export const NewSeriesSchema = Type.Object(
  { name: Name, description: Type.Optional(Type.String({ maxLength: 2000 })), mediaIds: Type.Optional(MediaIds), reason: Type.Optional(Reason) },
  { additionalProperties: false },
);
export type NewSeries = Static<typeof NewSeriesSchema>;

export const SeriesPatchSchema = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Type.String({ maxLength: 2000 })), reason: Type.Optional(Reason) },
  { additionalProperties: false, minProperties: 1 },
);
export type SeriesPatch = Static<typeof SeriesPatchSchema>;

export const MediaIdsBodySchema = Type.Object({ mediaIds: MediaIds, reason: Type.Optional(Reason) }, { additionalProperties: false });
export type MediaIdsBody = Static<typeof MediaIdsBodySchema>;

export const MergeBodySchema = Type.Object(
  { seriesIds: Type.Array(Id, { minItems: 1, maxItems: 50, description: 'Series merged into this one' }), reason: Type.Optional(Reason) },
  { additionalProperties: false },
);
export type MergeBody = Static<typeof MergeBodySchema>;

export const SplitBodySchema = Type.Object({ mediaIds: MediaIds, name: Name, reason: Type.Optional(Reason) }, { additionalProperties: false });
export type SplitBody = Static<typeof SplitBodySchema>;

export const IdentifyBodySchema = Type.Object(
  { identifiedOn: Type.Optional(IsoDate), country: Type.Optional(Country), reason: Type.Optional(Reason) },
  { additionalProperties: false },
);
export type IdentifyBody = Static<typeof IdentifyBodySchema>;

export const ReasonBodySchema = Type.Object({ reason: Reason }, { additionalProperties: false });
export const OptionalReasonBodySchema = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });

export const HISTORY_ACTIONS = [
  'series.create',
  'series.rename',
  'series.add',
  'series.remove',
  'series.merge',
  'series.split',
  'series.identify',
  'series.withdraw',
  'series.revert',
  'victim.create',
  'victim.update',
  'victim.status',
  'victim.revert',
] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

export const HistoryEventSchema = Type.Object({
  id: Id,
  subjectType: Type.Enum(['series', 'victim']),
  subjectId: Id,
  action: Type.Enum(HISTORY_ACTIONS),
  summary: Type.String({ description: 'The change in words' }),
  reason: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.String(),
  agencyId: Type.Union([Id, Type.Null()]),
  at: Type.String(),
  reverts: Type.Union([Id, Type.Null()]),
  revertedBy: Type.Union([Id, Type.Null()]),
  /** It can be undone now (not undone already, and what it changed has not changed since). */
  revertible: Type.Boolean(),
});
export type HistoryEvent = Static<typeof HistoryEventSchema>;

export const ProposalEvidenceSchema = Type.Object({
  maxDistance: Type.Optional(Type.Integer()),
  orientedLinks: Type.Optional(Type.Integer()),
  croppedLinks: Type.Optional(Type.Integer()),
  cameraSerial: Type.Optional(Type.String()),
  tag: Type.Optional(Type.String()),
  setSeries: Type.Optional(Type.String()),
  victimIdentified: Type.Optional(Type.Boolean()),
});

export const PROPOSAL_STATUSES = ['open', 'accepted', 'dismissed'] as const;

export const ProposalSchema = Type.Object({
  id: Id,
  kind: Type.Enum(PROPOSAL_KINDS),
  bases: Type.Array(Type.Enum(PROPOSAL_BASES)),
  evidence: ProposalEvidenceSchema,
  /** Media that accepting adds (not in a series yet). */
  mediaIds: Type.Array(Id),
  /** The series it extends or merges. */
  series: Type.Array(Type.Object({ id: Id, code: Type.String(), name: Type.String() })),
  size: Type.Integer({ description: 'Media in the group, assigned or not' }),
  status: Type.Enum(PROPOSAL_STATUSES),
  computedAt: Type.String(),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  seriesId: Type.Union([Id, Type.Null()]),
});
export type Proposal = Static<typeof ProposalSchema>;

export const ProposalQuerySchema = Type.Object(
  { status: Type.Optional(Type.Enum(PROPOSAL_STATUSES)), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), offset: Type.Optional(Type.Integer({ minimum: 0 })) },
  { additionalProperties: false },
);
export type ProposalQuery = Static<typeof ProposalQuerySchema>;

export const AcceptProposalSchema = Type.Object({ name: Type.Optional(Name), reason: Type.Optional(Reason) }, { additionalProperties: false });
export type AcceptProposal = Static<typeof AcceptProposalSchema>;

export const RefreshResultSchema = Type.Object({
  open: Type.Integer(),
  added: Type.Integer(),
  removed: Type.Integer(),
  media: Type.Integer(),
  queued: Type.Boolean({ description: 'A large case is computed by a background job; the list says while it runs' }),
});

export const TriageItemSchema = Type.Object({
  id: Id,
  kind: Type.Enum(MEDIA_KINDS),
  type: Type.String(),
  category: MediaCategory,
  categorySource: Type.String(),
  known: Type.Boolean(),
  hasThumbnail: Type.Boolean(),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  nearGroup: Type.Union([Id, Type.Null()]),
  cameraSerial: Type.Union([Type.String(), Type.Null()]),
  firstPath: Type.Union([Type.String(), Type.Null()]),
  series: Type.Union([Type.Object({ id: Id, code: Type.String(), name: Type.String() }), Type.Null()]),
  tags: Type.Array(Type.String()),
  clues: Type.Integer(),
  /** Another agency identified a series these media hit. */
  identifiedElsewhere: Type.Boolean(),
});
export type TriageItem = Static<typeof TriageItemSchema>;

export const TriageQuerySchema = Type.Object(
  {
    status: Type.Optional(Type.Enum(['new', 'known'])),
    category: Type.Optional(MediaCategory),
    series: Type.Optional(Type.Union([Type.Enum(['none', 'any']), Id], { description: 'none, any, or a series id' })),
    tag: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    kind: Type.Optional(Type.Enum(MEDIA_KINDS)),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
export type TriageQuery = Static<typeof TriageQuerySchema>;

const Tag = Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' });
export const TagBodySchema = Type.Object(
  { mediaIds: MediaIds, tags: Type.Array(Tag, { minItems: 1, maxItems: 10 }), remove: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type TagBody = Static<typeof TagBodySchema>;

export const VicsImportBodySchema = Type.Object(
  {
    fileName: Type.Optional(Type.String({ maxLength: 200 })),
    content: Type.String({ minLength: 2, description: 'The VICS JSON document, as text' }),
  },
  { additionalProperties: false },
);
export type VicsImportBody = Static<typeof VicsImportBodySchema>;

export const VicsImportResultSchema = Type.Object({
  entries: Type.Integer(),
  matched: Type.Integer({ description: 'Media of the case found among the entries' }),
  categorised: Type.Integer(),
  categoryConflicts: Type.Integer({ description: 'Items an examiner had categorised otherwise (kept)' }),
  seriesCreated: Type.Integer(),
  seriesExtended: Type.Integer(),
  seriesIdentified: Type.Integer(),
  warnings: Type.Array(Type.String()),
});
export type VicsImportResult = Static<typeof VicsImportResultSchema>;
