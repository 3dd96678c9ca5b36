import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, lastApiActivity, onUnauthenticated, setCsrfToken } from '../api/client.js';
import type { Me, Preferences, Role } from '../api/types.js';
import { revealStore } from '../media/reveal-store.js';
import { DEFAULT_PREFERENCES, WellnessProvider } from './wellness.js';

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; reason: 'none' | 'expired' | 'signed-out'; username?: string }
  | { status: 'signed-in'; me: Me };

export interface Session {
  state: SessionState;
  me: Me | null;
  hasRole(...roles: Role[]): boolean;
  signedIn(me: Me): void;
  signOut(): Promise<void>;
  refresh(): Promise<void>;
  setPreferences(preferences: Preferences): void;
}

const SessionContext = createContext<Session | null>(null);

/** How often the idle lock looks at the clock; the node's timeout is 30 minutes, so a few seconds late is harmless. */
const IDLE_CHECK_MS = 15_000;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const signedIn = useCallback((me: Me) => {
    if (me.csrfToken) setCsrfToken(me.csrfToken);
    setState({ status: 'signed-in', me });
  }, []);

  const end = useCallback((reason: 'expired' | 'signed-out') => {
    setCsrfToken(null);
    revealStore.hideAll();
    // After an expiry the same person usually signs in again: keep their username for the form.
    setState((current) =>
      current.status === 'anonymous' ? current : { status: 'anonymous', reason, ...(reason === 'expired' && current.status === 'signed-in' ? { username: current.me.user.username } : {}) },
    );
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    api
      .get<Me>('/me', { expectUnauthenticated: true, signal: controller.signal })
      .then(signedIn)
      .catch((error: unknown) => {
        if (error instanceof DOMException && error.name === 'AbortError') return;
        setState({ status: 'anonymous', reason: 'none' });
      });
    return () => controller.abort();
  }, [signedIn]);

  useEffect(() => {
    onUnauthenticated(() => end('expired'));
    return () => onUnauthenticated(null);
  }, [end]);

  // Idle lock: once the node's idle timeout has passed without an API call, ask the node. It answers 401 and the page
  // with case data on it goes away, instead of staying on screen until someone clicks.
  const idleMinutes = state.status === 'signed-in' ? state.me.idleTimeoutMinutes : null;
  useEffect(() => {
    if (idleMinutes === null) return;
    const timer = window.setInterval(() => {
      if (Date.now() - lastApiActivity() > idleMinutes * 60_000) {
        api.get<Me>('/me').catch(() => undefined);
      }
    }, IDLE_CHECK_MS);
    return () => window.clearInterval(timer);
  }, [idleMinutes]);

  const signOut = useCallback(async () => {
    try {
      await api.delete('/session', undefined, { expectUnauthenticated: true });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
    end('signed-out');
  }, [end]);

  const refresh = useCallback(async () => {
    signedIn(await api.get<Me>('/me'));
  }, [signedIn]);

  const setPreferences = useCallback((preferences: Preferences) => {
    setState((current) => (current.status === 'signed-in' ? { status: 'signed-in', me: { ...current.me, preferences } } : current));
  }, []);

  const me = state.status === 'signed-in' ? state.me : null;
  const value = useMemo<Session>(
    () => ({
      state,
      me,
      hasRole: (...roles) => !!me && me.user.roles.some((r) => roles.includes(r)),
      signedIn,
      signOut,
      refresh,
      setPreferences,
    }),
    [state, me, signedIn, signOut, refresh, setPreferences],
  );

  return (
    <SessionContext.Provider value={value}>
      <WellnessProvider preferences={me?.preferences ?? DEFAULT_PREFERENCES}>{children}</WellnessProvider>
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** For screens behind sign-in: the app shell renders them only when a user is signed in. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe without a signed-in user');
  return me;
}
