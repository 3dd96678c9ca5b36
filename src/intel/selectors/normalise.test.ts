import { describe, expect, it } from 'vitest';
import values from '../../../test/fixtures/selectors/values.json' with { type: 'json' };
import { SELECTOR_TYPES, type SelectorType } from '../vocabulary.js';
import { matchKeyInput, normaliseSelector } from './normalise.js';

const v = values as Record<string, string>;

/** Two spellings of the same selector per type: they must normalise to one value. */
const SAME: Record<SelectorType, [string, string]> = {
  handle: ['DarkKing@TG', 'https://t.me/darkking'],
  onion: [`HTTP://${v['onion.1']!.toUpperCase()}/`, v['onion.1']!],
  email: ['J.Smith+x@GoogleMail.com', 'jsmith@gmail.com'],
  phone: ['00351 912 345 678', '+351912345678'],
  url: ['HTTPS://Example.com:443/a/../b#top', 'https://example.com/b'],
  ip: ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
  btc: [v['btc.p2wpkh.1']!.toUpperCase(), v['btc.p2wpkh.1']!],
  eth: [v['eth.1.lower']!, v['eth.1']!],
  xmr: [` ${v['xmr.standard.1']!} `, v['xmr.standard.1']!],
  'camera-serial': ['NIKON CORPORATION:0012345', 'Nikon:12345'],
  'file-digest': [`SHA-256:${'AB'.repeat(32)}`, 'ab'.repeat(32)],
  pdq: [`PDQ:${'CD'.repeat(32)}`, 'cd'.repeat(32)],
};

describe('normaliseSelector', () => {
  it('maps two spellings of one selector to one value, for every type', () => {
    for (const type of SELECTOR_TYPES) {
      const [a, b] = SAME[type];
      const na = normaliseSelector(type, a);
      const nb = normaliseSelector(type, b);
      expect(na.valid, `${type}: ${a} ${na.reason ?? ''}`).toBe(true);
      expect(nb.valid, `${type}: ${b} ${nb.reason ?? ''}`).toBe(true);
      expect(na.normalised, type).toBe(nb.normalised);
    }
  });

  it('is idempotent on valid values', () => {
    for (const type of SELECTOR_TYPES) {
      const once = normaliseSelector(type, SAME[type][0]).normalised;
      expect(normaliseSelector(type, once).normalised, type).toBe(once);
    }
  });

  it('passes options through (region, platform, make)', () => {
    expect(normaliseSelector('phone', '912 345 678', { defaultRegion: 'PT' }).normalised).toBe('+351912345678');
    expect(normaliseSelector('handle', '@Foo_Bar', { platform: 'instagram' }).normalised).toBe('foo_bar@instagram');
    expect(normaliseSelector('camera-serial', '0042', { make: 'Canon' }).normalised).toBe('canon:42');
  });

  it('bounds the input length', () => {
    expect(normaliseSelector('url', `http://example.com/${'a'.repeat(5000)}`).valid).toBe(false);
  });
});

describe('matchKeyInput', () => {
  it('prefixes the type', () => {
    expect(matchKeyInput('handle', 'darkking@telegram')).toBe('handle:darkking@telegram');
    expect(matchKeyInput('phone', '+351912345678')).toBe('phone:+351912345678');
  });

  it('gives the same key for the same selector written differently', () => {
    for (const type of SELECTOR_TYPES) {
      const [a, b] = SAME[type];
      expect(matchKeyInput(type, normaliseSelector(type, a).normalised)).toBe(
        matchKeyInput(type, normaliseSelector(type, b).normalised),
      );
    }
  });

  it('refuses values that are not normalised or not valid', () => {
    expect(() => matchKeyInput('handle', 'DarkKing@telegram')).toThrow(RangeError);
    expect(() => matchKeyInput('email', 'j.smith@gmail.com')).toThrow(RangeError);
    expect(() => matchKeyInput('onion', '3g2upl4pq6kufc4m.onion')).toThrow(/obsolete/);
    expect(() => matchKeyInput('eth', v['eth.1.lower']!)).toThrow(RangeError);
    expect(() => matchKeyInput('phone', ' +351912345678')).toThrow(RangeError);
    expect(() => matchKeyInput('url', 'http://example.com/\n')).toThrow(RangeError);
    expect(() => matchKeyInput('ip', '')).toThrow(RangeError);
    expect(() => matchKeyInput('domain' as SelectorType, 'example.com')).toThrow(TypeError);
  });
});
