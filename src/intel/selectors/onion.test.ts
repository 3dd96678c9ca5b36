import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import values from '../../../test/fixtures/selectors/values.json' with { type: 'json' };
import { base32Decode, base32Encode, normaliseOnion, onionV3Address } from './onion.js';

const v = values as Record<string, string>;
// DuckDuckGo's published onion service.
const DDG = 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion';

describe('normaliseOnion', () => {
  it('accepts v3 addresses with a valid checksum', () => {
    expect(normaliseOnion(DDG)).toEqual({ normalised: DDG, valid: true });
    expect(normaliseOnion(v['onion.2']!).valid).toBe(true);
    expect(normaliseOnion(onionV3Address(randomBytes(32))).valid).toBe(true);
  });

  it('lower-cases and strips scheme, subdomains, port and path', () => {
    expect(normaliseOnion(`http://www.${DDG.toUpperCase()}:8080/forum/?x=1`).normalised).toBe(DDG);
    expect(normaliseOnion(DDG.replace('.onion', '')).normalised).toBe(DDG);
    expect(normaliseOnion(`${DDG}.`).valid).toBe(true);
  });

  it('rejects a v3 address with a bad checksum', () => {
    expect(normaliseOnion(v['onion.bad']!)).toMatchObject({ valid: false, reason: 'onion v3 checksum mismatch' });
  });

  it('rejects v2 addresses as obsolete', () => {
    expect(normaliseOnion('3g2upl4pq6kufc4m.onion')).toEqual({
      normalised: '3g2upl4pq6kufc4m.onion',
      valid: false,
      reason: 'v2 onion address: obsolete since 2021',
    });
  });

  it('rejects wrong lengths, characters and version bytes', () => {
    expect(normaliseOnion('abcdefghij.onion').valid).toBe(false);
    expect(normaliseOnion(`${DDG.slice(0, 55)}.onion`).valid).toBe(false);
    expect(normaliseOnion(DDG.replace('d', '1')).valid).toBe(false); // "1" is not base32
    expect(normaliseOnion(DDG.replace(/d\.onion$/, 'e.onion')).reason).toMatch(/version byte/);
  });

  it('round-trips base32', () => {
    const bytes = randomBytes(35);
    expect(Buffer.from(base32Decode(base32Encode(bytes)) ?? []).equals(bytes)).toBe(true);
  });
});
