import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import type { Role } from '../../api/types.js';
import type { Hit, HitCounts, HitStatus } from './hits-types.js';
import { STATUS_LABELS } from './hits-types.js';

/** The roles that work with hits (the server's HIT_ROLES): prosecutors follow one case, admins see no content. */
export const HIT_ROLES: readonly Role[] = ['investigator', 'victim-id', 'analyst'];

const listeners = new Set<() => void>();

/** Tells the navigation badge (and any open list) that hits changed here. */
export function hitsChanged(): void {
  for (const l of [...listeners]) l();
}

/** New hits and hits waiting for a decision, polled while the app is open (numbers only: no audit event). */
export function useHitCounts(enabled: boolean): HitCounts {
  const [counts, setCounts] = useState<HitCounts>({ new: 0, needsDecision: 0 });
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    const load = () =>
      api
        .get<HitCounts>('/hits/counts')
        .then((c) => !stopped && setCounts(c))
        .catch(() => undefined);
    void load();
    const timer = window.setInterval(() => void load(), 30_000);
    listeners.add(load);
    return () => {
      stopped = true;
      window.clearInterval(timer);
      listeners.delete(load);
    };
  }, [enabled]);
  return counts;
}

export function HitStatusBadge({ status }: { status: HitStatus }) {
  return <span className={`badge hit-status hit-status-${status}`}>{STATUS_LABELS[status]}</span>;
}

export function HitBasis({ hit }: { hit: Hit }) {
  if (hit.basis === 'exact') return <span className="hit-basis">Exact match</span>;
  return (
    <span className="hit-basis" title="Hamming distance between the two PDQ hashes (31 or less is the same picture)">
      Near-duplicate · distance {hit.distance ?? '?'}
    </span>
  );
}

export function NetworkIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
      <circle cx="6" cy="12" r="3" />
      <circle cx="18" cy="6" r="3" />
      <circle cx="18" cy="18" r="3" />
      <path d="M8.6 10.5l6.8-3M8.6 13.5l6.8 3" />
    </svg>
  );
}
