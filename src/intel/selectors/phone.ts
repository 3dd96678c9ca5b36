/**
 * Phone numbers, normalised to E.164 with libphonenumber-js (full metadata, so validity is checked against each
 * country's number plan, not only its lengths). A number without an international prefix needs a region: the
 * case's country.
 */
import { Metadata, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { bad, ok, type Normalised } from './types.js';

export function normalisePhone(raw: string, defaultRegion?: CountryCode): Normalised {
  const text = raw.trim();
  const digits = text.replace(/\D/g, '');
  const international = /^\(?\s*(?:\+|00)/.test(text);
  if (digits.length < 5 || digits.length > 17) return bad(text, 'not a phone number');
  if (!international && !defaultRegion) {
    return bad(digits, 'national number without a region (give the case country)');
  }
  // "00" is the ITU-recommended international prefix; without a region (or where the region dials another one,
  // e.g. 011 in North America) we still read it as "+", which is how such numbers are written in reports.
  let parsed = parsePhoneNumberFromString(text, defaultRegion);
  if ((!parsed || !parsed.isValid()) && text.startsWith('00')) parsed = parsePhoneNumberFromString(`+${text.slice(2)}`);
  if (!parsed) return bad(international ? `+${digits.replace(/^00/, '')}` : digits, 'not a phone number');
  if (!parsed.isValid()) return bad(parsed.number, 'not a valid number in its country number plan');
  return ok(parsed.number);
}

const nationalPrefixCache = new Map<string, string | undefined>();

/** The trunk prefix a country's national numbers are dialled with ("0" in most of Europe, "1" in NANP), if any. */
export function nationalPrefix(region: CountryCode): string | undefined {
  if (nationalPrefixCache.has(region)) return nationalPrefixCache.get(region);
  const metadata = new Metadata();
  metadata.selectNumberingPlan(region);
  // The runtime numbering plan exposes nationalPrefix(); the published typings omit it.
  const plan = metadata.numberingPlan as unknown as { nationalPrefix?: () => string | undefined } | undefined;
  const prefix = plan?.nationalPrefix?.() || undefined;
  nationalPrefixCache.set(region, prefix);
  return prefix;
}
