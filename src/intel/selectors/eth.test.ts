import { describe, expect, it } from 'vitest';
import values from '../../../test/fixtures/selectors/values.json' with { type: 'json' };
import { normaliseEth, toEip55 } from './eth.js';

const v = values as Record<string, string>;

// The examples published with EIP-55.
const EIP55 = [
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  '0x52908400098527886E0F7030069857D2E4169EE7',
  '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
  '0xde709f2102306220921060314715629080e2fb77',
  '0x27b1fdb04752bbc536007a920d24acb045561c26',
];

describe('EIP-55', () => {
  it('reproduces the EIP-55 examples', () => {
    for (const a of EIP55) expect(toEip55(a.slice(2))).toBe(a);
  });

  it('accepts correctly checksummed addresses as they are', () => {
    for (const a of EIP55) expect(normaliseEth(a)).toMatchObject({ normalised: a, valid: true });
    expect(normaliseEth(v['eth.2']!)).toEqual({ normalised: v['eth.2'], valid: true });
  });

  it('accepts single-case addresses as unchecksummed and normalises to the checksummed form', () => {
    expect(normaliseEth(EIP55[0]!.toLowerCase())).toEqual({
      normalised: EIP55[0],
      valid: true,
      note: 'no EIP-55 checksum (single case)',
    });
    expect(normaliseEth(`0x${EIP55[1]!.slice(2).toUpperCase()}`)).toMatchObject({ normalised: EIP55[1], valid: true });
    expect(normaliseEth(v['eth.3.lower']!).normalised).toBe(v['eth.3']);
  });

  it('rejects a mixed-case address whose case does not match the checksum', () => {
    expect(normaliseEth(v['eth.1.badcase']!)).toMatchObject({ valid: false, reason: 'EIP-55 checksum mismatch' });
    expect(normaliseEth('0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed').valid).toBe(false);
  });

  it('rejects wrong lengths, missing prefix and non-hex', () => {
    expect(normaliseEth(v['hex.39']!).valid).toBe(false);
    expect(normaliseEth(v['hex.41']!).valid).toBe(false);
    expect(normaliseEth(v['hex.64']!)).toMatchObject({ valid: false, reason: 'an address is 40 hex digits' });
    expect(normaliseEth(EIP55[0]!.slice(2)).valid).toBe(false);
    expect(normaliseEth('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg').valid).toBe(false);
  });

  it('notes the zero address', () => {
    expect(normaliseEth(`0x${'0'.repeat(40)}`)).toMatchObject({ valid: true, note: 'zero (burn) address' });
  });
});
