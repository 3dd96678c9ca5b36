import { describe, expect, it } from 'vitest';
import { normaliseEmail } from './email.js';

describe('normaliseEmail', () => {
  it('lower-cases the whole address', () => {
    expect(normaliseEmail('John.Smith@Example.ORG')).toEqual({ normalised: 'john.smith@example.org', valid: true });
  });

  it('keeps dots and +tags where the provider defines no rule', () => {
    expect(normaliseEmail('j.smith+news@example.org').normalised).toBe('j.smith+news@example.org');
    expect(normaliseEmail('j.smith+news@yahoo.com').normalised).toBe('j.smith+news@yahoo.com');
  });

  it('applies Gmail rules: dots ignored, +tag dropped, googlemail.com folded', () => {
    expect(normaliseEmail('J.Smith+abuse@gmail.com')).toMatchObject({ normalised: 'jsmith@gmail.com', valid: true });
    expect(normaliseEmail('j.s.m.i.t.h@googlemail.com').normalised).toBe('jsmith@gmail.com');
    expect(normaliseEmail('jsmith@gmail.com')).toEqual({ normalised: 'jsmith@gmail.com', valid: true });
  });

  it('drops +tags only (not dots) at Microsoft, Proton and Fastmail', () => {
    expect(normaliseEmail('j.smith+x@outlook.com').normalised).toBe('j.smith@outlook.com');
    expect(normaliseEmail('j.smith+x@hotmail.co.uk').normalised).toBe('j.smith@hotmail.co.uk');
    expect(normaliseEmail('a.b+c@proton.me').normalised).toBe('a.b@proton.me');
    expect(normaliseEmail('a.b+c@pm.me').normalised).toBe('a.b@pm.me');
    expect(normaliseEmail('a.b+c@fastmail.com').normalised).toBe('a.b@fastmail.com');
    // Proton and pm.me are distinct addresses even for the same account: never merged.
    expect(normaliseEmail('a@protonmail.com').normalised).not.toBe(normaliseEmail('a@pm.me').normalised);
  });

  it('converts internationalised domains to punycode and strips mailto:/<>', () => {
    expect(normaliseEmail('info@München.de').normalised).toBe('info@xn--mnchen-3ya.de');
    expect(normaliseEmail('mailto:A@B.example.com').normalised).toBe('a@b.example.com');
    expect(normaliseEmail('<a@example.com>').normalised).toBe('a@example.com');
  });

  it('rejects malformed addresses', () => {
    for (const s of [
      'plainaddress',
      '@example.com',
      'a@',
      'a@localhost',
      'a@example',
      'a..b@example.com',
      '.a@example.com',
      'a.@example.com',
      'a@-example.com',
      'a@example.c',
      'a@1.2.3.4',
      'a@[192.0.2.1]',
      '"quoted"@example.com',
      `${'x'.repeat(65)}@example.com`,
      '+tag@gmail.com',
    ]) {
      expect(normaliseEmail(s).valid, s).toBe(false);
    }
  });
});
