import { Type } from 'typebox';
import { HANDLING_CODES, type HandlingCode } from '../intel/vocabulary.js';

/**
 * What an agency lets the other side of a hit learn about its item (DESIGN §9), chosen per handling code:
 * - `full`: the other agency, its case reference and an item summary;
 * - `contact`: only that a hit exists and which agency to contact;
 * - `owner`: nothing until the owner has looked at the hit and accepted (accept → contact level; decline → never).
 */
export const DISCLOSURE_MODES = ['full', 'contact', 'owner'] as const;
export type DisclosureMode = (typeof DISCLOSURE_MODES)[number];
export const DisclosureModeSchema = Type.Enum(DISCLOSURE_MODES);

export const DEFAULT_POLICY: Readonly<Record<HandlingCode, DisclosureMode>> = {
  'TLP:RED': 'owner',
  'TLP:AMBER+STRICT': 'contact',
  'TLP:AMBER': 'full',
  'TLP:GREEN': 'full',
  'TLP:CLEAR': 'full',
};

/** Items are shared by default when handled TLP:AMBER or lower (less restrictive); an override can say otherwise. */
export function sharedByDefault(handling: HandlingCode): boolean {
  return HANDLING_CODES.indexOf(handling) >= HANDLING_CODES.indexOf('TLP:AMBER');
}

/** Media carry no handling code of their own: a case's media are matched under this one unless the case says. */
export const DEFAULT_MEDIA_HANDLING: HandlingCode = 'TLP:AMBER';

export const ITEM_KINDS = ['selector', 'media'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];
export const ItemKindSchema = Type.Enum(ITEM_KINDS);

/** Deconfliction: a hit moves forward only; the last two are final. */
export const HIT_STATUSES = ['new', 'acknowledged', 'in-contact', 'deconflicted', 'not-relevant'] as const;
export type HitStatus = (typeof HIT_STATUSES)[number];
export const HitStatusSchema = Type.Enum(HIT_STATUSES);

export function canMoveTo(from: HitStatus, to: HitStatus): boolean {
  if (from === 'deconflicted' || from === 'not-relevant') return false;
  return HIT_STATUSES.indexOf(to) > HIT_STATUSES.indexOf(from);
}

export const HIT_BASES = ['exact', 'near'] as const;
export type HitBasis = (typeof HIT_BASES)[number];

export const DECISIONS = ['accepted', 'declined'] as const;
export type Decision = (typeof DECISIONS)[number];

/** One side's knowledge of a hit, from both items' disclosure modes and decisions. */
export interface SideView {
  /** This side is told the hit exists. */
  visible: boolean;
  /** This side may learn which agency holds the other item. */
  otherKnown: boolean;
  /** This side's owner-only item waits for its decision. */
  needsDecision: boolean;
}

export function sideView(mine: { mode: DisclosureMode; decision: Decision | null }, other: { mode: DisclosureMode; decision: Decision | null }): SideView {
  const otherKnown = other.mode !== 'owner' || other.decision === 'accepted';
  // An owner-only item's holder is always told, so that it can decide; it learns nothing about the other side
  // unless that side allows it.
  const visible = other.decision !== 'declined' && (mine.mode === 'owner' || otherKnown);
  return { visible, otherKnown: visible && otherKnown, needsDecision: visible && mine.mode === 'owner' && mine.decision === null };
}
