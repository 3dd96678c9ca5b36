/**
 * Selectors ⇄ MISP attribute types. MISP has a type for most of our selectors; the rest travel as `text` with a
 * comment that starts `tessera:<selector type>`, which our import reads back (other tools show the comment).
 */
import type { SelectorType } from '../../intel/vocabulary.js';

export const ANNOTATION_TEMPLATE = { uuid: '5d8dc046-15a1-4ca3-a09f-ed4ede7c4487', version: '3' };
export const USER_ACCOUNT_TEMPLATE = { uuid: '49606b06-22f0-4ac8-8eee-2f12ad46f3d3', version: '6' };

export const TESSERA_COMMENT = /^tessera:([a-z-]+)\b/;

export function mispAttributeFor(type: SelectorType, normalised: string): { type: string; category: string; value: string; comment: string } {
  const tagged = (category: string, what: string) => ({ type: 'text', category, value: normalised, comment: `tessera:${type} ${what}` });
  switch (type) {
    case 'url':
      return { type: 'url', category: 'Network activity', value: normalised, comment: '' };
    case 'email':
      return { type: 'email', category: 'Social network', value: normalised, comment: '' };
    case 'ip':
      return { type: 'ip-dst', category: 'Network activity', value: normalised, comment: '' };
    case 'onion':
      return { type: 'onion-address', category: 'Network activity', value: normalised, comment: '' };
    case 'btc':
      return { type: 'btc', category: 'Financial fraud', value: normalised, comment: '' };
    case 'xmr':
      return { type: 'xmr', category: 'Financial fraud', value: normalised, comment: '' };
    case 'phone':
      return { type: 'phone-number', category: 'Other', value: normalised, comment: '' };
    case 'file-digest': {
      const [algorithm = 'sha256', hex = ''] = normalised.split(':');
      return { type: algorithm, category: 'Artifacts dropped', value: hex, comment: '' };
    }
    case 'handle':
      return tagged('Social network', 'online handle (name@platform)');
    case 'eth':
      return tagged('Financial fraud', 'Ethereum address (EIP-55)');
    case 'camera-serial':
      return tagged('Other', 'camera body serial number (make:serial)');
    case 'pdq':
      return tagged('Artifacts dropped', 'PDQ perceptual hash (hex)');
  }
}

/**
 * The selector type a MISP attribute maps to, or null when Tessera does not model it. `value` may need splitting
 * (MISP's composite types such as `ip-dst|port`), done by the caller.
 */
export function selectorTypeFor(attributeType: string, value: string, comment: string | undefined): { type: SelectorType; value: string } | null {
  const tagged = comment ? TESSERA_COMMENT.exec(comment) : null;
  if (tagged && ['handle', 'eth', 'camera-serial', 'pdq'].includes(tagged[1]!)) return { type: tagged[1] as SelectorType, value };
  const first = value.split('|')[0] ?? value;
  switch (attributeType) {
    case 'url':
    case 'link':
    case 'uri':
      return { type: 'url', value };
    case 'email':
    case 'email-src':
    case 'email-dst':
    case 'target-email':
    case 'whois-registrant-email':
      return { type: 'email', value };
    case 'ip-src':
    case 'ip-dst':
    case 'ip-src|port':
    case 'ip-dst|port':
      return { type: 'ip', value: first };
    case 'onion-address':
      return { type: 'onion', value };
    case 'domain':
    case 'hostname':
    case 'domain|ip':
      return first.toLowerCase().endsWith('.onion') ? { type: 'onion', value: first } : null;
    case 'btc':
      return { type: 'btc', value };
    case 'xmr':
      return { type: 'xmr', value };
    case 'phone-number':
    case 'whois-registrant-phone':
      return { type: 'phone', value };
    case 'md5':
    case 'sha1':
    case 'sha256':
      return { type: 'file-digest', value: `${attributeType}:${value}` };
    case 'filename|md5':
    case 'filename|sha1':
    case 'filename|sha256':
      return { type: 'file-digest', value: `${attributeType.slice(9)}:${value.split('|')[1] ?? ''}` };
    case 'github-username':
      return { type: 'handle', value: `${value}@github` };
    case 'twitter-id':
      return { type: 'handle', value: `${value}@twitter` };
    case 'jabber-id':
      return { type: 'handle', value };
    default:
      return null;
  }
}
