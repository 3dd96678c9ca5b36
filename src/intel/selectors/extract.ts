/**
 * Selector extraction from free text (records, messages, imported posts). The grammar is in docs/selectors.md.
 *
 * Design: each type has one global regex that finds well-shaped candidates, behind a cheap pre-filter (a post
 * without "@" never runs the e-mail and handle patterns); validation (checksums, number plans) runs only on
 * candidates. Context rules then remove the classic false friends: version numbers posing as IPv4, git remotes and
 * retina file names posing as e-mails, dates and reference numbers posing as phones.
 *
 * Invalid values are reported only where the shape is unambiguous (an ".onion" name, a "bc1" string, a 0x-prefixed
 * 40-digit hex, a 95-character Monero string, a handle on a named platform): there a failed check means a typo or a
 * forgery worth showing. Base58 strings that fail their checksum are reported only next to a wallet word.
 */
import type { CountryCode } from 'libphonenumber-js';
import type { SelectorType } from '../vocabulary.js';
import { normaliseBtc } from './btc.js';
import { normaliseEmail } from './email.js';
import { normaliseEth } from './eth.js';
import { handleFromParts, handleFromUrl } from './handle.js';
import { normaliseIp, parseIPv6 } from './ip.js';
import { normaliseOnion } from './onion.js';
import { nationalPrefix, normalisePhone } from './phone.js';
import { PLATFORMS, allPlatformHosts } from './platforms.js';
import type { ExtractOptions, ExtractedSelector, Normalised } from './types.js';
import { normaliseUrl } from './url.js';
import { normaliseXmr } from './xmr.js';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const PLATFORM_WORDS = [...new Set(PLATFORMS.flatMap((p) => [p.id, ...p.aliases]))].sort((a, b) => b.length - a.length);
/** Words too common to introduce "word: name" without an "@" ("X: results" is a figure caption). */
const AMBIGUOUS_WORDS = new Set(['x', 'snap']);
const COLON_PLATFORM_WORDS = PLATFORM_WORDS.filter((w) => !AMBIGUOUS_WORDS.has(w));
const WORDS = PLATFORM_WORDS.map(escape).join('|');
const COLON_WORDS = COLON_PLATFORM_WORDS.map(escape).join('|');
/** "on" in the languages of the first member agencies (en, pt, es, fr, de, it, nl). */
const ON = 'on|at|via|in|from|no|na|em|en|sur|auf|bei|su|op';
const LABEL = '(?:\\s*(?:handle|username|user\\s?name|user|account|acct|id|nick(?:name)?|channel|profile)(?:\\s+is)?)?';
// Up to 66 characters: Session IDs are 66 hex digits.
const NAME = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,65}';

const URL_BODY = '[^\\s<>"\'`{}|\\\\^\\u00a0\\u2000-\\u200b\\u3000]';
const URL_SCHEME_RE = new RegExp(`\\b(?:https?|ftps?)://${URL_BODY}+`, 'gi');
const URL_WWW_RE = new RegExp(`(?<![\\w@.\\/-])www\\.[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)+(?:[/?#]${URL_BODY}*)?`, 'giu');
const URL_PLATFORM_RE = new RegExp(
  `(?<![\\w@.\\/-])(?:${[...allPlatformHosts(), 'wa.me'].map(escape).join('|')})/${URL_BODY}+`,
  'gi',
);
const URL_ONION_RE = new RegExp(`(?<![\\w@.\\/-])(?:[a-z0-9-]{1,63}\\.)*[a-z2-7]{16,56}\\.onion[/?]${URL_BODY}*`, 'gi');

const EMAIL_RE =
  /(?<![\w.+%@-])[A-Za-z0-9._%+-]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})(?![\p{L}\p{N}_@-])/gu;
/** TLDs that in practice end file names ("icon@2x.png", "logo@3x.webp"), not mail domains. */
const FILE_EXTENSIONS = new Set(
  ('png jpg jpeg gif svg webp bmp tif tiff heic ico js mjs cjs ts tsx jsx css scss less html htm json xml yaml yml ' +
    'txt pdf docx xlsx pptx csv log mp4 mkv mp3 wav webm avi mov zip gz tgz bz2 exe dll jar php sh bat lock map vue')
    .split(' '),
);

const HANDLE_AT_RE = new RegExp(`(?<![\\w.+%@-])@?(${NAME})@(${WORDS})(?![\\w@-]|\\.[A-Za-z0-9])`, 'gi');
const HANDLE_ON_RE = new RegExp(
  `(?<![\\w.@])(@${NAME})(?:\\s+(?:${ON})\\s+(?:the\\s+)?|\\s*[([]\\s*)(${WORDS})\\b(?![.-]\\w)`,
  'gi',
);
const HANDLE_LABEL_AT_RE = new RegExp(
  `(?<![\\w.+%@/-])(${WORDS})(?:\\s*/\\s*(?:${WORDS}))?${LABEL}(?:\\s+is)?(?:\\s*[:=\\u2013-]\\s*|\\s+)(@${NAME})(?![\\w@]|\\.[A-Za-z0-9])`,
  'gi',
);
const HANDLE_LABEL_COLON_RE = new RegExp(
  `\\b(${COLON_WORDS})${LABEL}\\s*:\\s*(${NAME})(?![\\w@/]|\\.[A-Za-z0-9]|:)`,
  'gi',
);
const FEDIVERSE_RE =
  /(?<![\w.+%@/-])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?)@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})(?![\w@-]|\.[a-z0-9])/gi;
const MENTION_RE = /(?<![\w.+%@/-])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,62}[A-Za-z0-9_])?)(?![\w@({]|\.\w)/g;
/** CSS at-rules, JSDoc tags and decorators that look like mentions. */
const NOT_MENTIONS = new Set(
  ('media import keyframes font-face charset supports page namespace layer container property param returns ' +
    'return type typedef override deprecated interface component injectable input output echo author see since ' +
    'throws example everyone here')
    .split(' '),
);

/** Reddit's own way of writing a user: u/name or /u/name. */
const REDDIT_USER_RE = /(?<![\w/.-])\/?u\/([A-Za-z0-9_-]{3,20})(?![\w/-])/g;

const ONION_RE = /(?<![\w.-])(?:[a-z0-9-]{1,63}\.)*[a-z0-9]{10,64}\.onion(?![\w-])/gi;
const IPV4_RE = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)/g;
const IPV6_RE = /(?<![\w:.%])(?=[0-9A-Fa-f]*:[0-9A-Fa-f]*:)[0-9A-Fa-f:]{2,39}(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\d)/g;
const ETH_RE = /(?<!\w)0[xX][0-9a-fA-F]{40}(?!\w)/g;
const BTC58_RE = /(?<![\w-])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![\w-])/g;
const BECH32_RE = /(?<![\w-])(?:bc|tb)1[02-9ac-hj-np-z]{11,87}(?![\w-])/gi;
const XMR_RE = /(?<![\w-])[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?(?![\w-])/g;
const PHONE_RE =
  /(?<![\w+#@$€£¥%/\\:.,-])(?:\+|\b00)?[ ]?(?:\(\d{1,5}\)|\d)(?:(?:[ ]?[-./][ ]?|[ ])?(?:\(\d{1,5}\)|\d)){5,20}(?![\w@%€$£¥]|[.,/:-]\d)/g;

const VERSION_BEFORE =
  /(?:\b(?:v|ver|version|release|rel|build|firmware|fw|kernel|patch|update[ds]?|upgraded?|downgraded?|installed|bumped|driver|sdk|api|android|ios|windows|macos|chrome|firefox|safari|edge|openssl|node|python|java|php|nginx|apache|oid|section|chapter|clause|paragraph|para|step|rule|item|figure|table|§)\.?(?:\s+to)?\s*[:=#]?\s*|[A-Za-z][\w.]*[/-]|\bv)$/i;
const VERSION_AFTER = /^(?:-[A-Za-z]|\+[A-Za-z0-9]|\s*\((?:build|beta|rc|alpha|release)\b)/i;
const WALLET_WORD = /\b(?:btc|bitcoin|wallet|address|addr|send|pay|payment|donat\w*)\b|₿/i;
/** Reference numbers that are not phone numbers, optionally followed by "no."/"nr."/"n.º"/"number". */
const PHONE_NOT_BEFORE =
  /\b(?:isbn|issn|ean|iban|order|invoice|rechnung|factura|fatura|facture|fattura|ref|case|ticket|tracking|imei|imsi|iccid|serial|s\/n|sn|id|acct|account|po|reg)\.?(?:\s*(?:no|nr|n\.?\s?º|number|num)\.?)?\s*[:#.]?\s*$/i;

interface Span {
  start: number;
  end: number;
}
const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

function trimUrl(s: string): string {
  let out = s;
  for (;;) {
    const last = out[out.length - 1];
    if (last === undefined) return out;
    if ('.,;:!?\'"*'.includes(last)) out = out.slice(0, -1);
    else if (last === ')' && count(out, '(') < count(out, ')')) out = out.slice(0, -1);
    else if (last === ']' && count(out, '[') < count(out, ']')) out = out.slice(0, -1);
    else return out;
  }
}
function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

/** WhatsApp click-to-chat links carry the full international number: wa.me/<digits>, api.whatsapp.com/send?phone=. */
function whatsAppNumber(url: URL): string | undefined {
  const host = url.hostname.replace(/^www\./, '');
  const digits =
    host === 'wa.me'
      ? url.pathname.slice(1).split('/')[0]
      : host === 'api.whatsapp.com' || host === 'whatsapp.com'
        ? url.searchParams.get('phone')
        : undefined;
  return digits && /^\d{7,15}$/.test(digits) ? `+${digits}` : undefined;
}

function looksLikeDate(raw: string): boolean {
  const s = raw.trim();
  let m = /^(\d{4})([-./])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2})?$/.exec(s);
  if (m) return Number(m[3]) >= 1 && Number(m[3]) <= 12 && Number(m[4]) >= 1 && Number(m[4]) <= 31;
  m = /^(\d{1,2})([-./])(\d{1,2})\2(\d{2}|\d{4})(?:[ T]\d{1,2})?$/.exec(s);
  if (m) return Number(m[1]) >= 1 && Number(m[3]) >= 1 && Math.min(Number(m[1]), Number(m[3])) <= 12 && Math.max(Number(m[1]), Number(m[3])) <= 31;
  if (/^(?:19|20)\d{2}\s*[-/]\s*(?:19|20)\d{2}$/.test(s)) return true;
  if (/^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:\d{2}){0,3}$/.test(s)) return true;
  return /^(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d{2}$/.test(s);
}

function phoneShapeOk(raw: string, region: CountryCode | undefined): boolean {
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  const international = /^(?:\+|00)/.test(raw);
  if (looksLikeDate(raw)) return false;
  const seps = raw.replace(/[\d+()]/g, '');
  // Dotted runs with one-digit groups are versions or amounts ("10.0.19041.1", "1.234.567"), not phone numbers.
  if (seps.length > 0 && /^\.+$/.test(seps) && raw.split('.').some((g) => g.replace(/\D/g, '').length < 2)) return false;
  if (!international) {
    if (!region) return false;
    // Where numbers are dialled with a trunk prefix, an unformatted run of digits without it is an id, a date or
    // a timestamp far more often than a phone number ("20230514", "1700000000").
    const prefix = nationalPrefix(region);
    if (seps.length === 0 && !raw.includes('(') && prefix && prefix !== '1' && !digits.startsWith(prefix)) return false;
  }
  return true;
}

export function extractSelectors(text: string, opts: ExtractOptions = {}): ExtractedSelector[] {
  const out: ExtractedSelector[] = [];
  const includeInvalid = opts.includeInvalid ?? true;
  const push = (type: SelectorType, start: number, end: number, n: Normalised): void => {
    if (!n.valid && !includeInvalid) return;
    out.push({ type, raw: text.slice(start, end), start, end, ...n });
  };
  const hasAt = text.includes('@');
  const hasDot = text.includes('.');
  const hasColon = text.includes(':');
  const urlSpans: Span[] = [];

  // URLs (and handles read from profile links)
  if (hasDot || text.includes('://')) {
    const seen = new Set<number>();
    for (const re of [URL_SCHEME_RE, URL_WWW_RE, URL_PLATFORM_RE, URL_ONION_RE]) {
      if (re !== URL_SCHEME_RE || text.includes('://')) {
        for (const m of text.matchAll(re)) {
          const start = m.index;
          if (seen.has(start) || urlSpans.some((s) => start > s.start && start < s.end)) continue;
          seen.add(start);
          const raw = trimUrl(m[0]);
          const end = start + raw.length;
          const n = normaliseUrl(raw);
          if (!n.valid && !/^[a-z]+:\/\//i.test(raw)) continue;
          urlSpans.push({ start, end });
          push('url', start, end, n);
          if (n.valid) {
            const url = new URL(n.normalised);
            const found = handleFromUrl(url);
            if (found) push('handle', start, end, handleFromParts(found.name, found.platform.id));
            const phone = whatsAppNumber(url);
            if (phone) push('phone', start, end, normalisePhone(phone));
          }
        }
      }
    }
  }

  // E-mail addresses
  if (hasAt && hasDot) {
    for (const m of text.matchAll(EMAIL_RE)) {
      const start = m.index;
      const end = start + m[0].length;
      const tld = m[0].slice(m[0].lastIndexOf('.') + 1).toLowerCase();
      if (FILE_EXTENSIONS.has(tld)) continue;
      // scp-style git remotes and ssh targets: git@github.com:org/repo.git
      if (text[end] === ':' && /[^\s]/.test(text[end + 1] ?? ' ')) continue;
      // user info of a URL: ftp://user@host/, https://user:pass@host/
      const inUrl = urlSpans.find((s) => start > s.start && start < s.end);
      if (inUrl && /^[a-z]+:\/\/(?:[^@/\s]*:)?$/i.test(text.slice(inUrl.start, start))) continue;
      if (/:\/\/(?:[^@/\s]*:)?$/.test(text.slice(Math.max(0, start - 80), start))) continue;
      const n = normaliseEmail(m[0]);
      if (n.valid) push('email', start, end, n);
    }
  }

  // Handles on named platforms
  if (hasAt || hasColon || text.includes('u/')) {
    const spans: Span[] = [];
    const emails = out.filter((s) => s.type === 'email');
    const add = (start: number, end: number, name: string, platform: string, onlyValid: boolean): void => {
      if (spans.some((s) => overlaps(s, { start, end })) || emails.some((s) => overlaps(s, { start, end }))) return;
      const n = handleFromParts(name, platform);
      if (onlyValid && !n.valid) return;
      spans.push({ start, end });
      push('handle', start, end, n);
    };
    if (hasAt) {
      if (hasDot) {
        for (const m of text.matchAll(FEDIVERSE_RE)) {
          add(m.index, m.index + m[0].length, m[1] ?? '', m[2] ?? '', false);
        }
      }
      for (const m of text.matchAll(HANDLE_AT_RE)) {
        add(m.index, m.index + m[0].length, m[1] ?? '', m[2] ?? '', false);
      }
      for (const m of text.matchAll(HANDLE_ON_RE)) {
        const name = m[1] ?? '';
        add(m.index, m.index + name.length, name, m[2] ?? '', false);
      }
      for (const m of text.matchAll(HANDLE_LABEL_AT_RE)) {
        const name = m[2] ?? '';
        const start = m.index + m[0].length - name.length;
        add(start, start + name.length, name, m[1] ?? '', false);
      }
    }
    if (text.includes('u/')) {
      for (const m of text.matchAll(REDDIT_USER_RE)) {
        if (urlSpans.some((s) => overlaps(s, { start: m.index, end: m.index + m[0].length }))) continue;
        add(m.index, m.index + m[0].length, m[1] ?? '', 'reddit', false);
      }
    }
    if (hasColon) {
      for (const m of text.matchAll(HANDLE_LABEL_COLON_RE)) {
        const name = m[2] ?? '';
        const start = m.index + m[0].length - name.length;
        if (urlSpans.some((s) => overlaps(s, { start, end: start + name.length }))) continue;
        add(start, start + name.length, name, m[1] ?? '', true);
      }
    }
    if (hasAt && opts.defaultPlatform) {
      for (const m of text.matchAll(MENTION_RE)) {
        const name = m[1] ?? '';
        if (NOT_MENTIONS.has(name.toLowerCase())) continue;
        const start = m.index;
        const end = start + m[0].length;
        if (out.some((s) => (s.type === 'email' || s.type === 'url') && overlaps(s, { start, end }))) continue;
        add(start, end, name, opts.defaultPlatform, false);
      }
    }
  }

  // Onion services
  if (hasDot && /\.onion/i.test(text)) {
    for (const m of text.matchAll(ONION_RE)) push('onion', m.index, m.index + m[0].length, normaliseOnion(m[0]));
  }

  // IPv4
  if (hasDot && /\d\.\d/.test(text)) {
    const rules = opts.ipContextRules ?? true;
    for (const m of text.matchAll(IPV4_RE)) {
      const start = m.index;
      const end = start + m[0].length;
      if (rules) {
        if (VERSION_BEFORE.test(text.slice(Math.max(0, start - 32), start))) continue;
        if (VERSION_AFTER.test(text.slice(end, end + 16))) continue;
      }
      const n = normaliseIp(m[0]);
      if (n.valid) push('ip', start, end, n);
    }
  }

  // IPv6
  if (hasColon && /[0-9a-f]:[0-9a-f]*:|::/i.test(text)) {
    for (const m of text.matchAll(IPV6_RE)) {
      const candidate = m[0];
      const hexDigits = candidate.replace(/[^0-9A-Fa-f]/g, '').length;
      if (hexDigits < 4 || !parseIPv6(candidate)) continue;
      push('ip', m.index, m.index + candidate.length, normaliseIp(candidate));
    }
  }

  // Wallets
  if (text.includes('0x') || text.includes('0X')) {
    for (const m of text.matchAll(ETH_RE)) push('eth', m.index, m.index + m[0].length, normaliseEth(m[0]));
  }
  for (const m of text.matchAll(BTC58_RE)) {
    const n = normaliseBtc(m[0]);
    if (!n.valid && !WALLET_WORD.test(text.slice(Math.max(0, m.index - 40), m.index))) continue;
    push('btc', m.index, m.index + m[0].length, n);
  }
  if (/bc1|tb1/i.test(text)) {
    for (const m of text.matchAll(BECH32_RE)) push('btc', m.index, m.index + m[0].length, normaliseBtc(m[0]));
  }
  if (text.length >= 95) {
    for (const m of text.matchAll(XMR_RE)) push('xmr', m.index, m.index + m[0].length, normaliseXmr(m[0]));
  }

  // Phone numbers last: any digits already claimed by another selector are not a phone number.
  if (/\d[\d ().\-/]{5,}\d/.test(text)) {
    const claimed: Span[] = [...out, ...urlSpans];
    for (const m of text.matchAll(PHONE_RE)) {
      const raw = m[0].replace(/^ /, '');
      const start = m.index + (m[0].length - raw.length);
      const end = start + raw.length;
      if (claimed.some((s) => overlaps(s, { start, end }))) continue;
      if (!phoneShapeOk(raw, opts.defaultRegion)) continue;
      if (PHONE_NOT_BEFORE.test(text.slice(Math.max(0, start - 16), start))) continue;
      const n = normalisePhone(raw, opts.defaultRegion);
      if (n.valid) push('phone', start, end, n);
    }
  }

  const types = opts.types;
  const result = types ? out.filter((s) => types.includes(s.type)) : out;
  return dedupe(result).sort((a, b) => a.start - b.start || b.end - a.end);
}

/** Drops an item that lies inside another of the same type and value (e.g. the IPv4 inside "::ffff:1.2.3.4"). */
function dedupe(items: ExtractedSelector[]): ExtractedSelector[] {
  return items.filter(
    (a, i) =>
      !items.some(
        (b, j) =>
          j !== i &&
          b.type === a.type &&
          b.normalised === a.normalised &&
          b.start <= a.start &&
          b.end >= a.end &&
          (b.end - b.start > a.end - a.start || j < i),
      ),
  );
}
