import { describe, expect, it } from 'vitest';
import { HANDLING_CODES, type HandlingCode } from '../vocabulary.js';
import { mayExport, maySend, mayView } from './handling-policy.js';

const A = 'agency-a';
const B = 'agency-b';
const C = 'agency-c';
const item = (handlingCode: HandlingCode, h2 = false) => ({ handlingCode, originatorAgencyId: A, handlingRestrictions: h2 ? [{ code: 'H2' as const }] : [] });

describe('handling policy inside a node', () => {
  it('shows RED and AMBER+STRICT to the originator agency only, the rest to every participant', () => {
    const seen = Object.fromEntries(HANDLING_CODES.map((c) => [c, [mayView(item(c), A), mayView(item(c), B), mayView(item(c), null)]]));
    expect(seen).toEqual({
      'TLP:RED': [true, false, true],
      'TLP:AMBER+STRICT': [true, false, true],
      'TLP:AMBER': [true, true, true],
      'TLP:GREEN': [true, true, true],
      'TLP:CLEAR': [true, true, true],
    });
  });

  it('never exports RED; AMBER+STRICT and H2 only by the originator', () => {
    expect(mayExport(item('TLP:RED'), A)).toEqual({ allowed: false, reason: 'TLP:RED never leaves the node' });
    expect(mayExport(item('TLP:RED'), null).allowed).toBe(false);
    expect(mayExport(item('TLP:AMBER+STRICT'), A).allowed).toBe(true);
    expect(mayExport(item('TLP:AMBER+STRICT'), B).allowed).toBe(false);
    expect(mayExport(item('TLP:AMBER'), B).allowed).toBe(true);
    expect(mayExport(item('TLP:GREEN', true), B)).toMatchObject({ allowed: false, reason: expect.stringMatching(/^H2/) });
    expect(mayExport(item('TLP:GREEN', true), A).allowed).toBe(true);
  });

  it('sends AMBER only within the case unless the originator sends it; never RED', () => {
    const participants = [A, B];
    expect(maySend(item('TLP:RED'), A, [B], participants).allowed).toBe(false);
    expect(maySend(item('TLP:AMBER'), B, [A], participants).allowed).toBe(true);
    expect(maySend(item('TLP:AMBER'), B, [C], participants)).toMatchObject({ allowed: false });
    expect(maySend(item('TLP:AMBER'), A, [C], participants).allowed).toBe(true);
    expect(maySend(item('TLP:GREEN'), B, [C], participants).allowed).toBe(true);
    expect(maySend(item('TLP:AMBER+STRICT'), A, [C], participants).allowed).toBe(true);
    expect(maySend(item('TLP:CLEAR', true), B, [C], participants).allowed).toBe(false);
  });
});
