import { Type, type Static } from 'typebox';
import { UUID_PATTERN } from '../store/ids.js';

export const CASE_STATUSES = ['open', 'handed-over', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CaseStatusSchema = Type.Enum(CASE_STATUSES);
export const ParticipantAccessSchema = Type.Enum(['lead', 'contribute', 'read']);

export const Id = Type.String({ pattern: UUID_PATTERN, description: 'UUIDv7' });
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

export const ParticipantSchema = Type.Object({
  agencyId: Id,
  agencyName: Type.String(),
  country: Type.String(),
  access: ParticipantAccessSchema,
  addedAt: Type.String(),
});
export type Participant = Static<typeof ParticipantSchema>;

export const CaseSummarySchema = Type.Object({
  id: Id,
  reference: Type.String(),
  title: Type.String(),
  status: CaseStatusSchema,
  leadAgencyId: Id,
  leadAgencyName: Type.String(),
  /** The caller's agency's access level. */
  access: ParticipantAccessSchema,
  reviewDate: Type.Union([IsoDate, Type.Null()]),
  updatedAt: Type.String(),
});
export type CaseSummary = Static<typeof CaseSummarySchema>;

export const CaseSchema = Type.Object({
  ...CaseSummarySchema.properties,
  description: Type.String(),
  legalAuthority: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  createdBy: Type.String(),
  participants: Type.Array(ParticipantSchema),
  /** What the caller may do, so the web app shows only the buttons that work. */
  can: Type.Object({ update: Type.Boolean(), contribute: Type.Boolean() }),
});
export type Case = Static<typeof CaseSchema>;

const Reference = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._/:-]*$', description: 'Unique within the lead agency, e.g. PT-2026-0042' });
const Title = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 20_000 });
const LegalAuthority = Type.String({ maxLength: 500, description: 'Warrant, order or legal basis reference' });

export const NewCaseSchema = Type.Object(
  {
    reference: Reference,
    title: Title,
    description: Type.Optional(Description),
    legalAuthority: Type.Optional(Type.Union([LegalAuthority, Type.Null()])),
    reviewDate: Type.Optional(Type.Union([IsoDate, Type.Null()])),
    participants: Type.Optional(Type.Array(Type.Object({ agencyId: Id, access: Type.Union([Type.Literal('contribute'), Type.Literal('read')]) }, { additionalProperties: false }), { maxItems: 100 })),
  },
  { additionalProperties: false },
);
export type NewCase = Static<typeof NewCaseSchema>;

export const CasePatchSchema = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    status: Type.Optional(CaseStatusSchema),
    legalAuthority: Type.Optional(Type.Union([LegalAuthority, Type.Null()])),
    reviewDate: Type.Optional(Type.Union([IsoDate, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CasePatch = Static<typeof CasePatchSchema>;

export const CaseListQuerySchema = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Search in reference, title and description' })),
    status: Type.Optional(CaseStatusSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);
export type CaseListQuery = Static<typeof CaseListQuerySchema>;
