import { describe, expect, it } from 'vitest';
import values from '../../../test/fixtures/selectors/values.json' with { type: 'json' };
import { normaliseXmr } from './xmr.js';

const v = values as Record<string, string>;
// The Monero General Fund donation address, published on getmonero.org.
const GENERAL_FUND = '44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A';

describe('normaliseXmr', () => {
  it('accepts standard, integrated and subaddress forms', () => {
    expect(normaliseXmr(GENERAL_FUND)).toEqual({ normalised: GENERAL_FUND, valid: true, note: 'standard' });
    expect(normaliseXmr(v['xmr.standard.2']!)).toMatchObject({ valid: true, note: 'standard' });
    expect(normaliseXmr(v['xmr.subaddress.1']!)).toMatchObject({ valid: true, note: 'subaddress' });
    expect(v['xmr.integrated.1']).toHaveLength(106);
    expect(normaliseXmr(v['xmr.integrated.1']!)).toMatchObject({ valid: true, note: 'integrated' });
  });

  it('rejects a checksum mismatch', () => {
    expect(normaliseXmr(v['xmr.bad']!)).toMatchObject({ valid: false, reason: 'checksum mismatch' });
    expect(normaliseXmr(`${GENERAL_FUND.slice(0, -1)}B`).valid).toBe(false);
  });

  it('rejects wrong lengths, testnet and non-base58', () => {
    expect(normaliseXmr(GENERAL_FUND.slice(0, -1)).valid).toBe(false);
    expect(normaliseXmr(`${GENERAL_FUND}1`).valid).toBe(false);
    expect(normaliseXmr(v['xmr.testnet']!)).toMatchObject({ valid: false, reason: 'testnet address' });
    expect(normaliseXmr(`0${GENERAL_FUND.slice(1)}`).valid).toBe(false);
  });
});
