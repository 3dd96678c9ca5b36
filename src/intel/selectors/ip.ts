/**
 * IP addresses. IPv4 in strict dotted decimal (no leading zeros: "010" is octal to some parsers and decimal to
 * others, so it cannot be normalised safely); IPv6 in the RFC 5952 canonical text form. IPv4-mapped IPv6
 * (::ffff:a.b.c.d) normalises to the IPv4 address, because it is the same host. Special-purpose ranges stay valid
 * but carry a note: they identify nobody across agencies.
 */
import { bad, ok, type Normalised } from './types.js';

export function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const part of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** Eight 16-bit groups, or undefined. Accepts "::" compression and a trailing dotted IPv4; no zone index. */
export function parseIPv6(text: string): number[] | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  let head = text;
  let tail4: number[] | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) > 0) {
    tail4 = parseIPv4(text.slice(lastColon + 1));
    if (!tail4) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`; // placeholder groups, replaced below
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      groups.push(parseInt(g, 16));
    }
    return groups;
  };
  const left = parseGroups(halves[0] ?? '');
  const right = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!left || !right) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - left.length - right.length;
    if (missing < 1) return undefined;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  } else {
    if (left.length !== 8) return undefined;
    groups = left;
  }
  if (tail4) {
    groups[6] = ((tail4[0] ?? 0) << 8) | (tail4[1] ?? 0);
    groups[7] = ((tail4[2] ?? 0) << 8) | (tail4[3] ?? 0);
  }
  return groups;
}

/** RFC 5952 §4: lower case, no leading zeros, the longest run (leftmost on a tie) of two or more zero groups as "::". */
export function formatIPv6(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function ipv4Note(o: number[]): string | undefined {
  const [a = 0, b = 0, c = 0] = o;
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private address (RFC 1918)';
  if (a === 127) return 'loopback address';
  if (a === 0) return '"this network" address';
  if (a === 169 && b === 254) return 'link-local address';
  if (a === 100 && b >= 64 && b <= 127) return 'shared address space (carrier-grade NAT)';
  if ((a === 192 && b === 0 && c === 2) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) {
    return 'documentation address (RFC 5737)';
  }
  if (a === 198 && (b === 18 || b === 19)) return 'benchmarking address';
  if (a >= 224 && a <= 239) return 'multicast address';
  if (a >= 240) return 'reserved address';
  return undefined;
}

function ipv6Note(g: number[]): string | undefined {
  const [a = 0, b = 0] = g;
  if (g.every((x) => x === 0)) return 'unspecified address';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback address';
  if ((a & 0xffc0) === 0xfe80) return 'link-local address';
  if ((a & 0xfe00) === 0xfc00) return 'unique local address';
  if (a === 0x2001 && b === 0x0db8) return 'documentation address (RFC 3849)';
  if ((a & 0xff00) === 0xff00) return 'multicast address';
  return undefined;
}

export function normaliseIp(raw: string): Normalised {
  let text = raw.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  text = text.replace(/%[\w.-]+$/, ''); // a zone index names an interface of the writer's machine, not the host
  const v4 = parseIPv4(text);
  if (v4) return ok(v4.join('.'), ipv4Note(v4));
  if (/^[\d.]+$/.test(text)) return bad(text, 'not a dotted-decimal IPv4 address (0–255, no leading zeros)');
  const v6 = parseIPv6(text);
  if (!v6) return bad(text.toLowerCase(), 'not an IP address');
  if (v6.slice(0, 5).every((x) => x === 0) && v6[5] === 0xffff) {
    const mapped = [(v6[6] ?? 0) >> 8, (v6[6] ?? 0) & 0xff, (v6[7] ?? 0) >> 8, (v6[7] ?? 0) & 0xff];
    return ok(mapped.join('.'), ipv4Note(mapped) ?? 'IPv4-mapped IPv6 address');
  }
  return ok(formatIPv6(v6), ipv6Note(v6));
}
