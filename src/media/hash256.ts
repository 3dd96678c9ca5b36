/**
 * 256-bit perceptual hashes (PDQ) as 64 lower-case hex characters, in the reference's order: the first four hex
 * characters are PDQ word 15 (DCT row 15), the last four word 0. That is the form shared hash lists use, so it is our
 * interchange form; `Hash256Words` is the packed form the index and distance loops work on.
 */

/** Eight 32-bit words; word k holds hex characters [8k, 8k+8) — PDQ words 15-2k (high half) and 14-2k (low half). */
export type Hash256Words = Uint32Array;

const HEX_RE = /^[0-9a-f]{64}$/;

/** 16-bit popcount table: two lookups per 32-bit word beats bit tricks in V8 and stays in cache (64 KiB). */
export const POPCOUNT16: Uint8Array = (() => {
  const t = new Uint8Array(65536);
  for (let i = 1; i < 65536; i++) t[i] = (i & 1) + t[i >>> 1]!;
  return t;
})();

export function popcount32(x: number): number {
  return POPCOUNT16[x & 0xffff]! + POPCOUNT16[x >>> 16]!;
}

export function isHash256Hex(value: string): boolean {
  return HEX_RE.test(value);
}

/** Parses a 64-hex-character hash (upper case accepted); throws a readable error otherwise. */
export function hexToWords(hex: string, out: Hash256Words = new Uint32Array(8)): Hash256Words {
  const h = hex.toLowerCase();
  if (!HEX_RE.test(h)) throw new Error(`not a 256-bit hash (expected 64 hex characters): ${JSON.stringify(hex.slice(0, 80))}`);
  for (let k = 0; k < 8; k++) out[k] = parseInt(h.slice(8 * k, 8 * k + 8), 16) >>> 0;
  return out;
}

export function wordsToHex(words: Hash256Words): string {
  let s = '';
  for (let k = 0; k < 8; k++) s += (words[k]! >>> 0).toString(16).padStart(8, '0');
  return s;
}

export function hammingWords(a: Hash256Words, b: Hash256Words): number {
  let d = 0;
  for (let k = 0; k < 8; k++) d += popcount32((a[k]! ^ b[k]!) >>> 0);
  return d;
}

/** Hamming distance between two hashes given as hex or words. */
export function hamming(a: string | Hash256Words, b: string | Hash256Words): number {
  const wa = typeof a === 'string' ? hexToWords(a) : a;
  const wb = typeof b === 'string' ? hexToWords(b) : b;
  return hammingWords(wa, wb);
}
