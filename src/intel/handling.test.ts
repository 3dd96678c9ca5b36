import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { handlingCodeStixMarkingRef, isAtLeastAsRestrictive, mostRestrictive, parseHandlingCode } from './handling.js';
import { sharedPath } from '../../test/support/shared-dir.js';

describe('parseHandlingCode', () => {
  it('reads TLP labels in the spellings other tools use', () => {
    expect(parseHandlingCode('TLP:RED')).toBe('TLP:RED');
    expect(parseHandlingCode('tlp:amber+strict')).toBe('TLP:AMBER+STRICT');
    expect(parseHandlingCode('TLP: AMBER + STRICT')).toBe('TLP:AMBER+STRICT');
    expect(parseHandlingCode('amber strict')).toBe('TLP:AMBER+STRICT');
    expect(parseHandlingCode('green')).toBe('TLP:GREEN');
    expect(parseHandlingCode(' TLP:CLEAR ')).toBe('TLP:CLEAR');
  });

  it('reads TLP:WHITE as TLP:CLEAR', () => {
    expect(parseHandlingCode('TLP:WHITE')).toBe('TLP:CLEAR');
    expect(parseHandlingCode('tlp:white')).toBe('TLP:CLEAR');
    expect(parseHandlingCode('marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9')).toBe('TLP:CLEAR');
  });

  it('reads STIX marking ids of TLP 2.0 and 1.0', () => {
    expect(parseHandlingCode('marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003')).toBe('TLP:AMBER+STRICT');
    expect(parseHandlingCode('marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed')).toBe('TLP:RED');
    expect(parseHandlingCode('marking-definition--f88d31f6-486f-44da-b317-01333bde0b82')).toBe('TLP:AMBER');
  });

  it('refuses what it does not know instead of guessing', () => {
    expect(parseHandlingCode('tlp:ex:chr')).toBeUndefined();
    expect(parseHandlingCode('tlp:unclear')).toBeUndefined();
    expect(parseHandlingCode('SECRET')).toBeUndefined();
    expect(parseHandlingCode('')).toBeUndefined();
    expect(parseHandlingCode('marking-definition--00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });

  it('round-trips with the TLP 2.0 marking definitions shipped with the STIX vectors', () => {
    const strict = JSON.parse(
      readFileSync(sharedPath('vectors/stix/tlp-2.0/tlp-amber+strict.json'), 'utf8'),
    ) as { objects: { id: string; name: string }[] };
    const [marking] = strict.objects;
    expect(marking?.name).toBe('TLP:AMBER+STRICT');
    expect(handlingCodeStixMarkingRef('TLP:AMBER+STRICT')).toBe(marking?.id);
    expect(parseHandlingCode(marking?.id ?? '')).toBe('TLP:AMBER+STRICT');
  });
});

describe('restrictiveness', () => {
  it('orders RED above CLEAR', () => {
    expect(isAtLeastAsRestrictive('TLP:RED', 'TLP:AMBER')).toBe(true);
    expect(isAtLeastAsRestrictive('TLP:GREEN', 'TLP:AMBER')).toBe(false);
    expect(isAtLeastAsRestrictive('TLP:AMBER', 'TLP:AMBER')).toBe(true);
    expect(mostRestrictive(['TLP:GREEN', 'TLP:AMBER+STRICT', 'TLP:AMBER'])).toBe('TLP:AMBER+STRICT');
    expect(mostRestrictive([])).toBeUndefined();
  });
});
