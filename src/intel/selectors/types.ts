import { Type, type Static } from 'typebox';
import type { CountryCode } from 'libphonenumber-js';
import { SelectorType, type SelectorType as SelectorTypeName } from '../vocabulary.js';

/** The outcome of normalising one value: the canonical form and whether it is a valid value of its type. */
export interface Normalised {
  /** Canonical form used for display, storage and match tokens; a best-effort cleanup when invalid. */
  normalised: string;
  valid: boolean;
  /** Why the value is invalid (only when valid is false). */
  reason?: string;
  /** Something the analyst should know about a valid value (e.g. "private address", "no EIP-55 checksum"). */
  note?: string;
}

/** One selector found in a text. `text.slice(start, end) === raw` (UTF-16 offsets). */
export interface ExtractedSelector extends Normalised {
  type: SelectorTypeName;
  raw: string;
  start: number;
  end: number;
}

export const ExtractedSelectorSchema = Type.Object(
  {
    type: SelectorType,
    raw: Type.String(),
    normalised: Type.String(),
    valid: Type.Boolean(),
    reason: Type.Optional(Type.String()),
    note: Type.Optional(Type.String()),
    start: Type.Integer({ minimum: 0 }),
    end: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type ExtractedSelectorSchema = Static<typeof ExtractedSelectorSchema>;

export interface NormaliseOptions {
  /** ISO 3166-1 alpha-2 region for phone numbers written without an international prefix (the case's country). */
  defaultRegion?: CountryCode;
  /** Camera make, for camera-serial values given without one. */
  make?: string;
  /** Platform, for handle values given without one. */
  platform?: string;
}

export interface ExtractOptions {
  /** ISO 3166-1 alpha-2 region for national-format phone numbers; without it only +/00 numbers are extracted. */
  defaultRegion?: CountryCode;
  /**
   * Platform that bare `@name` mentions belong to (e.g. the site posts were captured from). Without it a bare
   * `@name` is not extracted: outside a known platform it is as likely a decorator or an "at".
   */
  defaultPlatform?: string;
  /** Only these types (default: all that occur in text). */
  types?: readonly SelectorTypeName[];
  /** Emit well-shaped candidates that fail validation (bad checksum, obsolete onion v2…). Default true. */
  includeInvalid?: boolean;
  /** Apply the context rules that reject version numbers posing as IPv4 addresses. Default true. */
  ipContextRules?: boolean;
}

export const ok = (normalised: string, note?: string): Normalised =>
  note === undefined ? { normalised, valid: true } : { normalised, valid: true, note };
export const bad = (normalised: string, reason: string): Normalised => ({ normalised, valid: false, reason });
