/**
 * E-mail addresses. The whole address is lower-cased: RFC 5321 lets a host treat the local part as case-sensitive,
 * but no mailbox provider we know of does, and one person must match one token. Sub-addressing and dot rules are
 * applied only for providers that document them for every mailbox they host:
 *   - Gmail (gmail.com, googlemail.com): dots in the local part are ignored, "+tag" is dropped, googlemail.com is
 *     the same mailbox as gmail.com.
 *   - Microsoft consumer mail (outlook.*, hotmail.*, live.*, msn.com), Proton (protonmail.com/.ch, proton.me,
 *     pm.me) and Fastmail (fastmail.com, fastmail.fm): "+tag" is dropped.
 * Anything else is only lower-cased, because a "+" or a dot may be significant on a server we know nothing about.
 */
import { domainToASCII } from 'node:url';
import { bad, ok, type Normalised } from './types.js';

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LOCAL_PART = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`);
const MICROSOFT = /^(?:outlook|hotmail|live)\.(?:com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})$|^msn\.com$/;
const PLUS_ONLY = new Set(['protonmail.com', 'protonmail.ch', 'proton.me', 'pm.me', 'fastmail.com', 'fastmail.fm']);

/** Lower-cases and IDNA-encodes a DNS name; undefined when it is not a plausible public host name. */
export function normaliseDomain(domain: string): string | undefined {
  const ascii = domainToASCII(domain.replace(/\.$/, '')).toLowerCase();
  if (!ascii || ascii.length > 253) return undefined;
  const labels = ascii.split('.');
  if (labels.length < 2) return undefined;
  for (const label of labels) {
    if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) return undefined;
  }
  const tld = labels[labels.length - 1] ?? '';
  if (!/^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(tld)) return undefined;
  return ascii;
}

export function normaliseEmail(raw: string): Normalised {
  const text = raw
    .trim()
    .replace(/^mailto:/i, '')
    .replace(/^<(.*)>$/, '$1');
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return bad(text.toLowerCase(), 'not an e-mail address');
  let local = text.slice(0, at);
  const rawDomain = text.slice(at + 1);
  if (local.startsWith('"')) return bad(text.toLowerCase(), 'quoted local parts are not supported');
  if (rawDomain.startsWith('[')) return bad(text.toLowerCase(), 'address literals are not supported');
  if (local.length > 64 || !LOCAL_PART.test(local)) return bad(text.toLowerCase(), 'invalid local part');
  let domain = normaliseDomain(rawDomain);
  if (!domain) return bad(text.toLowerCase(), 'invalid domain');
  local = local.toLowerCase();
  let note: string | undefined;
  if (domain === 'gmail.com' || domain === 'googlemail.com') {
    const stripped = local.replace(/\+.*$/, '').replace(/\./g, '');
    if (stripped !== local || domain !== 'gmail.com') note = 'Gmail: dots, +tag and googlemail.com folded';
    local = stripped;
    domain = 'gmail.com';
  } else if (MICROSOFT.test(domain) || PLUS_ONLY.has(domain)) {
    const stripped = local.replace(/\+.*$/, '');
    if (stripped !== local) note = '+tag removed (provider sub-addressing)';
    local = stripped;
  }
  if (local.length === 0) return bad(`${text.slice(0, at).toLowerCase()}@${domain}`, 'empty mailbox name');
  return ok(`${local}@${domain}`, note);
}
