/** Bitcoin addresses: base58check P2PKH/P2SH and bech32/bech32m segwit (BIP-173, BIP-350). Mainnet only. */
import { base58CheckDecode, base58Decode } from './base58.js';
import { segwitDecode } from './bech32.js';
import { bad, ok, type Normalised } from './types.js';

const BASE58_VERSIONS: Record<number, string> = { 0x00: 'P2PKH', 0x05: 'P2SH' };
const TESTNET_BASE58_VERSIONS = new Set([0x6f, 0xc4]);

export function normaliseBtc(raw: string): Normalised {
  const text = raw.trim();
  const lower = text.toLowerCase();
  if (lower.startsWith('bc1') || lower.startsWith('tb1') || lower.startsWith('bcrt1')) {
    if (text !== lower && text !== text.toUpperCase()) return bad(text, 'bech32 address in mixed case');
    if (!lower.startsWith('bc1')) return bad(lower, 'testnet/regtest address');
    const dec = segwitDecode('bc', lower);
    if ('error' in dec) return bad(lower, `bech32: ${dec.error}`);
    // Bech32 is case-insensitive; lower case is the canonical form (BIP-173).
    const kind = dec.version === 0 ? (dec.program.length === 20 ? 'P2WPKH' : 'P2WSH') : dec.version === 1 && dec.program.length === 32 ? 'P2TR' : `segwit v${dec.version}`;
    return ok(lower, kind);
  }
  if (!/^[1-9A-HJ-NP-Za-km-z]{25,35}$/.test(text)) return bad(text, 'not a bitcoin address');
  const payload = base58CheckDecode(text);
  if (!payload) {
    return base58Decode(text) ? bad(text, 'base58check checksum mismatch') : bad(text, 'not base58');
  }
  const version = payload[0] ?? -1;
  if (payload.length !== 21) return bad(text, 'wrong payload length');
  if (TESTNET_BASE58_VERSIONS.has(version)) return bad(text, 'testnet address');
  const kind = BASE58_VERSIONS[version];
  if (!kind) return bad(text, `version byte 0x${version.toString(16).padStart(2, '0')} is not a bitcoin address`);
  // Base58 is case-sensitive: the address as written is its canonical form.
  return ok(text, kind);
}
