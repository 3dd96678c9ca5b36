import { describe, expect, it } from 'vitest';
import { handleFromParts, normaliseHandle } from './handle.js';

describe('normaliseHandle', () => {
  it('folds case on case-insensitive platforms and resolves aliases', () => {
    expect(normaliseHandle('DarkKing@Telegram')).toEqual({ normalised: 'darkking@telegram', valid: true });
    expect(normaliseHandle('@DarkKing@tg').normalised).toBe('darkking@telegram');
    expect(normaliseHandle('Some_User@x').normalised).toBe('some_user@twitter');
    expect(normaliseHandle('Some_User@twitter').normalised).toBe('some_user@twitter');
    expect(normaliseHandle('@Some.User', 'instagram').normalised).toBe('some.user@instagram');
  });

  it('applies Facebook dot folding and Threema upper case', () => {
    expect(normaliseHandle('John.Smith.55@facebook').normalised).toBe('johnsmith55@facebook');
    expect(normaliseHandle('johnsmith55@fb').normalised).toBe('johnsmith55@facebook');
    expect(normaliseHandle('abcd1234@threema').normalised).toBe('ABCD1234@threema');
  });

  it('reads profile links', () => {
    expect(normaliseHandle('https://t.me/DarkKing').normalised).toBe('darkking@telegram');
    expect(normaliseHandle('twitter.com/Some_User/status/1').normalised).toBe('some_user@twitter');
    expect(normaliseHandle('https://www.tiktok.com/@some.user?lang=en').normalised).toBe('some.user@tiktok');
    expect(normaliseHandle('https://old.reddit.com/user/Some-User/').normalised).toBe('some-user@reddit');
    expect(normaliseHandle('https://www.instagram.com/p/Cx1/').valid).toBe(false); // a post, not a profile
    expect(normaliseHandle('https://t.me/joinchat/AAAA').valid).toBe(false);
    expect(normaliseHandle('https://example.com/user').valid).toBe(false);
  });

  it('does not throw on malformed percent-encodings', () => {
    expect(normaliseHandle('https://t.me/%E0%A4%A')).toMatchObject({ valid: false });
  });

  it('reads "platform:name"', () => {
    expect(normaliseHandle('telegram:DarkKing').normalised).toBe('darkking@telegram');
  });

  it('rejects usernames the platform does not allow', () => {
    expect(normaliseHandle('abc@telegram')).toMatchObject({ valid: false, reason: 'not a valid Telegram username' });
    expect(normaliseHandle('1abcde@telegram').valid).toBe(false);
    expect(normaliseHandle('this_name_is_too_long@twitter').valid).toBe(false);
    expect(normaliseHandle('has.dot@twitter').valid).toBe(false);
    expect(normaliseHandle('.lead@instagram').valid).toBe(false);
    expect(normaliseHandle('-bad@github').valid).toBe(false);
    expect(normaliseHandle('abcd123@threema').valid).toBe(false);
  });

  it('folds fediverse and other sites named by host; keeps case for unknown platforms', () => {
    expect(normaliseHandle('@Alice@Mastodon.Social')).toMatchObject({ normalised: 'alice@mastodon.social', valid: true });
    const onion = 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion';
    expect(handleFromParts('Admin', onion.toUpperCase()).normalised).toBe(`admin@${onion}`);
    expect(handleFromParts('Admin', '3g2upl4pq6kufc4m.onion').valid).toBe(false);
    expect(normaliseHandle('Admin@SomeBoard')).toMatchObject({ normalised: 'Admin@someboard', valid: true });
    expect(normaliseHandle('Admin', 'someboard').normalised).toBe('Admin@someboard');
  });

  it('needs a platform', () => {
    expect(normaliseHandle('@alone')).toMatchObject({ valid: false, reason: 'no platform' });
    expect(normaliseHandle('a b@telegram').valid).toBe(false);
  });
});
