/**
 * The shapes of ingest runs, media items and hash sets as the API, the CLI (--json) and the web app see them. Defined
 * once here (TypeBox); the TypeScript types derive from them.
 */
import { Type, type Static } from 'typebox';
import { Id } from '../cases/case-schemas.js';
import { MediaCategory, MediaCategoryScheme } from '../intel/vocabulary.js';
import { PROBLEM_CODES } from './problems.js';

export const ProblemCodeSchema = Type.Enum(PROBLEM_CODES);

export const INGEST_STATUSES = ['queued', 'running', 'interrupted', 'done', 'failed'] as const;
export type IngestStatus = (typeof INGEST_STATUSES)[number];

export const IngestProgressSchema = Type.Object({
  filesDone: Type.Integer({ description: 'Files recorded so far (stored or refused)' }),
  bytesDone: Type.Number(),
  errors: Type.Integer({ description: 'Files with a problem so far' }),
  elapsedMs: Type.Number(),
  filesPerSecond: Type.Number(),
  bytesPerSecond: Type.Number(),
  /** Estimated totals when the inputs were counted first (folders and top-level files; archives by their size). */
  estimatedFiles: Type.Optional(Type.Integer()),
  estimatedBytes: Type.Optional(Type.Number()),
  etaSeconds: Type.Optional(Type.Number()),
  walkDone: Type.Boolean(),
});
export type IngestProgress = Static<typeof IngestProgressSchema>;

export const IngestSummarySchema = Type.Object({
  ingestId: Id,
  caseId: Id,
  source: Type.String(),
  status: Type.Enum(INGEST_STATUSES),
  filesSeen: Type.Integer({ description: 'Files met: stored, duplicates and refused (archives themselves not counted)' }),
  newMedia: Type.Integer({ description: 'Media items this ingest added to the node' }),
  duplicates: Type.Integer({ description: 'Files whose bytes were already in the node (earlier in this ingest or before)' }),
  alreadyInNode: Type.Integer({ description: 'Distinct media items that were in the node before this ingest' }),
  known: Type.Integer({ description: 'Files matching a known hash set (exact or near)' }),
  knownMedia: Type.Integer({ description: 'Distinct media items matching a known hash set' }),
  nearDuplicates: Type.Integer({ description: 'New media items with a near-duplicate in the node' }),
  archives: Type.Integer({ description: 'Archives walked completely' }),
  bytes: Type.Number({ description: 'Bytes of the files stored or recognised as duplicates' }),
  refused: Type.Integer({ description: 'Files not stored (unreadable, unsafe, bombs, links, encrypted …)' }),
  errors: Type.Record(Type.String(), Type.Integer(), { description: 'Problems by reason, including files stored with a caveat' }),
  runs: Type.Integer({ description: 'How many times the ingest was started (resumes)' }),
  createdAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});
export type IngestSummary = Static<typeof IngestSummarySchema>;

export const IngestSchema = Type.Object({
  id: Id,
  caseId: Id,
  source: Type.String(),
  origin: Type.Enum(['cli', 'upload']),
  status: Type.Enum(INGEST_STATUSES),
  jobId: Type.Union([Type.String(), Type.Null()]),
  progress: Type.Union([IngestProgressSchema, Type.Null()]),
  summary: Type.Union([IngestSummarySchema, Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  runs: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});
export type Ingest = Static<typeof IngestSchema>;

export const IngestIssueSchema = Type.Object({
  path: Type.String(),
  outcome: Type.Enum(['new', 'duplicate', 'error']),
  problem: ProblemCodeSchema,
  detail: Type.Union([Type.String(), Type.Null()]),
  mediaId: Type.Union([Id, Type.Null()]),
});
export type IngestIssue = Static<typeof IngestIssueSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Media
// ---------------------------------------------------------------------------------------------------------------

export const MEDIA_KINDS = ['image', 'video', 'other'] as const;

export const MediaSummarySchema = Type.Object({
  id: Id,
  kind: Type.Enum(MEDIA_KINDS),
  type: Type.String({ description: 'Sniffed content type: jpeg, png, mp4 …' }),
  mime: Type.String(),
  size: Type.Number(),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  duration: Type.Union([Type.Number(), Type.Null()]),
  category: MediaCategory,
  categorySource: Type.String({ description: 'none, examiner, or hashset:<name>' }),
  known: Type.Boolean({ description: 'Matches a known hash set' }),
  nearGroup: Type.Union([Id, Type.Null()]),
  cameraMake: Type.Union([Type.String(), Type.Null()]),
  cameraModel: Type.Union([Type.String(), Type.Null()]),
  captureTime: Type.Union([Type.String(), Type.Null()]),
  hasGps: Type.Boolean(),
  hasThumbnail: Type.Boolean(),
  firstPath: Type.Union([Type.String(), Type.Null()]),
  occurrences: Type.Integer(),
  addedAt: Type.String(),
  problem: Type.Union([Type.String(), Type.Null()]),
});
export type MediaSummary = Static<typeof MediaSummarySchema>;

export const MediaOccurrenceSchema = Type.Object({
  source: Type.String(),
  path: Type.String(),
  pathRaw: Type.Union([Type.String(), Type.Null()]),
  size: Type.Number(),
  modifiedAt: Type.Union([Type.String(), Type.Null()]),
  accessedAt: Type.Union([Type.String(), Type.Null()]),
  changedAt: Type.Union([Type.String(), Type.Null()]),
  bornAt: Type.Union([Type.String(), Type.Null()]),
  ingestId: Type.String(),
  recordedAt: Type.String(),
});
export type MediaOccurrence = Static<typeof MediaOccurrenceSchema>;

export const HashMatchSchema = Type.Object({
  setId: Id,
  setName: Type.String(),
  match: Type.Enum(['exact', 'near']),
  digest: Type.Enum(['md5', 'sha1', 'sha256', 'pdq']),
  distance: Type.Integer(),
  category: MediaCategory,
  categoryScheme: MediaCategoryScheme,
  categoryCode: Type.String(),
  series: Type.Union([Type.String(), Type.Null()]),
  victimIdentified: Type.Union([Type.Boolean(), Type.Null()]),
});
export type HashMatch = Static<typeof HashMatchSchema>;

export const NearDuplicateSchema = Type.Object({
  id: Id,
  caseId: Id,
  distance: Type.Integer(),
  kind: Type.Enum(MEDIA_KINDS),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  size: Type.Number(),
  category: MediaCategory,
  hasThumbnail: Type.Boolean(),
});

export const MediaDetailSchema = Type.Object({
  ...MediaSummarySchema.properties,
  md5: Type.String(),
  sha1: Type.String(),
  sha256: Type.String(),
  pdq: Type.Union([Type.String(), Type.Null()]),
  pdqQuality: Type.Union([Type.Integer(), Type.Null()]),
  videoFrames: Type.Integer({ description: 'vPDQ frames kept (consecutive duplicates folded)' }),
  categoryScheme: MediaCategoryScheme,
  categoryCode: Type.String(),
  categorisedAt: Type.Union([Type.String(), Type.Null()]),
  cameraSerial: Type.Union([Type.String(), Type.Null()]),
  captureOffset: Type.Union([Type.String(), Type.Null()]),
  gps: Type.Union([Type.Object({ lat: Type.Number(), lon: Type.Number() }), Type.Null()]),
  metadata: Type.Record(Type.String(), Type.Unknown(), { description: 'EXIF (pictures) or container facts (video)' }),
  problemDetail: Type.Union([Type.String(), Type.Null()]),
  occurrenceList: Type.Array(MediaOccurrenceSchema),
  matches: Type.Array(HashMatchSchema),
  nearDuplicates: Type.Array(NearDuplicateSchema),
});
export type MediaDetail = Static<typeof MediaDetailSchema>;

export const MEDIA_SORTS = ['added', 'captured', 'size', 'path'] as const;

export const MediaQuerySchema = Type.Object(
  {
    status: Type.Optional(Type.Enum(['new', 'known'], { description: 'known: matches a hash set; new: does not' })),
    category: Type.Optional(MediaCategory),
    nearGroup: Type.Optional(Id),
    hasNearDuplicates: Type.Optional(Type.Boolean()),
    make: Type.Optional(Type.String({ maxLength: 200 })),
    model: Type.Optional(Type.String({ maxLength: 200 })),
    serial: Type.Optional(Type.String({ maxLength: 200 })),
    hasGps: Type.Optional(Type.Boolean()),
    capturedFrom: Type.Optional(Type.String({ maxLength: 30, description: 'Capture time (wall clock) from, ISO 8601' })),
    capturedTo: Type.Optional(Type.String({ maxLength: 30 })),
    source: Type.Optional(Type.String({ maxLength: 200 })),
    kind: Type.Optional(Type.Enum(MEDIA_KINDS)),
    type: Type.Optional(Type.String({ maxLength: 30 })),
    ingestId: Type.Optional(Id),
    sort: Type.Optional(Type.Enum(MEDIA_SORTS)),
    order: Type.Optional(Type.Enum(['asc', 'desc'])),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
export type MediaQuery = Static<typeof MediaQuerySchema>;

export const MediaFacetsSchema = Type.Object({
  total: Type.Integer(),
  categories: Type.Record(Type.String(), Type.Integer()),
  kinds: Type.Record(Type.String(), Type.Integer()),
  types: Type.Record(Type.String(), Type.Integer()),
  sources: Type.Array(Type.Object({ source: Type.String(), count: Type.Integer() })),
  cameras: Type.Array(Type.Object({ make: Type.Union([Type.String(), Type.Null()]), model: Type.Union([Type.String(), Type.Null()]), serial: Type.Union([Type.String(), Type.Null()]), count: Type.Integer() })),
  known: Type.Integer(),
  withGps: Type.Integer(),
  nearGroups: Type.Integer(),
  captured: Type.Object({ from: Type.Union([Type.String(), Type.Null()]), to: Type.Union([Type.String(), Type.Null()]) }),
});
export type MediaFacets = Static<typeof MediaFacetsSchema>;

export const CategoriseSchema = Type.Object(
  {
    mediaIds: Type.Array(Id, { minItems: 1, maxItems: 500 }),
    category: MediaCategory,
  },
  { additionalProperties: false },
);
export type Categorise = Static<typeof CategoriseSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Hash sets
// ---------------------------------------------------------------------------------------------------------------

export const HASH_SET_FORMATS = ['vics', 'csv'] as const;
export type HashSetFormat = (typeof HASH_SET_FORMATS)[number];

export const HashSetSchema = Type.Object({
  id: Id,
  name: Type.String(),
  format: Type.Enum(HASH_SET_FORMATS),
  sourceFile: Type.Union([Type.String(), Type.Null()]),
  entries: Type.Integer(),
  matchedMedia: Type.Integer({ description: 'Media items of this node matching the set' }),
  importedBy: Type.String(),
  importedAt: Type.String(),
});
export type HashSet = Static<typeof HashSetSchema>;

export const HashSetImportResultSchema = Type.Object({
  set: HashSetSchema,
  skipped: Type.Integer({ description: 'Entries without any usable digest' }),
  warnings: Type.Array(Type.String()),
  matches: Type.Object({ exact: Type.Integer(), near: Type.Integer(), media: Type.Integer() }),
});
export type HashSetImportResult = Static<typeof HashSetImportResultSchema>;
