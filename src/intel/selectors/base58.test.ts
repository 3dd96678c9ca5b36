import { describe, expect, it } from 'vitest';
import {
  base58CheckDecode,
  base58CheckEncode,
  base58Decode,
  base58Encode,
  moneroBase58Decode,
  moneroBase58Encode,
} from './base58.js';

describe('base58', () => {
  it('keeps leading zero bytes as leading 1s', () => {
    expect(base58Encode(Uint8Array.of(0, 0, 1))).toBe('112');
    expect(Array.from(base58Decode('112') ?? [])).toEqual([0, 0, 1]);
    expect(base58Encode(new TextEncoder().encode('hello world'))).toBe('StV1DL6CwTryKyV');
  });

  it('rejects characters outside the alphabet', () => {
    for (const s of ['0abc', 'Oabc', 'Iabc', 'labc', 'ab c', '']) expect(base58Decode(s), s).toBeUndefined();
  });

  it('checks the double-SHA-256 checksum', () => {
    const payload = base58CheckDecode('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa');
    expect(Buffer.from(payload ?? []).toString('hex')).toBe('0062e907b15cbf27d5425399ebf6f0fb50ebb88f18');
    expect(base58CheckDecode('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb')).toBeUndefined();
    expect(base58CheckEncode(payload ?? new Uint8Array())).toBe('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa');
  });

  it('encodes Monero blocks of 8 bytes as 11 characters and round-trips partial blocks', () => {
    for (const n of [1, 5, 8, 13, 69, 77]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);
      const text = moneroBase58Encode(data);
      expect(text.length).toBe(Math.floor(n / 8) * 11 + [0, 2, 3, 5, 6, 7, 9, 10, 11][n % 8]!);
      expect(Array.from(moneroBase58Decode(text) ?? [])).toEqual(Array.from(data));
    }
    expect(moneroBase58Encode(new Uint8Array(69)).length).toBe(95);
  });

  it('rejects Monero blocks that overflow or have an impossible length', () => {
    expect(moneroBase58Decode('zzzzzzzzzzz')).toBeUndefined(); // 58^11 - 1 > 2^64
    expect(moneroBase58Decode('1111')).toBeUndefined(); // 4 characters encode no whole byte count
    expect(moneroBase58Decode('zz')).toBeUndefined(); // 57*58+57 > 255
  });
});
