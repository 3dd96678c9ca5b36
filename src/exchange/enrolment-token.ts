import { randomBytes } from 'node:crypto';
import { BadRequestError } from '../errors.js';

/**
 * An enrolment token carries a one-time secret and the thumbprint of the hub's signing key:
 * `tsn1.<secret>.<hub key id>`. The joining node checks the key the hub presents against it, so a party in the
 * middle of the first contact cannot slip in its own key: the key is pinned from a value the hub admin handed over.
 */
const PREFIX = 'tsn1';

export function newEnrolmentToken(hubKid: string): { token: string; secret: string } {
  const secret = randomBytes(24).toString('base64url');
  return { token: `${PREFIX}.${secret}.${hubKid}`, secret };
}

export function parseEnrolmentToken(token: string): { secret: string; hubKid: string } {
  const match = /^tsn1\.([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{43})$/.exec(token.trim());
  if (!match) throw new BadRequestError('This is not a Tessera enrolment token (tsn1.…); ask the hub administrator for a new one.', 'invalid-enrolment-token');
  return { secret: match[1]!, hubKid: match[2]! };
}
