import { describe, expect, it } from 'vitest';
import values from '../../../test/fixtures/selectors/values.json' with { type: 'json' };
import { normaliseBtc } from './btc.js';

const v = values as Record<string, string>;

describe('normaliseBtc', () => {
  it('accepts base58check P2PKH and P2SH (genesis and BIP-16 example addresses)', () => {
    expect(normaliseBtc('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa')).toEqual({
      normalised: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa',
      valid: true,
      note: 'P2PKH',
    });
    expect(normaliseBtc(' 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy ')).toMatchObject({ valid: true, note: 'P2SH' });
    expect(normaliseBtc(v['btc.p2pkh.2']!)).toMatchObject({ valid: true, note: 'P2PKH' });
  });

  it('accepts segwit v0 (bech32) and v1 (bech32m) and lower-cases them', () => {
    expect(normaliseBtc('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4')).toEqual({
      normalised: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
      valid: true,
      note: 'P2WPKH',
    });
    expect(normaliseBtc(v['btc.p2wsh.1']!)).toMatchObject({ valid: true, note: 'P2WSH' });
    expect(normaliseBtc('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0')).toMatchObject({
      valid: true,
      note: 'P2TR',
    });
  });

  it('rejects bad checksums, mixed case and wrong encodings', () => {
    expect(normaliseBtc('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb')).toMatchObject({
      valid: false,
      reason: 'base58check checksum mismatch',
    });
    expect(normaliseBtc(v['btc.p2wpkh.bad']!)).toMatchObject({ valid: false, reason: 'bech32: checksum mismatch' });
    expect(normaliseBtc(v['btc.p2tr.mixedcase']!)).toMatchObject({ valid: false, reason: 'bech32 address in mixed case' });
    expect(normaliseBtc('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh').valid).toBe(false);
  });

  it('rejects testnet addresses and other coins sharing base58check', () => {
    expect(normaliseBtc(v['btc.testnet.p2pkh']!)).toMatchObject({ valid: false, reason: 'testnet address' });
    expect(normaliseBtc(v['btc.tb1']!)).toMatchObject({ valid: false, reason: 'testnet/regtest address' });
    // A Litecoin-style version byte (0x30) passes the checksum but is not bitcoin.
    expect(normaliseBtc('LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9').valid).toBe(false);
  });

  it('rejects wrong lengths and non-base58 text', () => {
    expect(normaliseBtc('1A1zP1eP5QGefi2DMPTfTL5SL').valid).toBe(false);
    expect(normaliseBtc('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa0').valid).toBe(false);
    expect(normaliseBtc('').valid).toBe(false);
  });
});
