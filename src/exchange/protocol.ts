import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { HandlingCode, HandlingRestriction } from '../intel/vocabulary.js';
import { DIGEST_PATTERN } from './digests.js';

/**
 * The documents of the exchange protocol (docs/protocol.md), defined once here. Everything that arrives from the
 * network is checked against these schemas after its signature verifies and before anything else reads it.
 */
export const PROTOCOL_VERSION = 1;

const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const Timestamp = Type.String({ format: 'date-time', maxLength: 40 });
const Digest = Type.String({ pattern: DIGEST_PATTERN });
const AgencyList = Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true });

export const MESSAGE_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type MessagePriority = (typeof MESSAGE_PRIORITIES)[number];
export const MessagePriority = Type.Enum(MESSAGE_PRIORITIES);

export const RECEIPT_STATUSES = ['delivered', 'read', 'answered'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

export const MAX_SUBJECT = 300;
export const MAX_BODY = 100_000;
export const MAX_ATTACHMENTS = 20;
/** Plaintext bytes per attachment chunk: large enough to keep requests few, small enough to bound memory per step. */
export const CHUNK_SIZE = 2 * 1024 * 1024;
export const MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024 * 1024;

export const AttachmentManifest = Type.Object(
  {
    index: Type.Integer({ minimum: 0, maximum: MAX_ATTACHMENTS - 1 }),
    id: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', description: 'Named in every chunk header' }),
    name: Type.String({ minLength: 1, maxLength: 255 }),
    mediaType: Type.String({ minLength: 1, maxLength: 255 }),
    size: Type.Integer({ minimum: 0, maximum: MAX_ATTACHMENT_BYTES }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    chunkSize: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024 }),
    chunks: Type.Integer({ minimum: 0, maximum: 100_000 }),
    key: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'The attachment key (base64url); exists only inside the sealed message' }),
  },
  { additionalProperties: false },
);
export type AttachmentManifest = Static<typeof AttachmentManifest>;

export const MessageContent = Type.Object(
  {
    type: Type.Literal('message'),
    v: Type.Literal(PROTOCOL_VERSION),
    id: Uuid,
    from: Uuid,
    to: AgencyList,
    created: Timestamp,
    thread: Uuid,
    inReplyTo: Type.Optional(Uuid),
    caseReference: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    handling: Type.Object({ tlp: HandlingCode, restriction: Type.Optional(HandlingRestriction) }, { additionalProperties: false }),
    priority: MessagePriority,
    rfiDeadline: Type.Optional(Timestamp),
    subject: Type.String({ minLength: 1, maxLength: MAX_SUBJECT }),
    body: Type.String({ maxLength: MAX_BODY }),
    attachments: Type.Array(AttachmentManifest, { maxItems: MAX_ATTACHMENTS }),
  },
  { additionalProperties: false },
);
export type MessageContent = Static<typeof MessageContent>;

export const ReceiptContent = Type.Object(
  {
    type: Type.Literal('receipt'),
    v: Type.Literal(PROTOCOL_VERSION),
    id: Uuid,
    from: Uuid,
    to: Type.Array(Uuid, { minItems: 1, maxItems: 1 }),
    created: Timestamp,
    of: Uuid,
    status: Type.Enum(RECEIPT_STATUSES),
    at: Timestamp,
  },
  { additionalProperties: false },
);
export type ReceiptContent = Static<typeof ReceiptContent>;

/**
 * A notice: machine-to-machine content between agencies (e.g. the network match key, hit details), handled by the
 * module registered for its topic on the receiving node and never shown as a message. The topic's handler checks
 * the body against its own schema.
 */
export const NoticeContent = Type.Object(
  {
    type: Type.Literal('notice'),
    v: Type.Literal(PROTOCOL_VERSION),
    id: Uuid,
    from: Uuid,
    to: AgencyList,
    created: Timestamp,
    topic: Type.String({ pattern: '^[a-z][a-z0-9.-]{0,63}$' }),
    body: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
export type NoticeContent = Static<typeof NoticeContent>;

export type EnvelopeContent = MessageContent | ReceiptContent | NoticeContent;
export type EnvelopeKind = EnvelopeContent['type'];

export const PartRef = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9]{1,2}\\.[0-9]{1,6}$', description: '<attachment index>.<chunk index>' }),
    size: Type.Integer({ minimum: 1, maximum: 64 * 1024 * 1024 }),
    digest: Digest,
  },
  { additionalProperties: false },
);
export type PartRef = Static<typeof PartRef>;

/** What the hub may see: who, to whom, which case and handling code, and the digests that bind the sealed parts. */
export const RoutingDocument = Type.Object(
  {
    v: Type.Literal(PROTOCOL_VERSION),
    id: Uuid,
    kind: Type.Enum(['message', 'receipt', 'notice']),
    from: Uuid,
    to: AgencyList,
    created: Timestamp,
    caseReference: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    handling: Type.Optional(HandlingCode),
    jweDigest: Digest,
    parts: Type.Array(PartRef, { maxItems: 100_000 }),
  },
  { additionalProperties: false },
);
export type RoutingDocument = Static<typeof RoutingDocument>;

/** The node's signature on each request to the hub. */
export const RequestClaims = Type.Object(
  {
    agency: Uuid,
    method: Type.String({ maxLength: 10 }),
    path: Type.String({ maxLength: 2000 }),
    digest: Digest,
    ts: Timestamp,
    nonce: Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$' }),
  },
  { additionalProperties: false },
);
export type RequestClaims = Static<typeof RequestClaims>;

export const DirectoryKey = Type.Object(
  {
    kid: Type.String({ maxLength: 100 }),
    use: Type.Enum(['sig', 'enc']),
    status: Type.Enum(['current', 'retired']),
    jwk: Type.Object({ kty: Type.Literal('OKP'), crv: Type.Enum(['Ed25519', 'X25519']), x: Type.String() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type DirectoryKey = Static<typeof DirectoryKey>;

export const MEMBER_STATUSES = ['pending', 'active', 'suspended'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export const DirectoryMember = Type.Object(
  {
    id: Uuid,
    name: Type.String({ maxLength: 200 }),
    country: Type.String({ maxLength: 3 }),
    status: Type.Enum(MEMBER_STATUSES),
    keys: Type.Array(DirectoryKey, { maxItems: 100 }),
    /**
     * Every key continuity proof of the member, oldest first: each signed by a signing key the member had, naming the
     * keys that followed it. Optional so that a directory from a hub before proofs still reads (nodes then pin at
     * first sight only).
     */
    continuity: Type.Optional(Type.Array(Type.String({ maxLength: 4000 }), { maxItems: 1000 })),
  },
  { additionalProperties: false },
);
export type DirectoryMember = Static<typeof DirectoryMember>;

/** Signed by the hub; nodes pin the hub's key at join time and refuse an older version than the one they hold. */
export const DirectoryDocument = Type.Object(
  {
    v: Type.Literal(PROTOCOL_VERSION),
    hub: Uuid,
    version: Type.Integer({ minimum: 1 }),
    issued: Timestamp,
    members: Type.Array(DirectoryMember, { maxItems: 100_000 }),
  },
  { additionalProperties: false },
);
export type DirectoryDocument = Static<typeof DirectoryDocument>;

/** A member's new keys, signed with its current signing key (proof that the holder of the old key asks). */
export const KeyUpdate = Type.Object(
  {
    agency: Uuid,
    created: Timestamp,
    keys: Type.Array(Type.Object({ use: Type.Enum(['sig', 'enc']), jwk: Type.Unknown() }, { additionalProperties: false }), { minItems: 2, maxItems: 2 }),
  },
  { additionalProperties: false },
);
export type KeyUpdate = Static<typeof KeyUpdate>;

const KeyIdString = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' });

/**
 * A member's statement, signed with its signing key of the moment (`from`), that the keys `to` follow it. The hub
 * publishes the chain in the directory, so every node can follow a rotation from a key it already trusts instead of
 * taking the hub's word for the new one.
 */
export const KeyContinuity = Type.Object(
  {
    agency: Uuid,
    from: KeyIdString,
    to: Type.Object({ sig: KeyIdString, enc: KeyIdString }, { additionalProperties: false }),
    created: Timestamp,
  },
  { additionalProperties: false },
);
export type KeyContinuity = Static<typeof KeyContinuity>;

export const checkMessageContent = Compile(MessageContent);
export const checkReceiptContent = Compile(ReceiptContent);
export const checkNoticeContent = Compile(NoticeContent);
export const checkRoutingDocument = Compile(RoutingDocument);
export const checkRequestClaims = Compile(RequestClaims);
export const checkDirectoryDocument = Compile(DirectoryDocument);
export const checkKeyUpdate = Compile(KeyUpdate);
export const checkKeyContinuity = Compile(KeyContinuity);

export function partId(attachment: number, chunk: number): string {
  return `${attachment}.${chunk}`;
}
