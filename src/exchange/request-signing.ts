import { randomBytes } from 'node:crypto';
import type { PrivateKey, PublicJwk } from './crypto/keys.js';
import { SignatureError, signJws, verifyJws } from './crypto/signatures.js';
import { sha256Digest } from './digests.js';
import { checkRequestClaims, type RequestClaims } from './protocol.js';

/**
 * Every node→hub request carries `Tessera-Signature: <compact JWS>` over the method, path (with query), the SHA-256 of
 * the exact body bytes, a timestamp and a random nonce, signed with the acting agency's current signing key. The hub
 * refuses bad signatures, timestamps more than five minutes from its clock, and nonces it has seen (it remembers them
 * for twice the window, after which the timestamp alone refuses the request).
 */
export const SIGNATURE_HEADER = 'tessera-signature';
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
export const NONCE_MEMORY_MS = 2 * MAX_CLOCK_SKEW_MS;

export async function signRequest(
  key: PrivateKey<'sig'>,
  request: { agency: string; method: string; path: string; body?: string | Uint8Array; digest?: string; now?: number; nonce?: string },
): Promise<string> {
  const claims: RequestClaims = {
    agency: request.agency,
    method: request.method.toUpperCase(),
    path: request.path,
    digest: request.digest ?? sha256Digest(request.body ?? ''),
    ts: new Date(request.now ?? Date.now()).toISOString(),
    nonce: request.nonce ?? randomBytes(18).toString('base64url'),
  };
  return signJws(key, 'tessera-request+jws', claims);
}

export type RequestRefusal = 'missing' | 'bad-signature' | 'wrong-request' | 'body-digest' | 'clock-skew' | 'replayed' | 'unknown-agency';

export class RequestSignatureError extends Error {
  constructor(
    public readonly code: RequestRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'RequestSignatureError';
  }
}

/**
 * Verifies a request's signature against what actually arrived. `bodyDigest` may be omitted for a streamed body: the
 * caller then compares `claims.digest` once the body has been read. Nonce replay is the caller's check (it needs
 * shared storage); the claims carry the nonce.
 */
export async function verifyRequest(
  header: string | undefined,
  actual: { method: string; path: string; bodyDigest?: string; now?: number },
  agencyKey: (agencyId: string, kid: string) => PublicJwk | undefined | Promise<PublicJwk | undefined>,
): Promise<RequestClaims> {
  if (!header) throw new RequestSignatureError('missing', 'the request is not signed (Tessera-Signature header)');
  let claimedAgency = '';
  try {
    const payload = JSON.parse(Buffer.from(header.split('.')[1] ?? '', 'base64url').toString('utf8')) as { agency?: unknown };
    if (typeof payload.agency === 'string') claimedAgency = payload.agency;
  } catch {
    throw new RequestSignatureError('bad-signature', 'the request signature is malformed');
  }
  let claims: unknown;
  try {
    claims = (await verifyJws(header, 'tessera-request+jws', (kid) => agencyKey(claimedAgency, kid))).payload;
  } catch (err) {
    if (err instanceof SignatureError) {
      throw new RequestSignatureError(/not known/.test(err.message) ? 'unknown-agency' : 'bad-signature', `the request signature fails: ${err.message}`);
    }
    throw err;
  }
  if (!checkRequestClaims.Check(claims)) throw new RequestSignatureError('bad-signature', 'the request signature claims are malformed');
  if (claims.method !== actual.method.toUpperCase() || claims.path !== actual.path) {
    throw new RequestSignatureError('wrong-request', 'the signature was made for another request');
  }
  if (actual.bodyDigest !== undefined && claims.digest !== actual.bodyDigest) {
    throw new RequestSignatureError('body-digest', 'the body does not match the signed digest');
  }
  const skew = Math.abs((actual.now ?? Date.now()) - Date.parse(claims.ts));
  if (!(skew <= MAX_CLOCK_SKEW_MS)) throw new RequestSignatureError('clock-skew', 'the request timestamp is more than 5 minutes from the hub clock; check the node clock (NTP)');
  return claims;
}
