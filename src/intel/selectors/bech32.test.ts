import { describe, expect, it } from 'vitest';
import { bech32Decode, segwitDecode, segwitEncode } from './bech32.js';

// Test vectors published in BIP-173 and BIP-350.
describe('bech32 / bech32m strings', () => {
  it('accepts the BIP-173 valid bech32 strings', () => {
    for (const s of [
      'A12UEL5L',
      'a12uel5l',
      'an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs',
      'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw',
      `11${'q'.repeat(82)}c8247j`,
      'split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w',
      '?1ezyfcl',
    ]) {
      const d = bech32Decode(s);
      expect(d, s).toMatchObject({ encoding: 'bech32' });
    }
  });

  it('accepts the BIP-350 valid bech32m strings', () => {
    for (const s of [
      'A1LQFN3A',
      'a1lqfn3a',
      'an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6',
      'abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx',
      'split1checkupstagehandshakeupstreamerranterredcaperredlc445v',
      '?1v759aa',
    ]) {
      expect(bech32Decode(s), s).toMatchObject({ encoding: 'bech32m' });
    }
  });

  it('rejects the BIP-173 invalid strings', () => {
    for (const s of [
      'an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx',
      'pzry9x0s0muk',
      '1pzry9x0s0muk',
      'x1b4n0q5v',
      'li1dgmt3',
      'A1G7SGD8',
      '10a06t8',
      '1qzzfhee',
    ]) {
      expect(bech32Decode(s), s).toHaveProperty('error');
    }
  });
});

describe('segwit addresses', () => {
  it('decodes BIP-173/BIP-350 valid mainnet addresses', () => {
    const p2wpkh = segwitDecode('bc', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
    expect(p2wpkh).toMatchObject({ version: 0 });
    expect(Buffer.from((p2wpkh as { program: Uint8Array }).program).toString('hex')).toBe(
      '751e76e8199196d454941c45d1b3a323f1433bd6',
    );
    expect(segwitDecode('bc', 'BC1SW50QGDZ25J')).toMatchObject({ version: 16 });
    expect(segwitDecode('bc', 'bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs')).toMatchObject({ version: 2 });
    expect(segwitDecode('bc', 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0')).toMatchObject({
      version: 1,
    });
  });

  it('rejects the BIP-350 invalid addresses', () => {
    for (const s of [
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', // v1 with bech32 checksum
      'BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL', // v16 with bech32 checksum
      'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', // v0 with bech32m checksum
      'bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4', // invalid character
      'BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R', // witness version 17
      'bc1pw5dgrnzv', // 1-byte program
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav', // 41-byte program
      'BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', // v0 with a 16-byte program
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq', // mixed case
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf', // more than 4 padding bits
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j', // non-zero padding
      'bc1gmk9yu', // empty data
    ]) {
      expect(segwitDecode('bc', s), s).toHaveProperty('error');
    }
    expect(segwitDecode('bc', 'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7')).toHaveProperty('error');
  });

  it('round-trips encode and decode', () => {
    const program = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
    for (const version of [0, 1, 5]) {
      const address = segwitEncode('bc', version, program);
      const back = segwitDecode('bc', address);
      expect(back).toMatchObject({ version });
      expect(Array.from((back as { program: Uint8Array }).program)).toEqual(Array.from(program));
    }
  });
});
