import { describe, expect, it } from 'vitest';
import { createSignInThrottle } from './sign-in-throttle.js';

describe('sign-in throttle', () => {
  it('refuses an address after the limit within the window, until its oldest failure leaves it', () => {
    let clock = 1_000_000;
    const throttle = createSignInThrottle({ limit: 3, windowMs: 60_000, now: () => clock });
    expect(throttle.recordFailure('10.0.0.1')).toBe(false);
    clock += 10_000;
    expect(throttle.recordFailure('10.0.0.1')).toBe(false);
    expect(throttle.retryAfter('10.0.0.1')).toBe(0);
    clock += 10_000;
    expect(throttle.recordFailure('10.0.0.1')).toBe(true);
    expect(throttle.retryAfter('10.0.0.1')).toBe(40); // the first failure leaves the window 40 s from now
    expect(throttle.retryAfter('10.0.0.2')).toBe(0);
    clock += 40_000;
    expect(throttle.retryAfter('10.0.0.1')).toBe(0);
    expect(throttle.recordFailure('10.0.0.1')).toBe(true); // back at the limit: told again
  });

  it('forgets the stalest addresses past its capacity', () => {
    const throttle = createSignInThrottle({ limit: 1, maxAddresses: 2 });
    throttle.recordFailure('a');
    throttle.recordFailure('b');
    throttle.recordFailure('c');
    expect(throttle.retryAfter('a')).toBe(0);
    expect(throttle.retryAfter('b')).toBeGreaterThan(0);
    expect(throttle.retryAfter('c')).toBeGreaterThan(0);
  });
});
