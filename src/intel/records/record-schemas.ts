import { Type, type Static, type TSchema } from 'typebox';
import { Id } from '../../cases/case-schemas.js';
import { DataSubjectCategory, FactOrAssessment, Grading, HandlingCode, HandlingRestriction, RecordKind } from '../vocabulary.js';

const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const IsoTime = Type.String({ format: 'date-time', description: 'ISO 8601 date and time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const MAX_RECORD_TEXT = 100_000;

export const RecordSchema = Type.Object({
  id: Id,
  caseId: Id,
  kind: RecordKind,
  text: Type.String(),
  originatorAgencyId: Id,
  originatorAgencyName: Type.String(),
  authorName: Type.String(),
  grading: Grading,
  gradingText: Type.String({ description: 'Compact form, e.g. B2 (the scheme is in grading.scheme)' }),
  handlingCode: HandlingCode,
  handlingRestrictions: Type.Array(HandlingRestriction),
  dataSubject: DataSubjectCategory,
  factOrAssessment: FactOrAssessment,
  reviewDate: Nullable(IsoDate),
  subject: Nullable(Type.String({ description: 'Online identities: the normalised handle (name@platform)' })),
  identityId: Nullable(Id),
  occurredAt: Nullable(Type.String({ description: 'When it happened (posts: when posted), ISO 8601 UTC' })),
  thread: Nullable(Type.String()),
  url: Nullable(Type.String()),
  source: Nullable(Type.String({ description: 'Where the record came from, e.g. import:<id>, misp:<event uuid>' })),
  version: Type.Integer({ minimum: 1 }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
  can: Type.Object({ edit: Type.Boolean(), delete: Type.Boolean() }),
});
export type IntelRecord = Static<typeof RecordSchema>;

const Text = Type.String({ maxLength: MAX_RECORD_TEXT });
const Url = Type.String({ maxLength: 2048 });
const Thread = Type.String({ maxLength: 500 });

export const NewRecordSchema = Type.Object(
  {
    kind: RecordKind,
    text: Text,
    grading: Type.Optional(Grading),
    handlingCode: HandlingCode,
    handlingRestrictions: Type.Optional(Type.Array(HandlingRestriction, { maxItems: 4 })),
    dataSubject: DataSubjectCategory,
    factOrAssessment: Type.Optional(FactOrAssessment),
    reviewDate: Type.Optional(Nullable(IsoDate)),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'Online identities: the handle, in any accepted form (name@platform, platform:name, a profile link)' })),
    identityId: Type.Optional(Nullable(Id)),
    occurredAt: Type.Optional(Nullable(IsoTime)),
    thread: Type.Optional(Nullable(Thread)),
    url: Type.Optional(Nullable(Url)),
  },
  { additionalProperties: false },
);
export type NewRecord = Static<typeof NewRecordSchema>;

export const RecordPatchSchema = Type.Object(
  {
    text: Type.Optional(Text),
    grading: Type.Optional(Grading),
    handlingCode: Type.Optional(HandlingCode),
    handlingRestrictions: Type.Optional(Type.Array(HandlingRestriction, { maxItems: 4 })),
    dataSubject: Type.Optional(DataSubjectCategory),
    factOrAssessment: Type.Optional(FactOrAssessment),
    reviewDate: Type.Optional(Nullable(IsoDate)),
    occurredAt: Type.Optional(Nullable(IsoTime)),
    thread: Type.Optional(Nullable(Thread)),
    url: Type.Optional(Nullable(Url)),
    expectedVersion: Type.Optional(Type.Integer({ minimum: 1, description: 'Refuse the edit (409) if someone saved a newer version meanwhile' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type RecordPatch = Static<typeof RecordPatchSchema>;

export const RecordDeleteSchema = Type.Object(
  { reason: Type.String({ minLength: 3, maxLength: 2000, description: 'Why the record is erased (kept in the audit trail)' }) },
  { additionalProperties: false },
);

export const RecordListQuerySchema = Type.Object(
  {
    kind: Type.Optional(RecordKind),
    identityId: Type.Optional(Id),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Search in the text' })),
    from: Type.Optional(IsoTime),
    to: Type.Optional(IsoTime),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);
export type RecordListQuery = Static<typeof RecordListQuerySchema>;

/** One saved state of a record: the fields an edit can change, and who saved them when. */
export const RecordVersionSchema = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  savedAt: Type.String(),
  savedBy: Type.String(),
  text: Type.String(),
  grading: Grading,
  handlingCode: HandlingCode,
  handlingRestrictions: Type.Array(HandlingRestriction),
  dataSubject: DataSubjectCategory,
  factOrAssessment: FactOrAssessment,
  reviewDate: Nullable(Type.String()),
  occurredAt: Nullable(Type.String()),
  thread: Nullable(Type.String()),
  url: Nullable(Type.String()),
});
export type RecordVersion = Static<typeof RecordVersionSchema>;
