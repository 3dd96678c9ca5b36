import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

/*
 * A small history-API router: the app has a dozen pages and no nested layouts worth a dependency. Locations are read
 * from window.location, so a reload or a pasted link lands on the same page (the node serves index.html for them).
 */

type Listener = () => void;
const listeners = new Set<Listener>();
let snapshot: string | null = null;

function read(): string {
  return window.location.pathname + window.location.search;
}

function current(): string {
  snapshot ??= read();
  return snapshot;
}

function notify(): void {
  const next = read();
  if (next === snapshot) return;
  snapshot = next;
  for (const listener of [...listeners]) listener();
}

// Installed on first use rather than at import, so components that link can also render outside a browser (tests).
function subscribe(listener: Listener): () => void {
  if (listeners.size === 0) window.addEventListener('popstate', notify);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener('popstate', notify);
  };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

export interface Location {
  path: string;
  search: URLSearchParams;
  /** path + query, for coming back after sign-in. */
  href: string;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, current, () => '/');
  const q = href.indexOf('?');
  return { path: q < 0 ? href : href.slice(0, q), search: new URLSearchParams(q < 0 ? '' : href.slice(q + 1)), href };
}

/** Runs on every navigation; the media reveal uses it to re-blur whatever was shown. */
export function onNavigate(listener: Listener): () => void {
  return subscribe(listener);
}

/** Matches `/cases/:id` style patterns; returns the parameters or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const h = have[i]!;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(h);
    else if (w !== h) return null;
  }
  return params;
}

/** Only same-site paths are followed after sign-in (an open redirect would make a phishing link look like ours). */
export function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  if (next.startsWith('/login') || next.startsWith('/setup')) return null;
  return next;
}

interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: string;
  children: ReactNode;
}

export function Link({ to, onClick, children, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handle} {...rest}>
      {children}
    </a>
  );
}
