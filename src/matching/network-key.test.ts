import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ephemeralMasterKey } from '../exchange/crypto/master-key.js';
import { normaliseSelector } from '../intel/selectors/index.js';
import { hamming, hexToWords, wordsToHex } from '../media/index.js';
import { rng } from '../media/testing/images.js';
import { digestToken, exactToken, exportNetworkKey, generateNetworkKey, importNetworkKey, openNetworkKey, pdqTransform, sealNetworkKey } from './network-key.js';

function randomHash(r: () => number): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += Math.floor(r() * 2 ** 32).toString(16).padStart(8, '0');
  return s;
}

function flipBits(hex: string, bits: number[]): string {
  const w = hexToWords(hex);
  for (const b of bits) w[b >>> 5] = (w[b >>> 5]! ^ (1 << (31 - (b & 31)))) >>> 0;
  return wordsToHex(w);
}

describe('exact tokens', () => {
  const key = generateNetworkKey(1);

  it('is HMAC-SHA256 of "type:normalised" under the network key', () => {
    const bytes = Buffer.from(exportNetworkKey(key), 'base64url');
    const expected = createHmac('sha256', bytes).update('handle:darkadmin@telegram').digest();
    expect(exactToken(key, 'handle', 'darkadmin@telegram').equals(expected)).toBe(true);
  });

  it('gives the same token for the same selector written differently, after normalisation', () => {
    const a = normaliseSelector('handle', 'https://t.me/DarkAdmin');
    const b = normaliseSelector('handle', '@darkadmin', { platform: 'Telegram' });
    expect(a.valid && b.valid).toBe(true);
    expect(exactToken(key, 'handle', a.normalised).equals(exactToken(key, 'handle', b.normalised))).toBe(true);
  });

  it('separates types, keys and values', () => {
    const t = exactToken(key, 'handle', 'darkadmin@telegram');
    expect(t.equals(exactToken(key, 'handle', 'darkadmln@telegram'))).toBe(false);
    expect(t.equals(exactToken(generateNetworkKey(1), 'handle', 'darkadmin@telegram'))).toBe(false);
    const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
    expect(digestToken(key, 'md5', md5).equals(exactToken(key, 'file-digest', `md5:${md5}`))).toBe(true);
  });

  it('refuses a value that is not in normal form (it could never match anyone)', () => {
    expect(() => exactToken(key, 'handle', 'https://t.me/DarkAdmin')).toThrow();
    expect(() => exactToken(key, 'email', 'Someone@Example.org')).toThrow();
  });
});

describe('keyed PDQ transform', () => {
  it('preserves every Hamming distance and hides the hash', () => {
    const r = rng(7);
    const t = pdqTransform(generateNetworkKey(3));
    for (let i = 0; i < 200; i++) {
      const a = randomHash(r);
      const flips = Array.from({ length: Math.floor(r() * 60) }, () => Math.floor(r() * 256));
      const b = i % 2 ? flipBits(a, flips) : randomHash(r);
      const ta = t.apply(a);
      expect(hamming(ta, t.apply(b))).toBe(hamming(a, b));
      // A transformed hash lies about as far from its original as an unrelated hash would.
      if (i < 50) expect(hamming(ta, a)).toBeGreaterThan(80);
    }
  });

  it('is deterministic for a key and differs between keys', () => {
    const k = generateNetworkKey(1);
    const h = randomHash(rng(1));
    const again = importNetworkKey(exportNetworkKey(k), 1);
    expect(wordsToHex(pdqTransform(k).apply(h))).toBe(wordsToHex(pdqTransform(again).apply(h)));
    const other = pdqTransform(generateNetworkKey(1)).apply(h);
    expect(hamming(other, pdqTransform(k).apply(h))).toBeGreaterThan(80);
  });

  it('permutes positions (not only a mask): flipping one bit moves it elsewhere', () => {
    const t = pdqTransform(generateNetworkKey(1));
    const zero = '0'.repeat(64);
    const moved = [0, 1, 2, 100, 255].map((b) => {
      const diff = hexToWords(wordsToHex(t.apply(flipBits(zero, [b]))));
      const base = t.apply(zero);
      for (let k = 0; k < 8; k++) diff[k] = (diff[k]! ^ base[k]!) >>> 0;
      let pos = -1;
      for (let p = 0; p < 256; p++) if ((diff[p >>> 5]! >>> (31 - (p & 31))) & 1) pos = p;
      return pos;
    });
    expect(new Set(moved).size).toBe(5);
    expect(moved).not.toEqual([0, 1, 2, 100, 255]);
  });
});

describe('keys at rest', () => {
  it('seals under the master key bound to agency and epoch', () => {
    const master = ephemeralMasterKey();
    const key = generateNetworkKey(2);
    const sealed = sealNetworkKey(master, key, 'agency-a');
    const opened = openNetworkKey(master, sealed, 'agency-a', 2);
    expect(opened.fingerprint).toBe(key.fingerprint);
    expect(exactToken(opened, 'handle', 'darkadmin@telegram').equals(exactToken(key, 'handle', 'darkadmin@telegram'))).toBe(true);
    expect(() => openNetworkKey(master, sealed, 'agency-b', 2)).toThrow();
    expect(() => openNetworkKey(master, sealed, 'agency-a', 3)).toThrow();
    expect(sealed.includes(Buffer.from(exportNetworkKey(key), 'base64url'))).toBe(false);
  });
});
