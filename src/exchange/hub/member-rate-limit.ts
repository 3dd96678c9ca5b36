/**
 * Requests per member agency at the hub, as a token bucket: a member may spend up to a minute's allowance at once (a
 * node catching up after a night offline publishes and pulls in bursts), then as fast as the allowance refills. A
 * member above it is answered 429 with Retry-After; nodes treat that as transient and retry, so nothing is lost — a
 * compromised or broken member simply cannot take the hub's whole capacity from the others.
 *
 * Counted after the signature is verified (no one can spend another agency's allowance) and before the nonce is
 * stored (a refused request writes nothing). In memory, per hub process: a restart only ever lets a member in sooner.
 */
export interface MemberRateLimitOptions {
  /** Sustained requests per minute per member; 0 turns the limit off. */
  perMinute: number;
  /** How often refusals of one member are reported at most (default 15 minutes). */
  reportEveryMs?: number;
  now?: () => number;
}

export interface RateDecision {
  /** Seconds until the next request would be allowed; 0 when this one is. */
  retryAfter: number;
  /** The first refusal of this member in `reportEveryMs` (the one worth recording; the others are not). */
  firstRefusal: boolean;
}

export interface MemberRateLimit {
  take(agencyId: string): RateDecision;
  readonly perMinute: number;
}

const ALLOWED: RateDecision = { retryAfter: 0, firstRefusal: false };

export function createMemberRateLimit(options: MemberRateLimitOptions): MemberRateLimit {
  const { perMinute } = options;
  const now = options.now ?? Date.now;
  const perMs = perMinute / 60_000;
  const reportEveryMs = options.reportEveryMs ?? 15 * 60_000;
  // A hub has tens to hundreds of members: one entry each, never evicted.
  const buckets = new Map<string, { tokens: number; at: number; reportedAt: number }>();

  return {
    perMinute,
    take(agencyId) {
      if (perMinute <= 0) return ALLOWED;
      const t = now();
      let b = buckets.get(agencyId);
      if (!b) {
        b = { tokens: perMinute, at: t, reportedAt: -Infinity };
        buckets.set(agencyId, b);
      }
      b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * perMs);
      b.at = t;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return ALLOWED;
      }
      // A member held at its allowance is refused and let through by turns: report it once per period, not per turn.
      const firstRefusal = t - b.reportedAt >= reportEveryMs;
      if (firstRefusal) b.reportedAt = t;
      return { retryAfter: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)), firstRefusal };
    },
  };
}
