import { Type, type Static } from 'typebox';

/**
 * Per-user wellness settings (DESIGN §1): media are blurred and greyscale by default and video starts muted. A user
 * may lower the protection for themselves only; nothing here is global.
 */
export const PreferencesSchema = Type.Object(
  {
    blurPx: Type.Integer({ minimum: 0, maximum: 64, description: 'Blur radius applied to media until revealed' }),
    greyscale: Type.Boolean({ description: 'Show media in greyscale until revealed' }),
    muteVideo: Type.Boolean({ description: 'Start videos muted' }),
  },
  { additionalProperties: false },
);
export type Preferences = Static<typeof PreferencesSchema>;

export const DEFAULT_PREFERENCES: Preferences = { blurPx: 24, greyscale: true, muteVideo: true };

export function parsePreferences(json: string | null | undefined): Preferences {
  if (!json) return { ...DEFAULT_PREFERENCES };
  try {
    return { ...DEFAULT_PREFERENCES, ...(JSON.parse(json) as Partial<Preferences>) };
  } catch {
    return { ...DEFAULT_PREFERENCES };
  }
}
