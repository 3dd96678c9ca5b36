import { Type, type Static } from 'typebox';
import { Id } from '../cases/case-schemas.js';
import { LoggedOperationSchema } from '../audit/operations.js';
import { PreferencesSchema } from '../identity/preferences.js';
import { RoleSchema } from '../identity/roles.js';

/** API shapes that belong to no single domain module (identity, admin, audit). Case shapes live in cases/. */

export const AgencySchema = Type.Object({
  id: Id,
  name: Type.String(),
  country: Type.String({ description: 'ISO 3166-1 alpha-2, or EU/UN/INT for international bodies' }),
  status: Type.Enum(['active', 'pending', 'suspended']),
  hosted: Type.Boolean({ description: 'Hosted on this node (its users sign in here)' }),
  createdAt: Type.String(),
});

export const UserSchema = Type.Object({
  id: Id,
  agencyId: Id,
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(RoleSchema),
  status: Type.Enum(['active', 'disabled']),
  totpEnabled: Type.Boolean(),
  lockedUntil: Type.Union([Type.String(), Type.Null()]),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

export const MeSchema = Type.Object({
  user: UserSchema,
  agency: AgencySchema,
  preferences: PreferencesSchema,
  csrfToken: Type.Optional(Type.String({ description: 'Echo in the X-CSRF-Token header of state-changing requests' })),
  idleTimeoutMinutes: Type.Integer(),
});

export const Username = Type.String({ minLength: 2, maxLength: 63, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$', description: 'Stored lower-case' });
export const Password = Type.String({ minLength: 1, maxLength: 1024 });

export const LoginSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100 }),
    password: Password,
    totp: Type.Optional(Type.String({ maxLength: 20, description: '6-digit code, or a recovery code' })),
  },
  { additionalProperties: false },
);

export const NewUserSchema = Type.Object(
  {
    username: Username,
    displayName: Type.Optional(Type.String({ maxLength: 120 })),
    roles: Type.Array(RoleSchema, { minItems: 1, maxItems: 6 }),
    password: Password,
  },
  { additionalProperties: false },
);

export const UserPatchSchema = Type.Object(
  {
    roles: Type.Optional(Type.Array(RoleSchema, { minItems: 1, maxItems: 6 })),
    status: Type.Optional(Type.Enum(['active', 'disabled'])),
    displayName: Type.Optional(Type.String({ maxLength: 120 })),
    unlock: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const NewAgencySchema = Type.Object(
  { name: Type.String({ minLength: 2, maxLength: 200 }), country: Type.String({ minLength: 2, maxLength: 3 }) },
  { additionalProperties: false },
);

export const SetupSchema = Type.Object(
  {
    token: Type.String({ minLength: 10, maxLength: 200 }),
    agency: NewAgencySchema,
    admin: Type.Object(
      {
        username: Username,
        displayName: Type.Optional(Type.String({ maxLength: 120 })),
        password: Password,
        roles: Type.Array(RoleSchema, { minItems: 1, maxItems: 6 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const ApiTokenSchema = Type.Object({
  id: Id,
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters, to recognise the token' }),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});

export const AuditEventSchema = Type.Object({
  seq: Type.Integer(),
  id: Type.String(),
  at: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.String(),
  agencyId: Type.Union([Type.String(), Type.Null()]),
  operation: LoggedOperationSchema,
  action: Type.String(),
  objectType: Type.String(),
  objectId: Type.Union([Type.String(), Type.Null()]),
  caseId: Type.Union([Type.String(), Type.Null()]),
  caseReference: Type.Union([Type.String(), Type.Null()]),
  justification: Type.Union([Type.String(), Type.Null()]),
  recipients: Type.Union([Type.Array(Type.String()), Type.Null()]),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  hash: Type.String(),
});

export const AuditQuerySchema = Type.Object(
  {
    user: Type.Optional(Type.String({ maxLength: 100, description: 'Username' })),
    caseId: Type.Optional(Id),
    operation: Type.Optional(LoggedOperationSchema),
    action: Type.Optional(Type.String({ maxLength: 100 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'Page backwards from this sequence number' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuerySchema>;

export const AuditPageSchema = Type.Object({
  items: Type.Array(AuditEventSchema),
  /** Pass as `before` to get the next (older) page; null on the last page. */
  nextBefore: Type.Union([Type.Integer(), Type.Null()]),
});

export const IdParams = Type.Object({ id: Id });
export const Empty = Type.Null({ description: 'No content' });
