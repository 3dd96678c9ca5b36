/**
 * Tor onion service addresses. Version 3 (56 base32 characters) is validated with its checksum,
 * SHA3-256(".onion checksum" | pubkey | version)[0..2], and version byte 3 (Tor rend-spec-v3). Version 2 (16
 * characters) is recognised and rejected: Tor removed v2 services in 2021.
 */
import { createHash } from 'node:crypto';
import { bad, ok, type Normalised } from './types.js';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function base32Decode(text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (const ch of text) {
    const v = BASE32.indexOf(ch);
    if (v < 0) return undefined;
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

export function base32Encode(data: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of data) {
    acc = ((acc << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32[(acc << (5 - bits)) & 31];
  return out;
}

export function onionChecksum(pubkey: Uint8Array, version: number): Buffer {
  return createHash('sha3-256')
    .update('.onion checksum')
    .update(pubkey)
    .update(Uint8Array.of(version))
    .digest()
    .subarray(0, 2);
}

/** The v3 address of a 32-byte ed25519 public key (used by tests and fixtures). */
export function onionV3Address(pubkey: Uint8Array): string {
  const bytes = new Uint8Array(35);
  bytes.set(pubkey);
  bytes.set(onionChecksum(pubkey, 3), 32);
  bytes[34] = 3;
  return `${base32Encode(bytes)}.onion`;
}

/**
 * Accepts an address with or without ".onion", with a scheme, subdomains or a path around it
 * ("http://www.<56>.onion/x"); the normalised form is the bare `<56 chars>.onion` in lower case, because
 * subdomains and paths are the same service.
 */
export function normaliseOnion(raw: string): Normalised {
  let host = raw.trim().toLowerCase();
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/[/?#:].*$/, '').replace(/\.$/, '');
  const labels = host.split('.');
  if (labels[labels.length - 1] === 'onion') labels.pop();
  const label = labels[labels.length - 1] ?? '';
  if (/^[a-z2-7]{16}$/.test(label)) return bad(`${label}.onion`, 'v2 onion address: obsolete since 2021');
  if (!/^[a-z2-7]{56}$/.test(label)) return bad(`${label}.onion`, 'not a v3 onion address (56 base32 characters)');
  const bytes = base32Decode(label);
  if (!bytes || bytes.length !== 35) return bad(`${label}.onion`, 'not base32');
  const version = bytes[34] ?? -1;
  if (version !== 3) return bad(`${label}.onion`, `onion version byte ${version}, expected 3`);
  const sum = onionChecksum(bytes.subarray(0, 32), 3);
  if (sum[0] !== bytes[32] || sum[1] !== bytes[33]) return bad(`${label}.onion`, 'onion v3 checksum mismatch');
  return ok(`${label}.onion`);
}
