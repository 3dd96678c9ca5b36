import { describe, expect, it } from 'vitest';
import { normaliseUrl } from './url.js';

describe('normaliseUrl', () => {
  it('applies WHATWG and RFC 3986 normalisation', () => {
    expect(normaliseUrl('HTTP://Example.COM:80/a/./b/../c?x=1#frag')).toEqual({
      normalised: 'http://example.com/a/c?x=1',
      valid: true,
    });
    expect(normaliseUrl('https://example.com').normalised).toBe('https://example.com/');
    expect(normaliseUrl('https://example.com:443/').normalised).toBe('https://example.com/');
    expect(normaliseUrl('https://example.com:8443/').normalised).toBe('https://example.com:8443/');
    expect(normaliseUrl('https://bücher.example/').normalised).toBe('https://xn--bcher-kva.example/');
  });

  it('upper-cases percent-encodings and decodes unreserved characters', () => {
    expect(normaliseUrl('http://example.com/%7euser/a%2fb?q=%41%3d').normalised).toBe(
      'http://example.com/~user/a%2Fb?q=A%3D',
    );
  });

  it('keeps query order and case of the path', () => {
    expect(normaliseUrl('http://example.com/Path?b=2&a=1').normalised).toBe('http://example.com/Path?b=2&a=1');
  });

  it('reads scheme-less URLs as http', () => {
    expect(normaliseUrl('www.example.com/x').normalised).toBe('http://www.example.com/x');
    expect(normaliseUrl('t.me/somebody').normalised).toBe('http://t.me/somebody');
  });

  it('validates onion hosts and IP hosts', () => {
    const onion = 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion';
    expect(normaliseUrl(`http://${onion}/x`)).toMatchObject({ valid: true, note: 'onion service' });
    expect(normaliseUrl('http://3g2upl4pq6kufc4m.onion/').valid).toBe(false);
    expect(normaliseUrl('http://203.0.113.9:8080/a').normalised).toBe('http://203.0.113.9:8080/a');
    expect(normaliseUrl('http://[2001:DB8::1]/').normalised).toBe('http://[2001:db8::1]/');
  });

  it('rejects other schemes, hosts without a TLD and garbage', () => {
    expect(normaliseUrl('javascript:alert(1)').valid).toBe(false);
    expect(normaliseUrl('file:///etc/passwd').valid).toBe(false);
    expect(normaliseUrl('http://localhost/').valid).toBe(false);
    expect(normaliseUrl('http://exa mple.com/').valid).toBe(false);
    expect(normaliseUrl('http://').valid).toBe(false);
  });
});
