import { Type, type Static } from 'typebox';
import { HandlingCode, HandlingRestriction } from '../intel/vocabulary.js';
import { MAX_ATTACHMENTS, MAX_BODY, MAX_SUBJECT, MessagePriority } from './protocol.js';

/** The exchange's shapes in the HTTP API (the protocol's own documents are in protocol.ts). */
const Id = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const AgencyRefSchema = Type.Object({ id: Type.String(), name: Type.String(), country: Type.String() });

export const RecipientStatusSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  country: Type.String(),
  deliveredAt: Nullable(Type.String()),
  readAt: Nullable(Type.String()),
  answeredAt: Nullable(Type.String()),
  rfiOverdue: Type.Boolean(),
});

const HandlingSchema = Type.Object({ tlp: HandlingCode, restriction: Type.Optional(HandlingRestriction) }, { additionalProperties: false });

export const MessageSummarySchema = Type.Object({
  id: Type.String({ description: 'This node’s id of the message' }),
  messageId: Type.String({ description: 'The network-wide message id' }),
  box: Type.Enum(['in', 'out']),
  threadId: Type.String(),
  inReplyTo: Nullable(Type.String()),
  from: AgencyRefSchema,
  to: Type.Array(AgencyRefSchema),
  caseReference: Nullable(Type.String()),
  caseId: Nullable(Type.String()),
  subject: Type.String(),
  handling: HandlingSchema,
  priority: MessagePriority,
  rfiDeadline: Nullable(Type.String()),
  rfiOverdue: Type.Boolean({ description: 'A request for information past its deadline without an answer' }),
  createdAt: Type.String(),
  receivedAt: Nullable(Type.String()),
  status: Type.Enum(['queued', 'sent', 'failed', 'received']),
  unread: Type.Boolean(),
  attachmentCount: Type.Integer(),
  recipients: Type.Array(RecipientStatusSchema, { description: 'Outbox: each recipient’s receipts' }),
});

export const MessageDetailSchema = Type.Object({
  ...MessageSummarySchema.properties,
  body: Type.String(),
  answeredAt: Nullable(Type.String()),
  attachments: Type.Array(Type.Object({ index: Type.Integer(), name: Type.String(), mediaType: Type.String(), size: Type.Integer(), sha256: Type.String() })),
});

export const NewMessageSchema = Type.Object(
  {
    to: Type.Array(Id, { minItems: 1, maxItems: 100, description: 'Recipient agency ids from the network directory' }),
    subject: Type.String({ minLength: 1, maxLength: MAX_SUBJECT }),
    body: Type.String({ maxLength: MAX_BODY }),
    caseReference: Type.Optional(Type.String({ maxLength: 100 })),
    caseId: Type.Optional(Id),
    handling: HandlingSchema,
    priority: Type.Optional(MessagePriority),
    rfiDeadline: Type.Optional(Type.String({ format: 'date-time', description: 'Makes the message a request for information answerable by then' })),
    inReplyTo: Type.Optional(Id),
    attachments: Type.Optional(Type.Array(Id, { maxItems: MAX_ATTACHMENTS, description: 'Ids of uploads (POST /messages/attachments)' })),
  },
  { additionalProperties: false },
);
export type NewMessageBody = Static<typeof NewMessageSchema>;

export const MessageQuerySchema = Type.Object(
  {
    box: Type.Optional(Type.Enum(['in', 'out'], { default: 'in' })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    caseReference: Type.Optional(Type.String({ maxLength: 100, description: 'Empty: messages without a case' })),
    threadId: Type.Optional(Id),
    unread: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

export const UploadSchema = Type.Object({ id: Type.String(), name: Type.String(), mediaType: Type.String(), size: Type.Integer(), sha256: Type.String(), createdAt: Type.String() });

export const DirectoryEntrySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  country: Type.String(),
  status: Type.Enum(['pending', 'active', 'suspended']),
  hosted: Type.Boolean(),
});

export const MembershipSchema = Type.Object({
  agencyId: Type.String(),
  hubUrl: Type.String(),
  hubId: Type.String(),
  status: Type.Enum(['pending', 'active', 'suspended']),
  directoryVersion: Type.Integer(),
  joinedAt: Type.String(),
  lastContactAt: Nullable(Type.String()),
  lastError: Nullable(Type.String()),
});

export const NetworkStatusSchema = Type.Object({
  membership: Nullable(MembershipSchema),
  outboxPending: Type.Integer(),
  rejections: Type.Integer(),
  keys: Type.Array(Type.Object({ kid: Type.String(), use: Type.Enum(['sig', 'enc']), status: Type.Enum(['current', 'retired']) })),
});

export const RejectionSchema = Type.Object({
  id: Type.String(),
  envelopeId: Nullable(Type.String()),
  kind: Nullable(Type.String()),
  fromAgencyId: Nullable(Type.String()),
  hubSeq: Nullable(Type.Integer()),
  code: Type.String(),
  reason: Type.String(),
  at: Type.String(),
});
