import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normaliseFileDigest, normalisePdq } from './digest.js';

describe('file digests', () => {
  const sha256 = createHash('sha256').update('x').digest('hex');
  const md5 = createHash('md5').update('x').digest('hex');
  const sha1 = createHash('sha1').update('x').digest('hex');

  it('infers the algorithm from the length and lower-cases', () => {
    expect(normaliseFileDigest(sha256.toUpperCase())).toEqual({ normalised: `sha256:${sha256}`, valid: true });
    expect(normaliseFileDigest(md5).normalised).toBe(`md5:${md5}`);
    expect(normaliseFileDigest(sha1).normalised).toBe(`sha1:${sha1}`);
  });

  it('accepts algorithm prefixes and rejects mismatched lengths', () => {
    expect(normaliseFileDigest(`SHA-256:${sha256}`).normalised).toBe(`sha256:${sha256}`);
    expect(normaliseFileDigest(`sha1=${sha1}`).normalised).toBe(`sha1:${sha1}`);
    expect(normaliseFileDigest(`sha1:${sha256}`).valid).toBe(false);
    expect(normaliseFileDigest('abc').valid).toBe(false);
    expect(normaliseFileDigest(`${md5}zz`).valid).toBe(false);
    expect(normaliseFileDigest('0'.repeat(64)).valid).toBe(false);
  });

  it('accepts 64-hex PDQ hashes only', () => {
    expect(normalisePdq(`PDQ:${'AB'.repeat(32)}`)).toEqual({ normalised: 'ab'.repeat(32), valid: true });
    expect(normalisePdq('ab'.repeat(31)).valid).toBe(false);
  });
});
