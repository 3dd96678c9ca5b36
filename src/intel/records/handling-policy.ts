/**
 * What a handling code means inside one Tessera node, where several agencies may share a case. TLP 2.0 is written for
 * a source and its recipients; here the source is the record's originator agency and the recipients are the other
 * agencies taking part in the case. docs/intelligence.md states the same rules for people.
 *
 * | code             | who sees it in the node                  | export (STIX, MISP)    | send to another agency         |
 * |------------------|------------------------------------------|------------------------|--------------------------------|
 * | TLP:RED          | users of the originator agency only      | never                  | never                          |
 * | TLP:AMBER+STRICT | users of the originator agency only      | originator agency only | originator agency only         |
 * | TLP:AMBER        | every participating agency               | any participant        | originator; others only to the case's participants |
 * | TLP:GREEN        | every participating agency               | any participant        | any agency                     |
 * | TLP:CLEAR        | every participating agency               | any participant        | any agency                     |
 *
 * SIENA restrictions add to that: H2 ("not to be disseminated without the provider's permission") limits export and
 * sending to the originator agency whatever the colour; H0, H1 and H3 travel with the record as markings.
 *
 * RED and AMBER+STRICT look alike inside the node; they differ in what may leave it: AMBER+STRICT may go to the
 * originator's own tools (its organisation), RED stays in the node.
 */
import type { HandlingCode, HandlingRestriction } from '../vocabulary.js';

/** Codes whose records every participating agency of the case sees. */
export const SHARED_IN_CASE: readonly HandlingCode[] = ['TLP:AMBER', 'TLP:GREEN', 'TLP:CLEAR'];

export interface HandledItem {
  handlingCode: HandlingCode;
  originatorAgencyId: string;
  handlingRestrictions?: readonly HandlingRestriction[];
}

export interface Decision {
  allowed: boolean;
  /** Why not, in words for the person who asked (only when refused). */
  reason?: string;
}

const yes: Decision = { allowed: true };
const no = (reason: string): Decision => ({ allowed: false, reason });

/**
 * Whether users of `agencyId` may see the item, given that their agency takes part in the item's case (the case
 * policy has already said so). System actors (CLI, jobs) pass `null` and see everything: they act for the node.
 */
export function mayView(item: HandledItem, agencyId: string | null): boolean {
  if (agencyId === null) return true;
  return SHARED_IN_CASE.includes(item.handlingCode) || item.originatorAgencyId === agencyId;
}

function restrictedToProvider(item: HandledItem): boolean {
  return (item.handlingRestrictions ?? []).some((r) => r.code === 'H2');
}

/** Whether `agencyId` may put the item in a file that leaves the node (STIX bundle, MISP event). */
export function mayExport(item: HandledItem, agencyId: string | null): Decision {
  if (item.handlingCode === 'TLP:RED') return no('TLP:RED never leaves the node');
  const isOriginator = agencyId === null || agencyId === item.originatorAgencyId;
  if (!mayView(item, agencyId)) return no('not visible to your agency');
  if (item.handlingCode === 'TLP:AMBER+STRICT' && !isOriginator) return no('TLP:AMBER+STRICT: only the originator agency may export it');
  if (restrictedToProvider(item) && !isOriginator) return no("H2: not to be disseminated without the provider's permission");
  return yes;
}

/**
 * Whether `agencyId` may send the item to `recipients` (agency ids) through the exchange. `caseParticipants` are the
 * agencies taking part in the item's case: the need-to-know circle of TLP:AMBER.
 */
export function maySend(item: HandledItem, agencyId: string | null, recipients: readonly string[], caseParticipants: readonly string[]): Decision {
  if (item.handlingCode === 'TLP:RED') return no('TLP:RED is never sent');
  const isOriginator = agencyId === null || agencyId === item.originatorAgencyId;
  if (!mayView(item, agencyId)) return no('not visible to your agency');
  if (!isOriginator) {
    if (item.handlingCode === 'TLP:AMBER+STRICT') return no('TLP:AMBER+STRICT: only the originator agency may send it');
    if (restrictedToProvider(item)) return no("H2: not to be disseminated without the provider's permission");
    if (item.handlingCode === 'TLP:AMBER') {
      const outside = recipients.filter((r) => !caseParticipants.includes(r));
      if (outside.length > 0) return no('TLP:AMBER: only to agencies taking part in the case');
    }
  }
  return yes;
}
