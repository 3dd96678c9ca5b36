/** Ethereum (and EVM) addresses with the EIP-55 mixed-case checksum, using keccak-256 as EIP-55 specifies. */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bad, ok, type Normalised } from './types.js';

const encoder = new TextEncoder();

/** The EIP-55 checksummed form of 40 hex digits (any case). */
export function toEip55(hex40: string): string {
  const lower = hex40.toLowerCase();
  const hash = keccak_256(encoder.encode(lower));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const c = lower[i] ?? '';
    const nibble = ((hash[i >> 1] ?? 0) >> (i % 2 === 0 ? 4 : 0)) & 0xf;
    out += nibble >= 8 ? c.toUpperCase() : c;
  }
  return out;
}

/**
 * Normalised form is the EIP-55 checksummed address. Mixed case is a checksum and must be right; a single-case
 * address carries no checksum and is accepted with a note.
 */
export function normaliseEth(raw: string): Normalised {
  const text = raw.trim();
  if (!/^0[xX][0-9a-fA-F]{40}$/.test(text)) {
    return bad(text, /^0[xX][0-9a-fA-F]*$/.test(text) ? 'an address is 40 hex digits' : 'not an ethereum address');
  }
  const hex = text.slice(2);
  const checksummed = toEip55(hex);
  if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) {
    if (/^0+$/.test(hex)) return ok(checksummed, 'zero (burn) address');
    return ok(checksummed, 'no EIP-55 checksum (single case)');
  }
  if (checksummed.slice(2) !== hex) return bad(`0x${hex}`, 'EIP-55 checksum mismatch');
  return ok(checksummed);
}
