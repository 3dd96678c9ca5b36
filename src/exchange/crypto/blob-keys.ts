/**
 * Encryption of media blobs at rest (DESIGN §11): each blob has its own random AES-256 key, sealed under the node
 * master key and kept in the blob's own header, so a blob file is self-describing and the database holds no key.
 *
 * The body is cut into segments, each sealed with AES-256-GCM (the STREAM construction of Hoang, Reyhanitabar, Rogaway
 * and Vizár): segment i uses the nonce (i as 11 big-endian bytes | final flag), and every segment authenticates the
 * header as additional data. A reader can therefore decrypt and verify any range (video seeking) without reading the
 * whole file, and truncation, reordering or splicing of segments fails authentication. Nonces never repeat because
 * every key encrypts exactly one blob.
 *
 * Layout: "TSB1" | header length (u16 BE) | segment size (u32 BE) | sealed key | segments (ciphertext | tag 16).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { openSecret, sealSecret, type MasterKey } from './master-key.js';

const MAGIC = Buffer.from('TSB1', 'ascii');
const PURPOSE = 'blob-key';
const CONTEXT = 'tessera/blob/v1';
const TAG_BYTES = 16;
const FIXED_HEADER = 4 + 2 + 4;
export const DEFAULT_SEGMENT_BYTES = 1 << 20;
/** Enough to hold any header this version writes; readers fetch this much before parsing. */
export const MAX_BLOB_HEADER_BYTES = 512;

declare const blobKeyBrand: unique symbol;
/** Raw key material of one blob. Only this module reads it; it is a plain byte array so it can cross to a worker. */
export type BlobKeyMaterial = Uint8Array & { readonly [blobKeyBrand]: true };

/** What a writer needs to encrypt one blob: its key and the header that carries the key sealed. */
export interface BlobKeyGrant {
  material: BlobKeyMaterial;
  header: Uint8Array;
}

/** Creates a fresh key for one blob and its header (the key sealed under the master key). */
export function issueBlobKey(master: MasterKey, segmentBytes = DEFAULT_SEGMENT_BYTES): BlobKeyGrant {
  if (!Number.isInteger(segmentBytes) || segmentBytes < 1024 || segmentBytes > 1 << 26) throw new RangeError('segment size must be 1 KiB .. 64 MiB');
  const material = randomBytes(32);
  const sealed = sealSecret(master, PURPOSE, material, CONTEXT);
  const header = Buffer.alloc(FIXED_HEADER + sealed.length);
  MAGIC.copy(header, 0);
  header.writeUInt16BE(header.length, 4);
  header.writeUInt32BE(segmentBytes, 6);
  sealed.copy(header, FIXED_HEADER);
  return { material: new Uint8Array(material) as BlobKeyMaterial, header: new Uint8Array(header) };
}

function nonce(index: number, final: boolean): Buffer {
  const n = Buffer.alloc(12);
  // 2^53 segments is far beyond any file; the high bytes stay zero.
  n.writeUIntBE(Math.floor(index / 2 ** 32), 3, 3);
  n.writeUInt32BE(index % 2 ** 32, 7);
  n[11] = final ? 1 : 0;
  return n;
}

/** Streaming encryption of one blob: push plaintext in order, then `final()`. Output is the file's bytes in order. */
export interface BlobSealer {
  /** The header: written first. */
  readonly header: Buffer;
  push(chunk: Uint8Array): Buffer[];
  final(): Buffer[];
}

export function createBlobSealer(grant: BlobKeyGrant): BlobSealer {
  const header = Buffer.from(grant.header.buffer, grant.header.byteOffset, grant.header.byteLength);
  const segmentBytes = header.readUInt32BE(6);
  const key = Buffer.from(grant.material.buffer, grant.material.byteOffset, grant.material.byteLength);
  // Chunks are held by reference until a segment's worth (and one byte more) has arrived: nothing is copied, and a
  // small blob costs no segment-sized buffer.
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let index = 0;
  let done = false;

  /** Encrypts the first `n` held bytes as one segment (body pieces, then its tag). */
  const seal = (n: number, final: boolean): Buffer[] => {
    const cipher = createCipheriv('aes-256-gcm', key, nonce(index++, final));
    cipher.setAAD(header);
    const out: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const c = held[0]!;
      if (c.length <= left) {
        out.push(cipher.update(c));
        held.shift();
        left -= c.length;
      } else {
        out.push(cipher.update(c.subarray(0, left)));
        held[0] = c.subarray(left);
        left = 0;
      }
    }
    heldBytes -= n;
    cipher.final();
    out.push(cipher.getAuthTag());
    return out;
  };

  return {
    header,
    push(chunk) {
      if (done) throw new Error('blob sealer already finished');
      if (chunk.length === 0) return [];
      held.push(chunk);
      heldBytes += chunk.length;
      const out: Buffer[] = [];
      // A full segment is sealed only once more data follows it: the last segment must carry the final flag.
      while (heldBytes > segmentBytes) out.push(...seal(segmentBytes, false));
      return out;
    },
    final() {
      if (done) throw new Error('blob sealer already finished');
      done = true;
      const out = seal(heldBytes, true);
      held = [];
      return out;
    },
  };
}

/** Reads the header of a blob and gives access to its segments. */
export interface BlobOpener {
  headerBytes: number;
  segmentBytes: number;
  /** Plaintext size of a blob file of `fileBytes` bytes. */
  plainSize(fileBytes: number): number;
  segmentCount(fileBytes: number): number;
  /** File offset and length of segment `index` (ciphertext with its tag). */
  segmentRange(index: number, fileBytes: number): { offset: number; length: number };
  /** Decrypts and authenticates one segment; throws when it was altered, moved or truncated. */
  openSegment(index: number, sealed: Uint8Array, final: boolean): Buffer;
}

export class BlobIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlobIntegrityError';
  }
}

export function blobHeaderLength(prefix: Uint8Array): number {
  const b = Buffer.from(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  if (b.length < FIXED_HEADER || !b.subarray(0, 4).equals(MAGIC)) throw new BlobIntegrityError('not a Tessera blob (bad magic)');
  const length = b.readUInt16BE(4);
  if (length < FIXED_HEADER + 29 || length > MAX_BLOB_HEADER_BYTES) throw new BlobIntegrityError('blob header length out of range');
  return length;
}

export function openBlobHeader(master: MasterKey, headerBytes: Uint8Array): BlobOpener {
  const header = Buffer.from(headerBytes.buffer, headerBytes.byteOffset, headerBytes.byteLength);
  const length = blobHeaderLength(header);
  if (header.length < length) throw new BlobIntegrityError('blob header is truncated');
  const exact = header.subarray(0, length);
  const segmentBytes = exact.readUInt32BE(6);
  let key: Buffer;
  try {
    key = openSecret(master, PURPOSE, exact.subarray(FIXED_HEADER), CONTEXT);
  } catch {
    throw new BlobIntegrityError('the blob key cannot be opened with this node\'s master key');
  }
  const stride = segmentBytes + TAG_BYTES;
  const segmentCount = (fileBytes: number) => Math.max(1, Math.ceil((fileBytes - length) / stride));
  return {
    headerBytes: length,
    segmentBytes,
    segmentCount,
    plainSize: (fileBytes) => fileBytes - length - TAG_BYTES * segmentCount(fileBytes),
    segmentRange(index, fileBytes) {
      const offset = length + index * stride;
      return { offset, length: Math.min(stride, fileBytes - offset) };
    },
    openSegment(index, sealed, final) {
      if (sealed.length < TAG_BYTES) throw new BlobIntegrityError(`blob segment ${index} is truncated`);
      const s = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
      const decipher = createDecipheriv('aes-256-gcm', key, nonce(index, final));
      decipher.setAAD(exact);
      decipher.setAuthTag(s.subarray(s.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(s.subarray(0, s.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new BlobIntegrityError(`blob segment ${index} failed authentication (altered, truncated or moved)`);
      }
    },
  };
}
