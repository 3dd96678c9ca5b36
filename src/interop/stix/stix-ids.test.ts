import { describe, expect, it } from 'vitest';
import { canonicalJson, scoId, uuidv5 } from './stix-ids.js';

describe('STIX identifiers', () => {
  it('computes RFC 9562 version-5 UUIDs', () => {
    // The RFC's example: namespace DNS, name "www.example.com".
    expect(uuidv5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('derives SCO ids from the canonical JSON of the id-contributing properties', () => {
    expect(canonicalJson({ b: 1, a: ['x', { d: 2, c: 'é' }] })).toBe('{"a":["x",{"c":"é","d":2}],"b":1}');
    expect(scoId('url', { value: 'https://example.org/' })).toMatch(/^url--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(scoId('url', { value: 'https://example.org/' })).toBe(scoId('url', { value: 'https://example.org/' }));
  });
});
