/*
 * Which protected medium is revealed right now. There is at most one (DESIGN §1: revealed one at a time), so revealing
 * another re-blurs the first, and anything that takes the person's eyes elsewhere re-blurs all.
 */

type Listener = () => void;

export interface RevealStore {
  current(): string | null;
  reveal(id: string): void;
  /** Hides `id` if it is the one revealed (a stale hide from an unmounting item must not hide another). */
  hide(id: string): void;
  hideAll(): void;
  subscribe(listener: Listener): () => void;
}

export function createRevealStore(): RevealStore {
  let revealed: string | null = null;
  const listeners = new Set<Listener>();
  const set = (next: string | null) => {
    if (next === revealed) return;
    revealed = next;
    for (const listener of [...listeners]) listener();
  };
  return {
    current: () => revealed,
    reveal: (id) => set(id),
    hide: (id) => {
      if (revealed === id) set(null);
    },
    hideAll: () => set(null),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export interface FocusSources {
  window: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  document: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> & { readonly visibilityState: string };
}

/** Re-blur when the window loses focus, the tab is hidden or the page is left. Returns the uninstaller. */
export function hideOnLeave(store: RevealStore, sources: FocusSources): () => void {
  const hideAll = () => store.hideAll();
  const onVisibility = () => {
    if (sources.document.visibilityState !== 'visible') store.hideAll();
  };
  sources.window.addEventListener('blur', hideAll);
  sources.window.addEventListener('pagehide', hideAll);
  sources.document.addEventListener('visibilitychange', onVisibility);
  return () => {
    sources.window.removeEventListener('blur', hideAll);
    sources.window.removeEventListener('pagehide', hideAll);
    sources.document.removeEventListener('visibilitychange', onVisibility);
  };
}

/** The app's one store. */
export const revealStore = createRevealStore();
