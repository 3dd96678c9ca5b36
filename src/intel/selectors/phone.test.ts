import { describe, expect, it } from 'vitest';
import { nationalPrefix, normalisePhone } from './phone.js';

describe('normalisePhone', () => {
  it('normalises international numbers to E.164 whatever the spacing', () => {
    for (const s of ['+351 912 345 678', '+351912345678', '+351-912-345-678', '00351 912 345 678', '(+351) 912345678']) {
      expect(normalisePhone(s), s).toEqual({ normalised: '+351912345678', valid: true });
    }
    expect(normalisePhone('+44 (0)20 7946 0958').normalised).toBe('+442079460958');
    expect(normalisePhone('+1 (202) 555-0143', 'PT').normalised).toBe('+12025550143');
  });

  it('reads national numbers in the default region (the case country)', () => {
    expect(normalisePhone('912 345 678', 'PT').normalised).toBe('+351912345678');
    expect(normalisePhone('030 1234567', 'DE').normalised).toBe('+49301234567');
    expect(normalisePhone('(11) 98765-4321', 'BR').normalised).toBe('+5511987654321');
    expect(normalisePhone('06 12 34 56 78', 'FR').normalised).toBe('+33612345678');
    expect(normalisePhone('0049 30 1234567', 'PT').normalised).toBe('+49301234567');
    // North America dials 011, but a report writing 00 means the international prefix.
    expect(normalisePhone('0049 30 1234567', 'US').normalised).toBe('+49301234567');
  });

  it('refuses a national number without a region', () => {
    expect(normalisePhone('912 345 678')).toMatchObject({ valid: false, reason: /without a region/ });
  });

  it('rejects numbers that are not in their country number plan', () => {
    expect(normalisePhone('123456789', 'PT').valid).toBe(false); // PT numbers start with 2, 3 or 9
    expect(normalisePhone('+351 12345').valid).toBe(false);
    expect(normalisePhone('+999 123456789').valid).toBe(false);
    expect(normalisePhone('1234').valid).toBe(false);
    expect(normalisePhone('not a number').valid).toBe(false);
  });

  it('knows the trunk prefixes', () => {
    expect(nationalPrefix('DE')).toBe('0');
    expect(nationalPrefix('US')).toBe('1');
    expect(nationalPrefix('PT')).toBeUndefined();
  });
});
