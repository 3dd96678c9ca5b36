/**
 * File digests and PDQ hashes as selectors (fed from media, not from free text). Digests normalise to
 * `algorithm:lowerhex`; without a prefix the algorithm is inferred from the length (32 md5, 40 sha1, 64 sha256).
 * A PDQ hash is 64 hex digits, lower case.
 */
import { bad, ok, type Normalised } from './types.js';

const BY_LENGTH: Record<number, string> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };
const LENGTH: Record<string, number> = { md5: 32, sha1: 40, sha256: 64 };

export function normaliseFileDigest(raw: string): Normalised {
  const text = raw.trim().toLowerCase().replace(/^sha-(1|256)(?=[:=])/, 'sha$1');
  const m = /^(?:(md5|sha1|sha256)[:=])?([0-9a-f]+)$/.exec(text);
  if (!m) return bad(text, 'not a hex digest');
  const [, given, hex = ''] = m;
  const algorithm = given ?? BY_LENGTH[hex.length];
  if (!algorithm) return bad(text, 'digest length matches no supported algorithm (md5, sha1, sha256)');
  if (LENGTH[algorithm] !== hex.length) return bad(text, `${algorithm} digest must be ${LENGTH[algorithm]} hex digits`);
  if (/^0+$/.test(hex)) return bad(`${algorithm}:${hex}`, 'all-zero digest');
  return ok(`${algorithm}:${hex}`);
}

export function normalisePdq(raw: string): Normalised {
  const text = raw.trim().toLowerCase().replace(/^pdq:/, '');
  if (!/^[0-9a-f]{64}$/.test(text)) return bad(text, 'a PDQ hash is 64 hex digits');
  return ok(text);
}
