import { describe, expect, it } from 'vitest';
import { formatIPv6, normaliseIp, parseIPv6 } from './ip.js';

describe('normaliseIp', () => {
  it('accepts strict dotted-decimal IPv4', () => {
    expect(normaliseIp('8.8.8.8')).toEqual({ normalised: '8.8.8.8', valid: true });
    expect(normaliseIp('255.255.255.255').valid).toBe(true);
  });

  it('rejects out-of-range octets, leading zeros and wrong group counts', () => {
    for (const s of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.04', '1..2.3', '1.2.3.-4']) {
      expect(normaliseIp(s).valid, s).toBe(false);
    }
  });

  it('notes special-purpose ranges but keeps them valid', () => {
    expect(normaliseIp('192.168.1.1')).toMatchObject({ valid: true, note: 'private address (RFC 1918)' });
    expect(normaliseIp('172.31.0.1').note).toMatch(/private/);
    expect(normaliseIp('172.32.0.1').note).toBeUndefined();
    expect(normaliseIp('127.0.0.1').note).toMatch(/loopback/);
    expect(normaliseIp('198.51.100.23').note).toMatch(/documentation/);
    expect(normaliseIp('100.64.0.1').note).toMatch(/carrier-grade/);
  });

  it('writes IPv6 in RFC 5952 canonical form', () => {
    expect(normaliseIp('2001:0DB8:0000:0000:0000:0000:0000:0001').normalised).toBe('2001:db8::1');
    expect(normaliseIp('2001:db8:0:0:1:0:0:1').normalised).toBe('2001:db8::1:0:0:1'); // leftmost of equal runs
    expect(normaliseIp('2001:db8:0:1:1:1:1:1').normalised).toBe('2001:db8:0:1:1:1:1:1'); // no :: for one group
    expect(normaliseIp('2001:db8:0000:1:0:0:0:1').normalised).toBe('2001:db8:0:1::1'); // longest run
    expect(normaliseIp('[2001:db8::1]').normalised).toBe('2001:db8::1');
    expect(normaliseIp('fe80::1%eth0')).toMatchObject({ normalised: 'fe80::1', note: 'link-local address' });
    expect(normaliseIp('2a00:1450:4003:80e::200e')).toEqual({ normalised: '2a00:1450:4003:80e::200e', valid: true });
  });

  it('maps IPv4-mapped IPv6 to IPv4', () => {
    expect(normaliseIp('::ffff:203.0.113.5').normalised).toBe('203.0.113.5');
    expect(normaliseIp('::FFFF:cb00:7105').normalised).toBe('203.0.113.5');
  });

  it('rejects malformed IPv6', () => {
    for (const s of ['1:2:3:4:5:6:7', '1::2::3', '12345::1', 'g::1', '1:2:3:4:5:6:7:8:9', '12:30:45', ':::']) {
      expect(normaliseIp(s).valid, s).toBe(false);
    }
  });

  it('parses and formats consistently', () => {
    expect(parseIPv6('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(formatIPv6([0, 0, 0, 0, 0, 0, 0, 1])).toBe('::1');
    expect(formatIPv6([1, 0, 0, 0, 0, 0, 0, 0])).toBe('1::');
  });
});
