/**
 * Base58 as used by Bitcoin (with the double-SHA-256 "check" suffix) and by Monero (fixed 8-byte blocks).
 * Decoders take untrusted text: they return undefined on any character outside the alphabet or any overflow.
 */
import { createHash } from 'node:crypto';

export const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE58_ALPHABET.length; i++) INDEX[BASE58_ALPHABET.charCodeAt(i)] = i;

function digit(code: number): number {
  return code < 128 ? (INDEX[code] ?? -1) : -1;
}

/** Bitcoin-style base58 (leading '1's are leading zero bytes). Input is bounded by the callers' regexes. */
export function base58Decode(text: string): Uint8Array | undefined {
  if (text.length === 0 || text.length > 200) return undefined;
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  // Big-number base conversion, little-endian bytes; size bound log(58)/log(256) ≈ 0.733.
  const bytes = new Uint8Array(Math.ceil(text.length * 0.733) + 1);
  let length = 0;
  for (let i = zeros; i < text.length; i++) {
    let carry = digit(text.charCodeAt(i));
    if (carry < 0) return undefined;
    let j = 0;
    for (; j < length || carry !== 0; j++) {
      carry += 58 * (bytes[j] ?? 0);
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    length = j;
  }
  const out = new Uint8Array(zeros + length);
  for (let i = 0; i < length; i++) out[zeros + i] = bytes[length - 1 - i] ?? 0;
  return out;
}

export function base58Encode(data: Uint8Array): string {
  let zeros = 0;
  while (zeros < data.length && data[zeros] === 0) zeros++;
  const digits: number[] = [];
  for (let i = zeros; i < data.length; i++) {
    let carry = data[i] ?? 0;
    for (let j = 0; j < digits.length; j++) {
      carry += (digits[j] ?? 0) << 8;
      digits[j] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let out = '1'.repeat(zeros);
  for (let i = digits.length - 1; i >= 0; i--) out += BASE58_ALPHABET[digits[i] ?? 0];
  return out;
}

export function sha256d(data: Uint8Array): Buffer {
  return createHash('sha256').update(createHash('sha256').update(data).digest()).digest();
}

/** Decodes base58check; returns the payload (version byte included) or undefined when the checksum fails. */
export function base58CheckDecode(text: string): Uint8Array | undefined {
  const raw = base58Decode(text);
  if (!raw || raw.length < 5) return undefined;
  const payload = raw.subarray(0, raw.length - 4);
  const sum = sha256d(payload);
  for (let i = 0; i < 4; i++) if (raw[raw.length - 4 + i] !== sum[i]) return undefined;
  return payload;
}

export function base58CheckEncode(payload: Uint8Array): string {
  const out = new Uint8Array(payload.length + 4);
  out.set(payload);
  out.set(sha256d(payload).subarray(0, 4), payload.length);
  return base58Encode(out);
}

// Monero: 8-byte blocks encode to 11 characters; a final short block of n bytes to MONERO_BLOCK_CHARS[n].
const MONERO_BLOCK_CHARS = [0, 2, 3, 5, 6, 7, 9, 10, 11] as const;

export function moneroBase58Decode(text: string): Uint8Array | undefined {
  const fullBlocks = Math.floor(text.length / 11);
  const tailChars = text.length % 11;
  const tailBytes = MONERO_BLOCK_CHARS.indexOf(tailChars as (typeof MONERO_BLOCK_CHARS)[number]);
  if (tailBytes < 0) return undefined;
  const out = new Uint8Array(fullBlocks * 8 + tailBytes);
  for (let b = 0; b <= fullBlocks; b++) {
    const chars = b < fullBlocks ? 11 : tailChars;
    const size = b < fullBlocks ? 8 : tailBytes;
    if (chars === 0) break;
    let value = 0n;
    for (let i = 0; i < chars; i++) {
      const d = digit(text.charCodeAt(b * 11 + i));
      if (d < 0) return undefined;
      value = value * 58n + BigInt(d);
    }
    if (value >> BigInt(size * 8) !== 0n) return undefined; // the block overflows its byte size
    for (let i = size - 1; i >= 0; i--) {
      out[b * 8 + i] = Number(value & 0xffn);
      value >>= 8n;
    }
  }
  return out;
}

export function moneroBase58Encode(data: Uint8Array): string {
  let out = '';
  for (let off = 0; off < data.length; off += 8) {
    const block = data.subarray(off, Math.min(off + 8, data.length));
    let value = 0n;
    for (const byte of block) value = (value << 8n) | BigInt(byte);
    const chars = MONERO_BLOCK_CHARS[block.length] ?? 0;
    let s = '';
    for (let i = 0; i < chars; i++) {
      s = BASE58_ALPHABET[Number(value % 58n)] + s;
      value /= 58n;
    }
    out += s;
  }
  return out;
}
