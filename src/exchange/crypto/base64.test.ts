import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from './base64.js';

describe('base64 (TC39 Uint8Array methods over Buffer)', () => {
  it('encodes like the reference alphabets, with and without padding', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = new Uint8Array(randomBytes(n));
      const b64 = Buffer.from(bytes).toString('base64');
      expect(toBase64(bytes)).toBe(b64);
      expect(toBase64(bytes, { omitPadding: true })).toBe(b64.replace(/=+$/, ''));
      expect(toBase64(bytes, { alphabet: 'base64url', omitPadding: true })).toBe(Buffer.from(bytes).toString('base64url'));
      expect(toBase64(bytes, { alphabet: 'base64url' })).toBe(b64.replace(/\+/g, '-').replace(/\//g, '_'));
    }
    const view = new Uint8Array(randomBytes(16).buffer, 3, 5);
    expect(toBase64(view)).toBe(Buffer.from(view).toString('base64'));
  });

  it('decodes what it encodes, padded or not, skipping whitespace', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = new Uint8Array(randomBytes(n));
      for (const alphabet of ['base64', 'base64url'] as const) {
        for (const omitPadding of [true, false]) {
          expect(fromBase64(toBase64(bytes, { alphabet, omitPadding }), { alphabet })).toEqual(bytes);
        }
      }
    }
    expect(Buffer.from(fromBase64('aGVs bG8=\n'))).toEqual(Buffer.from('hello'));
  });

  it('refuses characters of the other alphabet, bad padding and impossible lengths', () => {
    expect(() => fromBase64('ab+/', { alphabet: 'base64url' })).toThrow(SyntaxError);
    expect(() => fromBase64('ab-_')).toThrow(SyntaxError);
    expect(() => fromBase64('abc==')).toThrow(SyntaxError);
    expect(() => fromBase64('a===')).toThrow(SyntaxError);
    expect(() => fromBase64('abcde')).toThrow(SyntaxError);
    expect(() => fromBase64('ab!c')).toThrow(SyntaxError);
    expect(() => fromBase64('YQ', { lastChunkHandling: 'strict' })).toThrow(SyntaxError);
    expect(() => fromBase64('YR==', { lastChunkHandling: 'strict' })).toThrow(/padding bits/);
    expect(Buffer.from(fromBase64('YWJjZA', { lastChunkHandling: 'stop-before-partial' }))).toEqual(Buffer.from('abc'));
    expect(() => toBase64(new Uint8Array(1), { alphabet: 'hex' as 'base64' })).toThrow(TypeError);
  });

  it('is installed for jose where the runtime has none', () => {
    expect(typeof (Uint8Array.prototype as unknown as { toBase64: unknown }).toBase64).toBe('function');
    expect(typeof (Uint8Array as unknown as { fromBase64: unknown }).fromBase64).toBe('function');
  });
});
