import type { Static } from 'typebox';
import type { CaseSchema, CaseSummarySchema, NewCaseSchema, CasePatchSchema, ParticipantSchema, CaseStatus } from '../../../src/cases/case-schemas.js';
import type { LoggedOperation } from '../../../src/audit/operations.js';
import type { Preferences } from '../../../src/identity/preferences.js';
import type { Role } from '../../../src/identity/roles.js';
import type { ProblemSchema } from '../../../src/server/problem.js';
import type {
  AgencySchema,
  ApiTokenSchema,
  AuditEventSchema,
  MeSchema,
  NewAgencySchema,
  NewUserSchema,
  SetupSchema,
  UserPatchSchema,
  UserSchema,
} from '../../../src/server/schemas.js';

/*
 * The API's shapes, derived from the server's TypeBox schemas. Type-only imports are erased by the build, so no server
 * code enters the bundle, and a change on the server shows up here as a type error.
 */
export type Me = Static<typeof MeSchema>;
export type User = Static<typeof UserSchema>;
export type Agency = Static<typeof AgencySchema>;
export type ApiToken = Static<typeof ApiTokenSchema>;
export type NewApiToken = ApiToken & { token: string };
export type AuditEvent = Static<typeof AuditEventSchema>;
export type Case = Static<typeof CaseSchema>;
export type CaseSummary = Static<typeof CaseSummarySchema>;
export type Participant = Static<typeof ParticipantSchema>;
export type NewCase = Static<typeof NewCaseSchema>;
export type CasePatch = Static<typeof CasePatchSchema>;
export type NewUser = Static<typeof NewUserSchema>;
export type UserPatch = Static<typeof UserPatchSchema>;
export type NewAgency = Static<typeof NewAgencySchema>;
export type SetupRequest = Static<typeof SetupSchema>;
export type Problem = Static<typeof ProblemSchema>;
export type ParticipantAccess = Participant['access'];

export type { CaseStatus, LoggedOperation, Preferences, Role };

export interface CaseList {
  items: CaseSummary[];
  total: number;
}
export interface AuditPage {
  items: AuditEvent[];
  nextBefore: number | null;
}
export interface TotpEnrolment {
  uri: string;
  qrSvg: string;
  manualKey: string;
}
