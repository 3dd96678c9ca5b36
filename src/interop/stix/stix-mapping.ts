/**
 * Selectors as STIX 2.1 cyber-observable objects, and the STIX patterns that indicators use to point at them.
 *
 * | selector          | STIX object                                                     |
 * |-------------------|-----------------------------------------------------------------|
 * | url               | url {value}                                                     |
 * | email             | email-addr {value}                                              |
 * | ip                | ipv4-addr / ipv6-addr {value}                                   |
 * | onion             | domain-name {value}                                             |
 * | handle            | user-account {user_id: name@platform, account_login, account_type: platform} |
 * | file-digest, pdq  | file {hashes: {MD5 / SHA-1 / SHA-256 / PDQ}}                    |
 * | phone, btc, eth, xmr, camera-serial | x-tessera-selector {selector_type, value}, a new SCO defined by the extension below |
 */
import type { SelectorType } from '../../intel/vocabulary.js';
import { derivedId, scoId } from './stix-ids.js';

export const TESSERA_SELECTOR_TYPE = 'x-tessera-selector';
export const TESSERA_SELECTOR_EXTENSION = derivedId('extension-definition', 'x-tessera-selector/1.0');

/** The extension-definition object that declares x-tessera-selector (STIX 2.1 §7.3). */
export function selectorExtensionDefinition(createdByRef: string): Record<string, unknown> {
  return {
    type: 'extension-definition',
    spec_version: '2.1',
    id: TESSERA_SELECTOR_EXTENSION,
    created_by_ref: createdByRef,
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    name: 'Tessera selector',
    description:
      'An investigative selector that STIX 2.1 has no observable for: a phone number (E.164), a cryptocurrency address ' +
      '(btc, eth, xmr) or a camera body serial number (make:serial). Properties: selector_type, value (normalised).',
    schema: 'Properties: selector_type (one of phone, btc, eth, xmr, camera-serial), value (string, the normalised selector); id contributing properties: selector_type, value.',
    version: '1.0.0',
    extension_types: ['new-sco'],
  };
}

const HASH_KEYS: Record<string, string> = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256' };

function platformOf(handle: string): { login: string; platform: string } {
  const at = handle.lastIndexOf('@');
  return at > 0 ? { login: handle.slice(0, at), platform: handle.slice(at + 1) } : { login: handle, platform: 'unknown' };
}

/** The SCO for a selector (without markings), and the STIX pattern matching it. */
export function selectorObservable(type: SelectorType, normalised: string): { object: Record<string, unknown> & { type: string; id: string }; pattern: string } {
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  switch (type) {
    case 'url':
      return { object: { type: 'url', spec_version: '2.1', id: scoId('url', { value: normalised }), value: normalised }, pattern: `[url:value = ${q(normalised)}]` };
    case 'email':
      return { object: { type: 'email-addr', spec_version: '2.1', id: scoId('email-addr', { value: normalised }), value: normalised }, pattern: `[email-addr:value = ${q(normalised)}]` };
    case 'ip': {
      const t = normalised.includes(':') ? 'ipv6-addr' : 'ipv4-addr';
      return { object: { type: t, spec_version: '2.1', id: scoId(t, { value: normalised }), value: normalised }, pattern: `[${t}:value = ${q(normalised)}]` };
    }
    case 'onion':
      return { object: { type: 'domain-name', spec_version: '2.1', id: scoId('domain-name', { value: normalised }), value: normalised }, pattern: `[domain-name:value = ${q(normalised)}]` };
    case 'handle': {
      const { login, platform } = platformOf(normalised);
      const contributing = { account_type: platform, user_id: normalised, account_login: login };
      return {
        object: { type: 'user-account', spec_version: '2.1', id: scoId('user-account', contributing), ...contributing },
        pattern: `[user-account:user_id = ${q(normalised)}]`,
      };
    }
    case 'file-digest': {
      const [algorithm = '', hex = ''] = normalised.split(':');
      const key = HASH_KEYS[algorithm] ?? algorithm.toUpperCase();
      const hashes = { [key]: hex };
      return { object: { type: 'file', spec_version: '2.1', id: scoId('file', { hashes }), hashes }, pattern: `[file:hashes.${q(key)} = ${q(hex)}]` };
    }
    case 'pdq': {
      const hashes = { PDQ: normalised };
      return { object: { type: 'file', spec_version: '2.1', id: scoId('file', { hashes }), hashes }, pattern: `[file:hashes.'PDQ' = ${q(normalised)}]` };
    }
    case 'phone':
    case 'btc':
    case 'eth':
    case 'xmr':
    case 'camera-serial': {
      const contributing = { selector_type: type, value: normalised };
      return {
        object: {
          type: TESSERA_SELECTOR_TYPE,
          spec_version: '2.1',
          id: scoId(TESSERA_SELECTOR_TYPE, contributing),
          ...contributing,
          extensions: { [TESSERA_SELECTOR_EXTENSION]: { extension_type: 'new-sco' } },
        },
        pattern: `[${TESSERA_SELECTOR_TYPE}:selector_type = ${q(type)} AND ${TESSERA_SELECTOR_TYPE}:value = ${q(normalised)}]`,
      };
    }
  }
}
