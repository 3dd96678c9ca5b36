import type { Static } from 'typebox';
import type { CaseSharingSchema, HitSchema, MatchingStatusSchema, MessageDraftSchema, PolicySchema, SharedItemSchema, SyncResultSchema } from '../../../../src/matching/api-schemas.js';
import type { DisclosureMode, HitStatus, ItemKind } from '../../../../src/matching/vocabulary.js';
import type { HandlingCode } from '../../../../src/intel/vocabulary.js';

/* The matching API's shapes, derived from the server's schemas (type-only imports: no server code in the bundle). */
export type Hit = Static<typeof HitSchema>;
export type HitList = { items: Hit[]; total: number };
export type HitCounts = { new: number; needsDecision: number };
export type MessageDraft = Static<typeof MessageDraftSchema>;
export type Policy = Static<typeof PolicySchema>;
export type CaseSharing = Static<typeof CaseSharingSchema>;
export type SharedItem = Static<typeof SharedItemSchema>;
export type MatchingStatus = Static<typeof MatchingStatusSchema>;
export type SyncResult = Static<typeof SyncResultSchema>;
export type { DisclosureMode, HandlingCode, HitStatus, ItemKind };

export const HIT_STATUSES: HitStatus[] = ['new', 'acknowledged', 'in-contact', 'deconflicted', 'not-relevant'];

export const STATUS_LABELS: Record<HitStatus, string> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  'in-contact': 'In contact',
  deconflicted: 'Deconflicted',
  'not-relevant': 'Not relevant',
};

/** The next steps offered from each status (deconfliction only moves forward). */
export const NEXT_STATUSES: Record<HitStatus, HitStatus[]> = {
  new: ['acknowledged', 'in-contact', 'not-relevant'],
  acknowledged: ['in-contact', 'deconflicted', 'not-relevant'],
  'in-contact': ['deconflicted', 'not-relevant'],
  deconflicted: [],
  'not-relevant': [],
};

export const MODE_LABELS: Record<DisclosureMode, string> = {
  full: 'Both agencies see each other, the case reference and a summary of the item',
  contact: 'Both agencies see only that there is a hit and whom to contact',
  owner: 'Only my agency is told; it decides whether the other agency may know',
};

export const MODE_SHORT: Record<DisclosureMode, string> = {
  full: 'Full',
  contact: 'Contact only',
  owner: 'We decide',
};

export const TLP_CODES: HandlingCode[] = ['TLP:RED', 'TLP:AMBER+STRICT', 'TLP:AMBER', 'TLP:GREEN', 'TLP:CLEAR'];
