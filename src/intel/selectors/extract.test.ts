import { describe, expect, it } from 'vitest';
import values from '../../../test/fixtures/selectors/values.json' with { type: 'json' };
import { extractSelectors } from './extract.js';

const v = values as Record<string, string>;
const brief = (text: string, opts = {}) =>
  extractSelectors(text, opts).map((s) => [s.type, s.normalised, s.valid] as const);

describe('extractSelectors', () => {
  it('returns raw text, offsets and normalised values, sorted by position', () => {
    const text = 'x 😀 mail A.B@Example.com then +351 912 345 678';
    const found = extractSelectors(text);
    expect(found).toEqual([
      { type: 'email', raw: 'A.B@Example.com', normalised: 'a.b@example.com', valid: true, start: 10, end: 25 },
      { type: 'phone', raw: '+351 912 345 678', normalised: '+351912345678', valid: true, start: 31, end: 47 },
    ]);
    for (const s of found) expect(text.slice(s.start, s.end)).toBe(s.raw);
  });

  it('emits a profile link as both a URL and a handle over the same span', () => {
    const found = extractSelectors('see https://t.me/Night_Owl.');
    expect(found.map((s) => [s.type, s.normalised, s.start, s.end])).toEqual([
      ['url', 'https://t.me/Night_Owl', 4, 26],
      ['handle', 'night_owl@telegram', 4, 26],
    ]);
  });

  it('reports well-shaped invalid values unless includeInvalid is false', () => {
    const text = `old 3g2upl4pq6kufc4m.onion and ${v['eth.1.badcase']}`;
    expect(brief(text)).toEqual([
      ['onion', '3g2upl4pq6kufc4m.onion', false],
      ['eth', v['eth.1.badcase'], false],
    ]);
    expect(extractSelectors(text)[0]?.reason).toMatch(/obsolete/);
    expect(brief(text, { includeInvalid: false })).toEqual([]);
  });

  it('reports a base58 string with a bad checksum only next to a wallet word', () => {
    expect(brief(`wallet ${v['btc.p2pkh.bad']}`)).toEqual([['btc', v['btc.p2pkh.bad'], false]]);
    expect(brief(`ticket ${v['btc.p2pkh.bad']}`)).toEqual([]);
  });

  it('filters by type', () => {
    const text = 'alice@example.com 203.0.113.5 @bob on telegram';
    expect(brief(text, { types: ['ip'] })).toEqual([['ip', '203.0.113.5', true]]);
    expect(brief(text, { types: ['handle', 'email'] }).map(([t]) => t)).toEqual(['email', 'handle']);
  });

  it('extracts national phone numbers only with a region', () => {
    expect(brief('ligue 912 345 678')).toEqual([]);
    expect(brief('ligue 912 345 678', { defaultRegion: 'PT' })).toEqual([['phone', '+351912345678', true]]);
  });

  it('does not read digits inside other selectors as phone numbers', () => {
    expect(brief('http://example.com/item/912345678 and 203.0.113.77', { defaultRegion: 'PT' }).map(([t]) => t)).toEqual([
      'url',
      'ip',
    ]);
  });

  it('attributes bare mentions to the default platform only', () => {
    expect(brief('thanks @Some_One')).toEqual([]);
    expect(brief('thanks @Some_One', { defaultPlatform: 'x' })).toEqual([['handle', 'some_one@twitter', true]]);
    expect(brief('@Component({}) and @media print', { defaultPlatform: 'x' })).toEqual([]);
    // An explicit platform beats the default one.
    expect(brief('@Some_One on instagram', { defaultPlatform: 'x' })).toEqual([['handle', 'some_one@instagram', true]]);
  });

  it('applies the IPv4 version-number rules only when asked (default on)', () => {
    expect(brief('version 1.2.3.4')).toEqual([]);
    expect(brief('version 1.2.3.4', { ipContextRules: false })).toEqual([['ip', '1.2.3.4', true]]);
  });

  it('reads both the URL and the onion service of an onion link', () => {
    expect(brief(`http://${v['onion.2']}/x`)).toEqual([
      ['url', `http://${v['onion.2']}/x`, true],
      ['onion', v['onion.2'], true],
    ]);
  });

  it('never throws and keeps offsets right on random text built from selector fragments', () => {
    const fragments = ['@', '.', ':', '/', '%', '%E0%A4', '0x', 'bc1', '+351 ', '00', '.onion', 'https://', 't.me/',
      'www.', 'u/', '[', ']', '(', ')', ' ', '\n', 'é', '😀', 'a', 'Z', '7', '9', '-', '_', 'telegram', ' on ', '::', 'f'];
    let seed = 1;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      let text = '';
      const n = 1 + Math.floor(next() * 40);
      for (let j = 0; j < n; j++) text += fragments[Math.floor(next() * fragments.length)];
      const found = extractSelectors(text, { defaultRegion: 'PT', defaultPlatform: 'x' });
      for (const s of found) expect(text.slice(s.start, s.end)).toBe(s.raw);
    }
    expect(extractSelectors('https://t.me/%E0%A4%A').map((s) => [s.type, s.valid])).toEqual([['url', true]]);
  });

  it('copes with large hostile input without throwing', () => {
    const chunk = `${'a'.repeat(300)}@${'b.'.repeat(200)} ${'1 '.repeat(300)}${'0x'.repeat(100)}${':'.repeat(200)}${'f:'.repeat(200)}`;
    const text = chunk.repeat(50);
    expect(() => extractSelectors(text, { defaultRegion: 'US', defaultPlatform: 'x' })).not.toThrow();
    expect(extractSelectors('')).toEqual([]);
  });
});
