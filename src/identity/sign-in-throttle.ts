/**
 * Failed sign-ins per source address. The per-account lockout stops guessing one account's password; it does not stop
 * one address trying a common password on every account (spraying), nor the CPU an argon2 check costs per attempt.
 * Past `limit` failures within `windowMs`, an address is refused before any password is checked, until its oldest
 * failure leaves the window.
 *
 * In memory, per process: a restart forgets, which only ever lets an address in sooner. Addresses are those Fastify
 * reports (behind a reverse proxy only with TESSERA_TRUST_PROXY, else every client would share the proxy's address).
 */
export interface SignInThrottleOptions {
  limit?: number;
  windowMs?: number;
  /** Addresses remembered at most; the stalest are forgotten first. */
  maxAddresses?: number;
  now?: () => number;
}

export interface SignInThrottle {
  /** Seconds until the address may try again, or 0 when it may try now. */
  retryAfter(address: string): number;
  /** Records a failure; true when this failure is the one that reaches the limit. */
  recordFailure(address: string): boolean;
  readonly limit: number;
}

export function createSignInThrottle(options: SignInThrottleOptions = {}): SignInThrottle {
  const limit = options.limit ?? 20;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const maxAddresses = options.maxAddresses ?? 10_000;
  const now = options.now ?? Date.now;
  // Insertion order doubles as recency: an address is re-inserted at each failure.
  const failures = new Map<string, number[]>();

  const recent = (address: string, at: number): number[] => {
    const times = failures.get(address);
    if (!times) return [];
    const kept = times.filter((t) => t > at - windowMs);
    if (kept.length === 0) failures.delete(address);
    else if (kept.length !== times.length) failures.set(address, kept);
    return kept;
  };

  return {
    limit,
    retryAfter(address) {
      const at = now();
      const times = recent(address, at);
      if (times.length < limit) return 0;
      return Math.max(1, Math.ceil((times[times.length - limit]! + windowMs - at) / 1000));
    },
    recordFailure(address) {
      const at = now();
      const times = recent(address, at);
      times.push(at);
      failures.delete(address);
      failures.set(address, times);
      while (failures.size > maxAddresses) failures.delete(failures.keys().next().value!);
      return times.length === limit;
    },
  };
}
