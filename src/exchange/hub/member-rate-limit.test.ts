import { describe, expect, it } from 'vitest';
import { createMemberRateLimit } from './member-rate-limit.js';

describe('member rate limit at the hub', () => {
  it('lets a member burst a minute of requests, then refuses with the wait until the next one, and refills', () => {
    let t = 0;
    const limit = createMemberRateLimit({ perMinute: 60, now: () => t });
    for (let i = 0; i < 60; i++) expect(limit.take('a').retryAfter).toBe(0);
    expect(limit.take('a')).toEqual({ retryAfter: 1, firstRefusal: true });
    expect(limit.take('a')).toEqual({ retryAfter: 1, firstRefusal: false });
    // Another member is not affected.
    expect(limit.take('b').retryAfter).toBe(0);
    t += 1_000;
    expect(limit.take('a').retryAfter).toBe(0);
    // Refused again at once, but reported once per 15 minutes only.
    expect(limit.take('a')).toEqual({ retryAfter: 1, firstRefusal: false });
    t += 15 * 60_000;
    expect(limit.take('a').retryAfter).toBe(0);
    for (let i = 0; i < 59; i++) limit.take('a');
    expect(limit.take('a')).toEqual({ retryAfter: 1, firstRefusal: true });
    t += 60_000;
    for (let i = 0; i < 60; i++) expect(limit.take('a').retryAfter).toBe(0);
    expect(limit.take('a').retryAfter).toBeGreaterThan(0);
  });

  it('says how long to wait at a slow allowance', () => {
    let t = 0;
    const limit = createMemberRateLimit({ perMinute: 2, now: () => t });
    limit.take('a');
    limit.take('a');
    expect(limit.take('a').retryAfter).toBe(30);
    t += 29_000;
    expect(limit.take('a').retryAfter).toBe(1);
  });

  it('is off at 0', () => {
    const limit = createMemberRateLimit({ perMinute: 0 });
    for (let i = 0; i < 10_000; i++) expect(limit.take('a').retryAfter).toBe(0);
  });
});
