/**
 * Bech32 (BIP-173) and bech32m (BIP-350) and the segwit address rules built on them, written from the BIPs.
 * Decoders take untrusted text and return undefined (or a reason) rather than throwing.
 */
export const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const CHARSET_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < BECH32_CHARSET.length; i++) CHARSET_INDEX[BECH32_CHARSET.charCodeAt(i)] = i;

export type Bech32Encoding = 'bech32' | 'bech32m';
const CONST: Record<Bech32Encoding, number> = { bech32: 1, bech32m: 0x2bc830a3 };
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i] ?? 0;
  }
  return chk >>> 0;
}

function hrpExpand(hrp: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) >> 5);
  out.push(0);
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) & 31);
  return out;
}

export interface Bech32Decoded {
  hrp: string;
  data: number[]; // 5-bit groups, checksum removed
  encoding: Bech32Encoding;
}

/** Decodes a bech32/bech32m string (either case, not mixed). Length limit 90 as in BIP-173. */
export function bech32Decode(text: string): Bech32Decoded | { error: string } {
  if (text.length > 90) return { error: 'longer than 90 characters' };
  const lower = text.toLowerCase();
  if (text !== lower && text !== text.toUpperCase()) return { error: 'mixed case' };
  const sep = lower.lastIndexOf('1');
  if (sep < 1 || sep + 7 > lower.length) return { error: 'misplaced separator' };
  const hrp = lower.slice(0, sep);
  for (let i = 0; i < hrp.length; i++) {
    const c = hrp.charCodeAt(i);
    if (c < 33 || c > 126) return { error: 'invalid character in prefix' };
  }
  const data: number[] = [];
  for (let i = sep + 1; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    const v = c < 128 ? (CHARSET_INDEX[c] ?? -1) : -1;
    if (v < 0) return { error: 'invalid character' };
    data.push(v);
  }
  const check = polymod([...hrpExpand(hrp), ...data]);
  const encoding = check === CONST.bech32 ? 'bech32' : check === CONST.bech32m ? 'bech32m' : undefined;
  if (!encoding) return { error: 'checksum mismatch' };
  return { hrp, data: data.slice(0, -6), encoding };
}

export function bech32Encode(hrp: string, data: number[], encoding: Bech32Encoding): string {
  const values = [...hrpExpand(hrp), ...data, 0, 0, 0, 0, 0, 0];
  const mod = polymod(values) ^ CONST[encoding];
  let out = `${hrp}1`;
  for (const d of data) out += BECH32_CHARSET[d];
  for (let i = 0; i < 6; i++) out += BECH32_CHARSET[(mod >>> (5 * (5 - i))) & 31];
  return out;
}

/** Regroups bits (8→5 to encode, 5→8 to decode); undefined when padding is invalid. */
export function convertBits(data: ArrayLike<number>, from: number, to: number, pad: boolean): number[] | undefined {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const maxv = (1 << to) - 1;
  for (let i = 0; i < data.length; i++) {
    const value = data[i] ?? 0;
    if (value < 0 || value >> from !== 0) return undefined;
    acc = (acc << from) | value;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >> bits) & maxv);
    }
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & maxv);
  } else if (bits >= from || ((acc << (to - bits)) & maxv) !== 0) {
    return undefined;
  }
  return out;
}

export interface SegwitAddress {
  hrp: string;
  version: number;
  program: Uint8Array;
}

/** Decodes a segwit address and checks BIP-173/BIP-350 rules for the given human-readable part. */
export function segwitDecode(hrp: string, address: string): SegwitAddress | { error: string } {
  const dec = bech32Decode(address);
  if ('error' in dec) return dec;
  if (dec.hrp !== hrp) return { error: `prefix is "${dec.hrp}", expected "${hrp}"` };
  const [version, ...rest] = dec.data;
  if (version === undefined || version > 16) return { error: 'invalid witness version' };
  const program = convertBits(rest, 5, 8, false);
  if (!program) return { error: 'invalid padding' };
  if (program.length < 2 || program.length > 40) return { error: 'invalid witness program length' };
  if (version === 0 && program.length !== 20 && program.length !== 32) {
    return { error: 'invalid witness v0 program length' };
  }
  if (version === 0 && dec.encoding !== 'bech32') return { error: 'witness v0 must use bech32, not bech32m' };
  if (version !== 0 && dec.encoding !== 'bech32m') return { error: `witness v${version} must use bech32m` };
  return { hrp, version, program: Uint8Array.from(program) };
}

export function segwitEncode(hrp: string, version: number, program: Uint8Array): string {
  const data = [version, ...(convertBits(program, 8, 5, true) ?? [])];
  return bech32Encode(hrp, data, version === 0 ? 'bech32' : 'bech32m');
}
