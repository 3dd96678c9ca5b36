import { createHmac, randomBytes } from 'node:crypto';
import { openSecret, sealSecret, type MasterKey } from '../exchange/crypto/master-key.js';
import { matchKeyInput } from '../intel/selectors/index.js';
import type { SelectorType } from '../intel/vocabulary.js';
import { hexToWords, type Hash256Words } from '../media/index.js';

/**
 * The network match key (DESIGN §9): 32 random bytes shared by the member agencies of a network, never by the hub,
 * versioned by epoch. This file is the only place that holds its bytes: callers get a branded handle and the
 * operations they need (tokens, the PDQ transform, sealing at rest, export into a sealed envelope).
 */
declare const networkKeyBrand: unique symbol;
export interface NetworkKey {
  readonly [networkKeyBrand]: true;
  readonly epoch: number;
  /** Short, non-secret identifier of the key: equal on every node that holds the same key. */
  readonly fingerprint: string;
}

interface NetworkKeyInternal extends NetworkKey {
  bytes: Buffer;
  pdq?: PdqTransform;
}

const KEY_BYTES = 32;
const SEAL_PURPOSE = 'matching-network-key';

function bytesOf(key: NetworkKey): Buffer {
  return (key as NetworkKeyInternal).bytes;
}

function mac(key: Buffer, label: string): Buffer {
  return createHmac('sha256', key).update(label, 'utf8').digest();
}

function wrap(bytes: Buffer, epoch: number): NetworkKey {
  if (bytes.length !== KEY_BYTES) throw new Error('a network match key is 32 bytes');
  if (!Number.isInteger(epoch) || epoch < 1) throw new Error('a network match key epoch is a positive integer');
  // The fingerprint is a MAC of a fixed label, not a hash of the key: it says nothing about token values.
  const fingerprint = mac(bytes, 'tessera/match-key-fingerprint').subarray(0, 8).toString('hex');
  return { bytes: Buffer.from(bytes), epoch, fingerprint } as unknown as NetworkKey;
}

export function generateNetworkKey(epoch: number): NetworkKey {
  return wrap(randomBytes(KEY_BYTES), epoch);
}

/** The key as base64url, only to be placed inside an envelope sealed to a member agency. */
export function exportNetworkKey(key: NetworkKey): string {
  return bytesOf(key).toString('base64url');
}

export function importNetworkKey(encoded: string, epoch: number): NetworkKey {
  if (!/^[A-Za-z0-9_-]{43}$/.test(encoded)) throw new Error('not a base64url 32-byte key');
  return wrap(Buffer.from(encoded, 'base64url'), epoch);
}

/** Sealed under the node master key, bound to the agency and epoch it belongs to. */
export function sealNetworkKey(masterKey: MasterKey, key: NetworkKey, agencyId: string): Buffer {
  return sealSecret(masterKey, SEAL_PURPOSE, bytesOf(key), `${agencyId}/${key.epoch}`);
}

export function openNetworkKey(masterKey: MasterKey, sealed: Buffer, agencyId: string, epoch: number): NetworkKey {
  return wrap(openSecret(masterKey, SEAL_PURPOSE, sealed, `${agencyId}/${epoch}`), epoch);
}

/**
 * The exact-match token of a normalised selector: HMAC-SHA256(key, type ":" normalised). `matchKeyInput` refuses a
 * value that is not in normal form, so two agencies always tokenise the same canonical string.
 */
export function exactToken(key: NetworkKey, type: SelectorType, normalised: string): Buffer {
  return createHmac('sha256', bytesOf(key)).update(matchKeyInput(type, normalised), 'utf8').digest();
}

/** Token of a file digest held by a media item (`algorithm` md5, sha1 or sha256; `hex` lower case). */
export function digestToken(key: NetworkKey, algorithm: 'md5' | 'sha1' | 'sha256', hex: string): Buffer {
  return exactToken(key, 'file-digest', `${algorithm}:${hex}`);
}

/**
 * A keyed, distance-preserving transform of 256-bit PDQ hashes: a secret permutation of the bit positions followed
 * by a secret XOR mask, both derived from the network key. Hamming distances are unchanged (the hub can match
 * within 31), but a transformed hash cannot be compared with hashes from outside the network (public lists, the
 * hub's own images) without the key. It hides values; it is not strong encryption: see docs/matching.md.
 */
export interface PdqTransform {
  apply(hash: string | Hash256Words): Hash256Words;
}

/** Fisher–Yates over the 256 bit positions, fed by HMAC(key, label‖counter) with rejection for uniform choices. */
function derivePermutation(key: Buffer): Uint8Array {
  const perm = new Uint8Array(256);
  for (let i = 0; i < 256; i++) perm[i] = i;
  let block: Buffer = Buffer.alloc(0);
  let pos = 0;
  let counter = 0;
  const next16 = (): number => {
    if (pos + 2 > block.length) {
      block = mac(key, `tessera/pdq-permutation/${counter++}`);
      pos = 0;
    }
    const v = block.readUInt16BE(pos);
    pos += 2;
    return v;
  };
  for (let i = 255; i > 0; i--) {
    const n = i + 1;
    const limit = 65536 - (65536 % n);
    let r: number;
    do r = next16();
    while (r >= limit);
    const j = r % n;
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return perm;
}

export function pdqTransform(key: NetworkKey): PdqTransform {
  const internal = key as NetworkKeyInternal;
  if (internal.pdq) return internal.pdq;
  const bytes = bytesOf(key);
  const perm = derivePermutation(bytes);
  const maskBytes = mac(bytes, 'tessera/pdq-mask');
  const mask = new Uint32Array(8);
  for (let k = 0; k < 8; k++) mask[k] = maskBytes.readUInt32BE(4 * k);
  const transform: PdqTransform = {
    apply(hash) {
      const words = typeof hash === 'string' ? hexToWords(hash) : hash;
      const out = new Uint32Array(8);
      for (let b = 0; b < 256; b++) {
        if ((words[b >>> 5]! >>> (31 - (b & 31))) & 1) {
          const p = perm[b]!;
          out[p >>> 5]! |= 1 << (31 - (p & 31));
        }
      }
      for (let k = 0; k < 8; k++) out[k] = (out[k]! ^ mask[k]!) >>> 0;
      return out;
    },
  };
  internal.pdq = transform;
  return transform;
}
