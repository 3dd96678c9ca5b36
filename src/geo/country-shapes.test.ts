import { describe, expect, it } from 'vitest';
import { countries, numericToAlpha2 } from './countries.js';
import { countryAt } from './country-shapes.js';

describe('GPS → country, offline', () => {
  it('maps ISO numeric ids to alpha-2 codes', () => {
    const table = numericToAlpha2();
    expect(table.get('620')).toBe('PT');
    expect(table.get('076')).toBe('BR');
    expect(table.get('826')).toBe('GB');
  });

  it('finds the country containing a point', () => {
    expect(countryAt(51.5072, -0.1276)?.country).toBe('GB');
    expect(countryAt(-23.55, -46.63)?.country).toBe('BR');
    expect(countryAt(40.4168, -3.7038)?.country).toBe('ES');
    expect(countryAt(35.6762, 139.6503)?.country).toBe('JP');
    expect(countryAt(-33.87, 151.21)?.country).toBe('AU');
    expect(countryAt(42.66, 21.16)?.country).toBe('XK'); // an outline world-atlas ships without a numeric id
  });

  it('respects holes: a point in Lesotho is not South Africa', () => {
    expect(countryAt(-29.31, 27.48)?.country).toBe('LS');
    expect(countryAt(-26.2, 28.04)?.country).toBe('ZA');
  });

  it('snaps a coastal point just outside the coarse outline to the nearest country, and gives up at sea', () => {
    const porto = countryAt(41.15, -8.68);
    expect(porto?.country).toBe('PT');
    expect(countryAt(38.0, -30.0)).toBeUndefined();
    expect(countryAt(91, 0)).toBeUndefined();
  });

  it('gives every country clock zones whose shares add up to one', () => {
    for (const c of countries().values()) {
      expect(c.zones.length).toBeGreaterThan(0);
      expect(c.zones.reduce((s, z) => s + z.share, 0)).toBeCloseTo(1, 6);
    }
    expect(countries().get('US')!.zones.find((z) => z.zone === 'America/New_York')!.share).toBeGreaterThan(0.4);
  });
});
