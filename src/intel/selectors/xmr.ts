/**
 * Monero addresses: Monero's block base58 with a 4-byte keccak-256 checksum. Mainnet standard (network byte 18),
 * integrated (19, with an 8-byte payment id) and subaddress (42).
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { moneroBase58Decode } from './base58.js';
import { bad, ok, type Normalised } from './types.js';

const MAINNET: Record<number, { kind: string; bytes: number }> = {
  18: { kind: 'standard', bytes: 69 },
  19: { kind: 'integrated', bytes: 77 },
  42: { kind: 'subaddress', bytes: 69 },
};
const OTHER_NETWORKS: Record<number, string> = {
  53: 'testnet',
  54: 'testnet',
  63: 'testnet',
  24: 'stagenet',
  25: 'stagenet',
  36: 'stagenet',
};

export function normaliseXmr(raw: string): Normalised {
  const text = raw.trim();
  if (text.length !== 95 && text.length !== 106) return bad(text, 'a Monero address is 95 or 106 characters');
  const data = moneroBase58Decode(text);
  if (!data) return bad(text, 'not Monero base58');
  const body = data.subarray(0, data.length - 4);
  const sum = keccak_256(body);
  for (let i = 0; i < 4; i++) if (data[data.length - 4 + i] !== sum[i]) return bad(text, 'checksum mismatch');
  const tag = data[0] ?? -1;
  const other = OTHER_NETWORKS[tag];
  if (other) return bad(text, `${other} address`);
  const spec = MAINNET[tag];
  if (!spec) return bad(text, `unknown network byte ${tag}`);
  if (spec.bytes !== data.length) return bad(text, `wrong length for a ${spec.kind} address`);
  return ok(text, spec.kind);
}
