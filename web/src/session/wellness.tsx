import { createContext, useContext, type ReactNode } from 'react';
import type { Preferences } from '../api/types.js';

/** The server's defaults (identity/preferences.ts): protection stays on until a user lowers it for themselves. */
export const DEFAULT_PREFERENCES: Preferences = { blurPx: 24, greyscale: true, muteVideo: true };

const WellnessContext = createContext<Preferences>(DEFAULT_PREFERENCES);

/** The session provides the signed-in user's choices; the preferences screen nests one with the unsaved draft. */
export function WellnessProvider({ preferences, children }: { preferences: Preferences; children: ReactNode }) {
  return <WellnessContext.Provider value={preferences}>{children}</WellnessContext.Provider>;
}

export function useWellness(): Preferences {
  return useContext(WellnessContext);
}
