/**
 * Online handles. The normalised form is `username@platform`, with `platform` the registry id ("telegram") or, for
 * sites outside the registry, the lower-cased host ("mastodon.social", an onion forum) or word.
 *
 * Accepted inputs: "name@platform", "@name@host" (fediverse), "platform:name", a profile URL
 * ("https://t.me/name", "x.com/name", "tiktok.com/@name"), or "@name"/"name" with the platform given separately.
 *
 * Case: registry platforms fold as they document (see platforms.ts). Sites named by a host are folded to lower case:
 * Mastodon's account lookup and the common forum engines (phpBB, vBulletin, XenForo, SMF) treat usernames
 * case-insensitively. A platform we know nothing about (a bare word) keeps the case as written.
 */
import { normaliseDomain } from './email.js';
import { normaliseOnion } from './onion.js';
import { findPlatform, platformForHost, type Platform } from './platforms.js';
import { bad, ok, type Normalised } from './types.js';

const GENERIC_NAME = /^[\p{L}\p{N}_.-]{1,64}$/u;

function foldName(name: string, platform: Platform): string {
  let out = platform.ignoreDots ? name.replace(/\./g, '') : name;
  if (platform.fold === 'lower') out = out.toLowerCase();
  else if (platform.fold === 'upper') out = out.toUpperCase();
  return out;
}

/** Normalises a username on a named platform (registry id, alias, host or any other name). */
export function handleFromParts(rawName: string, platformName: string): Normalised {
  const name = rawName.trim().replace(/^@/, '');
  const platformText = platformName.trim().replace(/^@/, '');
  const platform = findPlatform(platformText);
  if (platform) {
    if (!platform.pattern.test(name)) return bad(`${name}@${platform.id}`, `not a valid ${platform.label} username`);
    return ok(`${foldName(name, platform)}@${platform.id}`);
  }
  if (!platformText) return bad(name, 'no platform');
  if (!GENERIC_NAME.test(name)) return bad(`${name}@${platformText.toLowerCase()}`, 'not a username');
  if (platformText.includes('.')) {
    const lower = platformText.toLowerCase();
    let host: string | undefined;
    if (lower.endsWith('.onion')) {
      const onion = normaliseOnion(lower);
      if (!onion.valid) return bad(`${name}@${lower}`, `onion site: ${onion.reason ?? 'invalid'}`);
      host = onion.normalised;
    } else {
      host = normaliseDomain(lower);
    }
    if (!host) return bad(`${name}@${lower}`, 'platform is neither a known platform nor a host name');
    return ok(`${name.toLowerCase()}@${host}`, 'site outside the platform registry: case folded');
  }
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(platformText)) return bad(`${name}@${platformText}`, 'invalid platform name');
  return ok(`${name}@${platformText.toLowerCase()}`, 'unknown platform: case kept as written');
}

/** Username from a profile URL on a registry platform, or undefined when the URL is not a profile link. */
export function handleFromUrl(url: URL): { name: string; platform: Platform } | undefined {
  const platform = platformForHost(url.hostname);
  if (!platform) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname).replace(/^\/+/, '');
  } catch {
    return undefined; // malformed percent-encoding: not a profile link we can read
  }
  if (platform.pathPrefixes) {
    const prefix = platform.pathPrefixes.find((p) => path.toLowerCase().startsWith(p));
    if (!prefix) return undefined;
    path = path.slice(prefix.length);
  }
  const segments = path.split('/');
  // t.me/s/<name> is Telegram's web preview of the channel <name>.
  if (platform.id === 'telegram' && segments[0] === 's' && segments[1]) segments.shift();
  const name = segments[0] ?? '';
  if (!name || platform.reserved?.includes(name.toLowerCase())) return undefined;
  if (platform.id === 'telegram' && name.startsWith('+')) return undefined; // invite links
  return { name, platform };
}

export function normaliseHandle(raw: string, platformHint?: string): Normalised {
  const text = raw.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^(?:www\.)?[a-z0-9.-]+\.[a-z]{2,}\//i.test(text)) {
    let url: URL | undefined;
    try {
      url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
    } catch {
      url = undefined;
    }
    const found = url && handleFromUrl(url);
    if (!found) return bad(text, 'not a profile link of a known platform');
    return handleFromParts(found.name, found.platform.id);
  }
  const body = text.replace(/^@/, '');
  const at = body.lastIndexOf('@');
  if (at > 0) return handleFromParts(body.slice(0, at), body.slice(at + 1));
  const colon = body.indexOf(':');
  if (colon > 0 && findPlatform(body.slice(0, colon))) {
    return handleFromParts(body.slice(colon + 1), body.slice(0, colon));
  }
  if (platformHint) return handleFromParts(body, platformHint);
  return bad(body, 'no platform');
}
