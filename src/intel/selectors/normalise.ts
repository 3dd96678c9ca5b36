/**
 * One entry point for normalising a selector of any type, used by extraction, by manual entry and by hit/no-hit
 * matching (DESIGN §9: tokens are HMAC(key, type ":" normalised)). Two agencies writing the same selector
 * differently must arrive at the same normalised string, so every rule here is deterministic and documented in
 * docs/selectors.md.
 */
import { isSelectorType, type SelectorType } from '../vocabulary.js';
import { normaliseBtc } from './btc.js';
import { normaliseCameraSerial } from './camera-serial.js';
import { normaliseFileDigest, normalisePdq } from './digest.js';
import { normaliseEmail } from './email.js';
import { normaliseEth } from './eth.js';
import { normaliseHandle } from './handle.js';
import { normaliseIp } from './ip.js';
import { normaliseOnion } from './onion.js';
import { normalisePhone } from './phone.js';
import { bad, type Normalised, type NormaliseOptions } from './types.js';
import { normaliseUrl } from './url.js';
import { normaliseXmr } from './xmr.js';

/** Longest raw value accepted; selectors are short and this bounds work on untrusted input. */
export const MAX_SELECTOR_LENGTH = 2048;

export function normaliseSelector(type: SelectorType, raw: string, opts: NormaliseOptions = {}): Normalised {
  if (raw.length > MAX_SELECTOR_LENGTH) return bad(raw.slice(0, 64), `longer than ${MAX_SELECTOR_LENGTH} characters`);
  switch (type) {
    case 'handle':
      return normaliseHandle(raw, opts.platform);
    case 'onion':
      return normaliseOnion(raw);
    case 'email':
      return normaliseEmail(raw);
    case 'phone':
      return normalisePhone(raw, opts.defaultRegion);
    case 'url':
      return normaliseUrl(raw);
    case 'ip':
      return normaliseIp(raw);
    case 'btc':
      return normaliseBtc(raw);
    case 'eth':
      return normaliseEth(raw);
    case 'xmr':
      return normaliseXmr(raw);
    case 'camera-serial':
      return normaliseCameraSerial(raw, opts.make);
    case 'file-digest':
      return normaliseFileDigest(raw);
    case 'pdq':
      return normalisePdq(raw);
  }
}

/**
 * The canonical string a match token is computed over: `type ":" normalised`. It takes the `normalised` output of
 * normaliseSelector and throws on anything else (an invalid value, a raw value, control characters), so a caller
 * cannot tokenise an unnormalised selector by accident.
 */
export function matchKeyInput(type: SelectorType, normalised: string): string {
  if (!isSelectorType(type)) throw new TypeError(`unknown selector type: ${String(type)}`);
  if (normalised.length === 0 || normalised.length > MAX_SELECTOR_LENGTH) {
    throw new RangeError('normalised selector value is empty or too long');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(normalised) || normalised !== normalised.trim()) {
    throw new RangeError('normalised selector value contains control characters or surrounding spaces');
  }
  // Normalisation is idempotent for valid values, so a value that changes again was never normalised (or is
  // invalid): tokenising it would produce a token nobody else can match.
  const again = normaliseSelector(type, normalised);
  if (!again.valid || again.normalised !== normalised) {
    throw new RangeError(`not a valid normalised ${type} value${again.reason ? `: ${again.reason}` : ''}`);
  }
  return `${type}:${normalised}`;
}
