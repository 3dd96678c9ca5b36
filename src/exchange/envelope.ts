import { decryptForRecipient, DecryptionError, encryptToRecipients, jweRecipientKeyIds } from './crypto/encryption.js';
import type { PrivateKey, PublicJwk } from './crypto/keys.js';
import { SignatureError, signJws, verifyJws, type SignedType } from './crypto/signatures.js';
import { sha256Digest } from './digests.js';
import {
  checkMessageContent,
  checkNoticeContent,
  checkReceiptContent,
  checkRoutingDocument,
  PROTOCOL_VERSION,
  partId,
  type EnvelopeContent,
  type EnvelopeKind,
  type MessageContent,
  type PartRef,
  type ReceiptContent,
  type RoutingDocument,
} from './protocol.js';

/**
 * The envelope of DESIGN §8, three layers deep:
 *   1. the content (a message or a receipt) signed by the sender: a compact JWS (non-repudiation);
 *   2. that JWS encrypted once to every recipient agency's X25519 key: a general JSON JWE;
 *   3. a routing document (sender, recipients, case reference, handling code, id, created, the JWE's digest and the
 *      digests of attachment chunks) signed by the sender, so the hub can authenticate and route without decrypting.
 */
export const ENVELOPE_JWE_TYP = 'tessera-envelope+jwe';

const INNER_TYP: Record<EnvelopeKind, SignedType> = { message: 'tessera-message+jws', receipt: 'tessera-receipt+jws', notice: 'tessera-notice+jws' };

export interface SealedEnvelope {
  id: string;
  kind: EnvelopeKind;
  /** The sender's signed content (kept by the sender as its copy of what it said). */
  signed: string;
  routing: string;
  jwe: string;
  routingDocument: RoutingDocument;
}

export interface EncryptionKeyOf {
  agencyId: string;
  kid: string;
  jwk: PublicJwk;
}

export async function sealEnvelope(input: {
  content: EnvelopeContent;
  signingKey: PrivateKey<'sig'>;
  recipients: EncryptionKeyOf[];
  parts?: PartRef[];
}): Promise<SealedEnvelope> {
  const { content } = input;
  const inner = await signJws(input.signingKey, INNER_TYP[content.type], content);
  const jwe = await encryptToRecipients(new TextEncoder().encode(inner), input.recipients.map((r) => ({ kid: r.kid, jwk: r.jwk })), {
    typ: ENVELOPE_JWE_TYP,
    cty: INNER_TYP[content.type],
  });
  const routingDocument: RoutingDocument = {
    v: PROTOCOL_VERSION,
    id: content.id,
    kind: content.type,
    from: content.from,
    to: content.to,
    created: content.created,
    ...(content.type === 'message' && content.caseReference ? { caseReference: content.caseReference } : {}),
    ...(content.type === 'message' ? { handling: content.handling.tlp } : {}),
    jweDigest: sha256Digest(jwe),
    parts: input.parts ?? [],
  };
  const routing = await signJws(input.signingKey, 'tessera-routing+jws', routingDocument);
  return { id: content.id, kind: content.type, signed: inner, routing, jwe, routingDocument };
}

/** Why an envelope was refused; the code is stable (tests, the rejection log), the reason is for people. */
export type RejectionCode =
  | 'malformed'
  | 'routing-signature'
  | 'not-addressed'
  | 'altered'
  | 'inner-signature'
  | 'inconsistent'
  | 'unknown-sender'
  | 'replayed';

export class EnvelopeRejected extends Error {
  constructor(
    public readonly code: RejectionCode,
    message: string,
  ) {
    super(message);
    this.name = 'EnvelopeRejected';
  }
}

/** Reads the routing document's claims before verification, only to know whose keys to verify it with. */
export function peekRouting(routing: string): { id?: string; from?: string; kind?: string } {
  try {
    const payload = routing.split('.')[1] ?? '';
    const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    return {
      ...(typeof value.id === 'string' ? { id: value.id } : {}),
      ...(typeof value.from === 'string' ? { from: value.from } : {}),
      ...(typeof value.kind === 'string' ? { kind: value.kind } : {}),
    };
  } catch {
    return {};
  }
}

/** Checks the routing layer alone (what the hub can check): the sender's signature, the schema, the JWE digest. */
export async function verifyRouting(
  routing: string,
  jwe: string,
  senderKey: (agencyId: string, kid: string) => PublicJwk | undefined | Promise<PublicJwk | undefined>,
): Promise<RoutingDocument> {
  const claimed = peekRouting(routing);
  if (!claimed.from) throw new EnvelopeRejected('malformed', 'the routing document names no sender');
  let payload: unknown;
  try {
    payload = (await verifyJws(routing, 'tessera-routing+jws', (kid) => senderKey(claimed.from!, kid))).payload;
  } catch (err) {
    if (err instanceof SignatureError) throw new EnvelopeRejected('routing-signature', `the routing document's signature fails: ${err.message}`);
    throw err;
  }
  if (!checkRoutingDocument.Check(payload)) throw new EnvelopeRejected('malformed', 'the routing document does not follow the protocol');
  if (sha256Digest(jwe) !== payload.jweDigest) throw new EnvelopeRejected('altered', 'the encrypted content does not match the digest its sender signed');
  return payload;
}

export interface OpenedEnvelope {
  routing: RoutingDocument;
  content: EnvelopeContent;
  /** The sender's signed content (compact JWS): kept as evidence of who said what. */
  signed: string;
  /** Our key the envelope was opened with. */
  kid: string;
}

/**
 * Opens an envelope addressed to agency `me`: verifies the routing signature and digest, decrypts with one of `me`'s
 * keys, verifies the sender's inner signature, and checks that inner and outer layers tell the same story (same id,
 * sender, recipients, kind; `me` among the recipients; attachment chunks accounted for). Throws EnvelopeRejected.
 * Replay (an id already taken in) is the caller's check: it needs the ledger.
 */
export async function openEnvelope(
  envelope: { routing: string; jwe: string },
  me: string,
  keys: {
    senderKey: (agencyId: string, kid: string) => PublicJwk | undefined | Promise<PublicJwk | undefined>;
    decryptionKey: (kid: string) => PrivateKey<'enc'> | undefined;
  },
): Promise<OpenedEnvelope> {
  const routing = await verifyRouting(envelope.routing, envelope.jwe, keys.senderKey);
  if (!routing.to.includes(me)) throw new EnvelopeRejected('not-addressed', 'the envelope is routed to other agencies');

  let plaintext: Uint8Array;
  let kid: string;
  try {
    ({ plaintext, kid } = await decryptForRecipient(envelope.jwe, keys.decryptionKey, { typ: ENVELOPE_JWE_TYP }));
  } catch (err) {
    if (err instanceof DecryptionError) {
      const ours = jweRecipientKeyIds(envelope.jwe).some((k) => keys.decryptionKey(k) !== undefined);
      throw ours ? new EnvelopeRejected('altered', err.message) : new EnvelopeRejected('not-addressed', 'the envelope is not sealed to any key of this agency');
    }
    throw err;
  }

  const signed = new TextDecoder().decode(plaintext);
  let content: unknown;
  try {
    content = (await verifyJws(signed, INNER_TYP[routing.kind], (k) => keys.senderKey(routing.from, k))).payload;
  } catch (err) {
    if (err instanceof SignatureError) throw new EnvelopeRejected('inner-signature', `the sender's signature on the content fails: ${err.message}`);
    throw err;
  }
  const valid = routing.kind === 'message' ? checkMessageContent.Check(content) : routing.kind === 'receipt' ? checkReceiptContent.Check(content) : checkNoticeContent.Check(content);
  if (!valid) throw new EnvelopeRejected('malformed', 'the content does not follow the protocol');
  const c = content as EnvelopeContent;
  const sameRecipients = c.to.length === routing.to.length && c.to.every((a) => routing.to.includes(a));
  if (c.id !== routing.id || c.from !== routing.from || c.type !== routing.kind || !sameRecipients || c.created !== routing.created) {
    throw new EnvelopeRejected('inconsistent', 'the signed content and its routing document disagree');
  }
  if (!c.to.includes(me)) throw new EnvelopeRejected('not-addressed', 'the signed content is addressed to other agencies');
  if (c.type === 'message') checkParts(c, routing.parts);
  else if (routing.parts.length > 0) throw new EnvelopeRejected('inconsistent', `a ${c.type} carries attachment chunks`);
  return { routing, content: c, signed, kid };
}

function checkParts(content: MessageContent, parts: PartRef[]): void {
  const expected = new Set<string>();
  content.attachments.forEach((a, i) => {
    if (a.index !== i) throw new EnvelopeRejected('malformed', 'attachments are not numbered in order');
    for (let c = 0; c < a.chunks; c++) expected.add(partId(i, c));
  });
  if (parts.length !== expected.size || !parts.every((p) => expected.has(p.id))) {
    throw new EnvelopeRejected('inconsistent', 'the attachment chunks listed for routing do not match the signed attachments');
  }
}

export function isReceipt(content: EnvelopeContent): content is ReceiptContent {
  return content.type === 'receipt';
}
