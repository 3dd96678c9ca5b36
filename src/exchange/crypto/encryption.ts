import './base64.js';
import { randomBytes } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, generalDecrypt, GeneralEncrypt, type GeneralJWE } from 'jose';
import { cryptoKeyOf, importPublicKey, type PrivateKey, type PublicJwk } from './keys.js';
import { openSecret, sealSecret, type MasterKey } from './master-key.js';

/**
 * Encryption as DESIGN §8 prescribes: a JWE in the general JSON serialisation, content encrypted once with A256GCM,
 * the content key wrapped for each recipient with ECDH-ES+A256KW on their X25519 key. Attachment chunks are compact
 * JWEs under a random per-attachment key ("dir" + A256GCM) that itself travels inside the sealed message.
 */
export const KEY_WRAP_ALG = 'ECDH-ES+A256KW';
export const CONTENT_ENC = 'A256GCM';

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

export interface EncryptionRecipient {
  kid: string;
  jwk: PublicJwk;
}

/** Encrypts to every recipient; returns the general JWE as the exact JSON text that is signed over and transported. */
export async function encryptToRecipients(plaintext: Uint8Array, recipients: EncryptionRecipient[], header: { typ: string; cty: string }): Promise<string> {
  if (recipients.length === 0) throw new Error('a JWE needs at least one recipient');
  const jwe = new GeneralEncrypt(plaintext).setProtectedHeader({ enc: CONTENT_ENC, typ: header.typ, cty: header.cty });
  for (const r of recipients) {
    if (r.jwk.crv !== 'X25519') throw new Error(`recipient key ${r.kid} is not an X25519 key`);
    jwe.addRecipient(await importPublicKey(r.jwk)).setUnprotectedHeader({ alg: KEY_WRAP_ALG, kid: r.kid });
  }
  return JSON.stringify(await jwe.encrypt());
}

/** The key ids a JWE is addressed to (unauthenticated: for routing checks and key lookup only). */
export function jweRecipientKeyIds(jweText: string): string[] {
  const jwe = parseGeneralJwe(jweText);
  return jwe.recipients.map((r) => (typeof r.header?.kid === 'string' ? r.header.kid : '')).filter(Boolean);
}

function parseGeneralJwe(jweText: string): GeneralJWE {
  let jwe: unknown;
  try {
    jwe = JSON.parse(jweText);
  } catch {
    throw new DecryptionError('the encrypted content is not JSON');
  }
  const j = jwe as GeneralJWE;
  if (typeof j !== 'object' || j === null || !Array.isArray(j.recipients) || typeof j.ciphertext !== 'string') {
    throw new DecryptionError('the encrypted content is not a general JWE');
  }
  return j;
}

/**
 * Decrypts with whichever of the caller's keys the JWE is addressed to (`keyFor` returns undefined for kids that are
 * not ours). Fails when none is, or when anything was altered (GCM authenticates the ciphertext and protected header).
 */
export async function decryptForRecipient(
  jweText: string,
  keyFor: (kid: string) => PrivateKey<'enc'> | undefined,
  expected: { typ: string },
): Promise<{ plaintext: Uint8Array; kid: string }> {
  const jwe = parseGeneralJwe(jweText);
  const mine = jwe.recipients.map((r) => (typeof r.header?.kid === 'string' ? keyFor(r.header.kid) : undefined)).filter((k) => k !== undefined);
  if (mine.length === 0) throw new DecryptionError('the envelope is not addressed to any key of this agency');
  try {
    const result = await generalDecrypt(
      jwe,
      // jose hands the protected header and the flattened per-recipient token; the kid sits in the recipient's header.
      (_protected, token) => {
        const kid = token.header?.kid;
        const key = typeof kid === 'string' ? keyFor(kid) : undefined;
        if (!key) throw new Error('not ours');
        return cryptoKeyOf(key);
      },
      { keyManagementAlgorithms: [KEY_WRAP_ALG], contentEncryptionAlgorithms: [CONTENT_ENC] },
    );
    if (result.protectedHeader?.typ !== expected.typ) throw new DecryptionError(`expected a ${expected.typ}`);
    const kid = typeof result.unprotectedHeader?.kid === 'string' ? result.unprotectedHeader.kid : mine[0]!.kid;
    return { plaintext: result.plaintext, kid };
  } catch (err) {
    if (err instanceof DecryptionError) throw err;
    throw new DecryptionError('the envelope does not decrypt (altered, or sealed to another key)');
  }
}

// ---- attachment chunks ----

declare const attachmentKeyBrand: unique symbol;
/** A random 256-bit key for one attachment's chunks. */
export interface AttachmentKey {
  readonly [attachmentKeyBrand]: true;
}
const attachmentKeyBytes = new WeakMap<AttachmentKey, Uint8Array>();
const ATTACHMENT_SEAL_PURPOSE = 'exchange-attachment-key';

function attachmentKey(bytes: Uint8Array): AttachmentKey {
  const k = Object.freeze({}) as AttachmentKey;
  attachmentKeyBytes.set(k, bytes);
  return k;
}

function bytesOfAttachmentKey(key: AttachmentKey): Uint8Array {
  const b = attachmentKeyBytes.get(key);
  if (!b) throw new Error('not an attachment key of this process');
  return b;
}

export function newAttachmentKey(): AttachmentKey {
  return attachmentKey(new Uint8Array(randomBytes(32)));
}

/** For storage at rest on this node (bound to `context`, e.g. the upload or message id). */
export function sealAttachmentKey(masterKey: MasterKey, key: AttachmentKey, context: string): Buffer {
  return sealSecret(masterKey, ATTACHMENT_SEAL_PURPOSE, Buffer.from(bytesOfAttachmentKey(key)), context);
}

export function openAttachmentKey(masterKey: MasterKey, sealed: Buffer, context: string): AttachmentKey {
  return attachmentKey(new Uint8Array(openSecret(masterKey, ATTACHMENT_SEAL_PURPOSE, sealed, context)));
}

/**
 * The key as it is written into a message's content. It is only ever placed inside the signed-then-encrypted message
 * (the JWE protects it in transit); recipients reseal it under their own master key on arrival.
 */
export function exportAttachmentKey(key: AttachmentKey): string {
  return Buffer.from(bytesOfAttachmentKey(key)).toString('base64url');
}

export function importAttachmentKey(value: string): AttachmentKey {
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.length !== 32 || bytes.toString('base64url') !== value) throw new DecryptionError('an attachment key is malformed');
  return attachmentKey(new Uint8Array(bytes));
}

const CHUNK_TYP = 'tessera-chunk+jwe';

/**
 * One chunk of an attachment. The protected header (authenticated by GCM) names the attachment and the chunk's
 * index, so the hub cannot reorder chunks or move them between attachments without the decryption failing.
 */
export async function encryptChunk(key: AttachmentKey, bytes: Uint8Array, where: { attachment: string; index: number }): Promise<string> {
  return new CompactEncrypt(bytes)
    .setProtectedHeader({ alg: 'dir', enc: CONTENT_ENC, typ: CHUNK_TYP, 'tessera.att': where.attachment, 'tessera.idx': where.index })
    .encrypt(bytesOfAttachmentKey(key));
}

export async function decryptChunk(key: AttachmentKey, jwe: string, where: { attachment: string; index: number }): Promise<Uint8Array> {
  let result;
  try {
    result = await compactDecrypt(jwe, bytesOfAttachmentKey(key), { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: [CONTENT_ENC] });
  } catch {
    throw new DecryptionError(`chunk ${where.index} of an attachment does not decrypt (altered or not this attachment's)`);
  }
  const h = result.protectedHeader as Record<string, unknown>;
  if (h.typ !== CHUNK_TYP || h['tessera.att'] !== where.attachment || h['tessera.idx'] !== where.index) {
    throw new DecryptionError(`chunk ${where.index} of an attachment is out of place`);
  }
  return result.plaintext;
}
