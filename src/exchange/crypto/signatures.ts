import './base64.js';
import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import { cryptoKeyOf, importPublicKey, type PrivateKey, type PublicJwk } from './keys.js';

/**
 * Compact JWS with Ed25519 (the fully-specified "Ed25519" algorithm of RFC 9864). Every signed object of the protocol
 * names its type in the protected `typ` header and verification insists on it, so a signature made for one purpose
 * (a request, a routing document) can never be passed off as another (a message, a directory).
 */
export const SIGNATURE_ALG = 'Ed25519';

export type SignedType =
  | 'tessera-request+jws'
  | 'tessera-routing+jws'
  | 'tessera-message+jws'
  | 'tessera-receipt+jws'
  | 'tessera-notice+jws'
  | 'tessera-directory+jws'
  | 'tessera-key-update+jws'
  | 'tessera-key-continuity+jws'
  | 'tessera-audit-checkpoint+jws';

export class SignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignatureError';
  }
}

const encoder = new TextEncoder();

export async function signJws(key: PrivateKey<'sig'>, typ: SignedType, payload: unknown): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify(payload))).setProtectedHeader({ alg: SIGNATURE_ALG, kid: key.kid, typ }).sign(cryptoKeyOf(key));
}

/** The key id a JWS claims, read without verifying (to find the key to verify it with). */
export function jwsKeyId(jws: string): string {
  try {
    const header = decodeProtectedHeader(jws);
    if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 100) throw new Error('no kid');
    return header.kid;
  } catch {
    throw new SignatureError('the signature header is malformed or names no key');
  }
}

export interface VerifiedJws<T> {
  kid: string;
  payload: T;
}

/**
 * Verifies a compact JWS of the expected type with the key its `kid` names, as `resolveKey` finds it (undefined: no
 * such key for this signer). Returns the parsed JSON payload. Every failure is a SignatureError.
 */
export async function verifyJws<T = unknown>(
  jws: string,
  typ: SignedType,
  resolveKey: (kid: string) => PublicJwk | undefined | Promise<PublicJwk | undefined>,
): Promise<VerifiedJws<T>> {
  if (typeof jws !== 'string' || jws.length > 8 * 1024 * 1024) throw new SignatureError('the signed document is missing or too large');
  const kid = jwsKeyId(jws);
  const jwk = await resolveKey(kid);
  if (!jwk || jwk.crv !== 'Ed25519') throw new SignatureError(`the signing key ${kid} is not known for this signer`);
  let result;
  try {
    result = await compactVerify(jws, await importPublicKey(jwk), { algorithms: [SIGNATURE_ALG] });
  } catch {
    throw new SignatureError('the signature does not verify');
  }
  if (result.protectedHeader.typ !== typ) throw new SignatureError(`expected a ${typ}, got ${String(result.protectedHeader.typ)}`);
  if (result.protectedHeader.crit !== undefined) throw new SignatureError('critical header extensions are not supported');
  try {
    return { kid, payload: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(result.payload)) as T };
  } catch {
    throw new SignatureError('the signed payload is not JSON');
  }
}
