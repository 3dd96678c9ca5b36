/**
 * Platforms whose handles Tessera recognises, with what each documents about its usernames. `fold` is the case
 * rule used for matching: "lower" where the platform treats usernames case-insensitively (so "@Alice" and "@alice"
 * are one account), "upper" for Threema's upper-case IDs, "none" where case may matter or nothing is documented.
 * Patterns are checked after folding-independent trimming; lengths are the platforms' published limits.
 */
export interface Platform {
  id: string;
  label: string;
  /** Words that name the platform in text ("tg", "ig", "x"), lower case. */
  aliases: readonly string[];
  /** Web hosts whose first path segment (after one of `pathPrefixes`) is a username. */
  hosts: readonly string[];
  pathPrefixes?: readonly string[];
  fold: 'lower' | 'upper' | 'none';
  /** Dots are not part of the username (Facebook: "john.smith" is "johnsmith"). */
  ignoreDots?: boolean;
  pattern: RegExp;
  /** First path segments that are site features, not users. */
  reserved?: readonly string[];
}

export const PLATFORMS: readonly Platform[] = [
  {
    id: 'twitter',
    label: 'X (Twitter)',
    aliases: ['twitter', 'x', 'tw'],
    hosts: ['twitter.com', 'x.com', 'mobile.twitter.com', 'mobile.x.com'],
    fold: 'lower',
    pattern: /^[A-Za-z0-9_]{1,15}$/,
    reserved: ['home', 'explore', 'search', 'i', 'intent', 'share', 'hashtag', 'settings', 'messages',
      'notifications', 'login', 'logout', 'signup', 'tos', 'privacy', 'compose', 'status', 'account', 'download'],
  },
  {
    id: 'telegram',
    label: 'Telegram',
    aliases: ['telegram', 'tg'],
    hosts: ['t.me', 'telegram.me', 'telegram.dog'],
    fold: 'lower',
    // 5–32 for ordinary usernames; collectible usernames may be shorter, down to 4.
    pattern: /^[A-Za-z][A-Za-z0-9_]{3,31}$/,
    reserved: ['joinchat', 'addstickers', 'addemoji', 'addtheme', 'addlist', 'share', 'proxy', 'socks', 's', 'c',
      'iv', 'login', 'setlanguage', 'bg', 'invoice', 'boost', 'contact', 'm', 'confirmphone', 'k', 'a', 'z'],
  },
  {
    id: 'instagram',
    label: 'Instagram',
    aliases: ['instagram', 'ig', 'insta'],
    hosts: ['instagram.com', 'instagr.am'],
    fold: 'lower',
    pattern: /^(?!\.)(?!.*\.$)(?!.*\.\.)[A-Za-z0-9._]{1,30}$/,
    reserved: ['p', 'reel', 'reels', 'explore', 'stories', 'accounts', 'direct', 'tv', 'about', 'developer',
      'legal', 'web', 'challenge'],
  },
  {
    id: 'tiktok',
    label: 'TikTok',
    aliases: ['tiktok'],
    hosts: ['tiktok.com'],
    pathPrefixes: ['@'],
    fold: 'lower',
    pattern: /^(?!.*\.$)[A-Za-z0-9._]{2,24}$/,
  },
  {
    id: 'facebook',
    label: 'Facebook',
    aliases: ['facebook', 'fb'],
    hosts: ['facebook.com', 'fb.com', 'm.facebook.com'],
    fold: 'lower',
    ignoreDots: true,
    pattern: /^[A-Za-z0-9.]{5,50}$/,
    reserved: ['profile.php', 'groups', 'pages', 'events', 'watch', 'photo', 'photo.php', 'story.php',
      'permalink.php', 'marketplace', 'gaming', 'login', 'login.php', 'help', 'share', 'sharer', 'sharer.php',
      'dialog', 'plugins', 'hashtag', 'people', 'public', 'search', 'reel', 'messages', 'notifications'],
  },
  {
    id: 'reddit',
    label: 'Reddit',
    aliases: ['reddit'],
    hosts: ['reddit.com', 'old.reddit.com', 'new.reddit.com'],
    pathPrefixes: ['u/', 'user/'],
    fold: 'lower',
    pattern: /^[A-Za-z0-9_-]{3,20}$/,
  },
  {
    id: 'github',
    label: 'GitHub',
    aliases: ['github', 'gh'],
    hosts: ['github.com'],
    fold: 'lower',
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/,
    reserved: ['orgs', 'topics', 'features', 'marketplace', 'pricing', 'login', 'join', 'about', 'settings',
      'explore', 'sponsors', 'apps', 'collections', 'trending', 'enterprise', 'security', 'site', 'notifications',
      'new', 'search', 'issues', 'pulls', 'codespaces', 'organizations', 'contact', 'readme'],
  },
  {
    id: 'youtube',
    label: 'YouTube',
    aliases: ['youtube', 'yt'],
    hosts: ['youtube.com', 'm.youtube.com'],
    pathPrefixes: ['@'],
    fold: 'lower',
    pattern: /^[A-Za-z0-9._-]{3,30}$/,
  },
  {
    id: 'snapchat',
    label: 'Snapchat',
    aliases: ['snapchat', 'snap'],
    hosts: ['snapchat.com'],
    pathPrefixes: ['add/'],
    fold: 'lower',
    pattern: /^[A-Za-z][A-Za-z0-9._-]{1,13}[A-Za-z0-9]$/,
  },
  {
    id: 'twitch',
    label: 'Twitch',
    aliases: ['twitch'],
    hosts: ['twitch.tv', 'm.twitch.tv'],
    fold: 'lower',
    pattern: /^[A-Za-z0-9_]{4,25}$/,
    reserved: ['directory', 'videos', 'settings', 'p', 'downloads', 'jobs', 'search', 'subscriptions', 'inventory',
      'wallet', 'drops', 'turbo', 'prime'],
  },
  {
    id: 'discord',
    label: 'Discord',
    aliases: ['discord'],
    hosts: [],
    fold: 'lower',
    // Current (2023) usernames; legacy "name#1234" tags are not handles any more.
    pattern: /^(?!.*\.\.)[A-Za-z0-9_.]{2,32}$/,
  },
  {
    id: 'kik',
    label: 'Kik',
    aliases: ['kik'],
    hosts: [],
    fold: 'lower',
    pattern: /^[A-Za-z0-9._]{2,20}$/,
  },
  {
    id: 'threema',
    label: 'Threema',
    aliases: ['threema'],
    hosts: ['threema.id'],
    fold: 'upper',
    pattern: /^[A-Za-z0-9*][A-Za-z0-9]{7}$/,
  },
  {
    id: 'session',
    label: 'Session',
    aliases: ['session'],
    hosts: [],
    fold: 'lower',
    pattern: /^05[0-9A-Fa-f]{64}$/,
  },
  {
    id: 'signal',
    label: 'Signal',
    aliases: ['signal'],
    hosts: [],
    fold: 'lower',
    pattern: /^[A-Za-z_][A-Za-z0-9_]{2,31}\.\d{2,9}$/,
  },
  {
    id: 'wickr',
    label: 'Wickr',
    aliases: ['wickr'],
    hosts: [],
    // Wickr never documented whether usernames are case-insensitive: keep case.
    fold: 'none',
    pattern: /^[A-Za-z0-9._-]{2,64}$/,
  },
];

const BY_ALIAS = new Map<string, Platform>();
const BY_HOST = new Map<string, Platform>();
for (const p of PLATFORMS) {
  BY_ALIAS.set(p.id, p);
  for (const a of p.aliases) BY_ALIAS.set(a, p);
  for (const h of p.hosts) {
    BY_HOST.set(h, p);
    BY_HOST.set(`www.${h}`, p);
    BY_ALIAS.set(h, p);
  }
}

/** Looks a platform up by id, alias or web host, case-insensitively. */
export function findPlatform(name: string): Platform | undefined {
  return BY_ALIAS.get(name.trim().toLowerCase());
}

export function platformForHost(host: string): Platform | undefined {
  return BY_HOST.get(host.toLowerCase());
}

/** Every alias and host, longest first, for building the extraction regexes. */
export function allPlatformWords(): string[] {
  return [...BY_ALIAS.keys()].sort((a, b) => b.length - a.length);
}

export function allPlatformHosts(): string[] {
  return [...BY_HOST.keys()].sort((a, b) => b.length - a.length);
}
