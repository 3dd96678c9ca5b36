/**
 * URLs (http, https, ftp, ftps), normalised with the WHATWG URL parser plus RFC 3986 §6.2.2 steps it leaves out:
 * scheme and host lower case, IDN host in punycode, default port dropped, dot segments resolved, empty path "/",
 * percent-encodings in upper case and unreserved characters decoded. The fragment is dropped: it never reaches the
 * server, so it does not name a different resource. Query parameters are kept in order (servers may care).
 * A scheme-less URL ("www.example.com/x", "t.me/name") is read as http://.
 */
import { normaliseDomain } from './email.js';
import { normaliseOnion } from './onion.js';
import { parseIPv4, parseIPv6 } from './ip.js';
import { bad, ok, type Normalised } from './types.js';

const SCHEMES = new Set(['http:', 'https:', 'ftp:', 'ftps:']);
const UNRESERVED = /%(2[DE]|3\d|4[1-9A-F]|5[0-9AF]|6[1-9A-F]|7[0-9AE])/gi;

function tidyPercent(s: string): string {
  return s
    .replace(/%[0-9a-f]{2}/gi, (m) => m.toUpperCase())
    .replace(UNRESERVED, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function normaliseUrl(raw: string): Normalised {
  let text = raw.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `http://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad(raw.trim(), 'not a URL');
  }
  if (!SCHEMES.has(url.protocol)) return bad(raw.trim(), `unsupported scheme ${url.protocol}`);
  url.hash = '';
  const host = url.hostname;
  let note: string | undefined;
  if (host.endsWith('.onion')) {
    const onion = normaliseOnion(host);
    if (!onion.valid) return bad(url.href, `onion host: ${onion.reason ?? 'invalid'}`);
    note = 'onion service';
  } else if (host.startsWith('[')) {
    if (!parseIPv6(host.slice(1, -1))) return bad(url.href, 'invalid IPv6 host');
  } else if (!parseIPv4(host) && !normaliseDomain(host)) {
    return bad(url.href, 'host is not a public domain name or IP address');
  }
  const path = tidyPercent(url.pathname);
  const search = tidyPercent(url.search);
  const auth = url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  return ok(`${url.protocol}//${auth}${url.host}${path}${search}`, note);
}
