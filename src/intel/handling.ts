/**
 * Reading handling codes from the outside world. Tessera stores TLP 2.0 only; older or looser spellings are
 * accepted on import and mapped here, in one place, so the mapping is visible and tested.
 */
import {
  HANDLING_CODES,
  TLP1_STIX_MARKING_IDS,
  TLP_STIX_MARKING_IDS,
  type HandlingCode,
} from './vocabulary.js';

const BY_STIX_ID = new Map<string, HandlingCode>([
  ...Object.entries(TLP_STIX_MARKING_IDS).map(([code, id]) => [id, code as HandlingCode] as const),
  ...Object.entries(TLP1_STIX_MARKING_IDS),
]);

/**
 * Parses a TLP label as other tools write it ("TLP:AMBER", "tlp:amber+strict", "amber", "TLP: GREEN", MISP tags
 * such as `tlp:white`) or a STIX marking-definition id (TLP 2.0 or 1.0). TLP:WHITE (TLP 1.0) is read as TLP:CLEAR.
 * Returns undefined for anything else (e.g. MISP's `tlp:ex:chr`, `tlp:unclear`): the caller decides the default,
 * because guessing a handling code is a disclosure decision.
 */
export function parseHandlingCode(input: string): HandlingCode | undefined {
  const trimmed = input.trim();
  const byId = BY_STIX_ID.get(trimmed.toLowerCase());
  if (byId) return byId;
  const colour = trimmed
    .toUpperCase()
    .replace(/^TLP\s*[:\-_ ]?\s*/, '')
    .replace(/\s*\+\s*/, '+')
    .replace(/^AMBER[\s_-]+STRICT$/, 'AMBER+STRICT');
  if (colour === 'WHITE') return 'TLP:CLEAR';
  const code = `TLP:${colour}`;
  return (HANDLING_CODES as readonly string[]).includes(code) ? (code as HandlingCode) : undefined;
}

/** The STIX 2.1 `object_marking_refs` entry for a handling code (TLP 2.0 marking definitions). */
export function handlingCodeStixMarkingRef(code: HandlingCode): string {
  return TLP_STIX_MARKING_IDS[code];
}

/** Whether `code` is at least as restrictive as `than` (TLP:RED is the most restrictive). */
export function isAtLeastAsRestrictive(code: HandlingCode, than: HandlingCode): boolean {
  return HANDLING_CODES.indexOf(code) <= HANDLING_CODES.indexOf(than);
}

/** The more restrictive of the given codes: what a combination of items must carry. */
export function mostRestrictive(codes: Iterable<HandlingCode>): HandlingCode | undefined {
  let best: HandlingCode | undefined;
  for (const code of codes) if (best === undefined || isAtLeastAsRestrictive(code, best)) best = code;
  return best;
}
