import './base64.js';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { openSecret, sealSecret, type MasterKey } from './master-key.js';

/**
 * Agency (and hub) key pairs: Ed25519 for signatures, X25519 for encryption (ECDH-ES+A256KW). Private halves exist in
 * two forms only: sealed bytes under the node master key (what the database stores) and non-extractable WebCrypto keys
 * behind an opaque handle (what the sealing and signing functions of this folder accept). Nothing outside
 * `exchange/crypto` can reach the key bytes.
 */
export type KeyUse = 'sig' | 'enc';

const CURVE: Record<KeyUse, 'Ed25519' | 'X25519'> = { sig: 'Ed25519', enc: 'X25519' };
const SEAL_PURPOSE = 'exchange-private-key';

declare const publicJwkBrand: unique symbol;
/** A public OKP key as it travels in directories and headers: only kty, crv and x, checked by `parsePublicJwk`. */
export type PublicJwk = { readonly kty: 'OKP'; readonly crv: 'Ed25519' | 'X25519'; readonly x: string } & { readonly [publicJwkBrand]: true };

declare const privateKeyBrand: unique symbol;
/** A private key usable by this folder's functions; holds no bytes a caller could read. */
export interface PrivateKey<U extends KeyUse = KeyUse> {
  readonly [privateKeyBrand]: U;
  readonly kid: string;
  readonly use: U;
}

const cryptoKeys = new WeakMap<PrivateKey, CryptoKey>();

/** The WebCrypto key behind a handle; only the sibling modules of this folder call it. */
export function cryptoKeyOf(key: PrivateKey): CryptoKey {
  const k = cryptoKeys.get(key);
  if (!k) throw new Error('not a private key handle of this process');
  return k;
}

function handle<U extends KeyUse>(kid: string, use: U, key: CryptoKey): PrivateKey<U> {
  const h = Object.freeze({ kid, use }) as unknown as PrivateKey<U>;
  cryptoKeys.set(h, key);
  return h;
}

/**
 * Validates a public key from an untrusted source (a directory, a join request) and keeps only its public members. A
 * JWK carrying a private member is refused rather than stripped: whoever sent it has leaked a key and must know.
 */
export function parsePublicJwk(value: unknown, use?: KeyUse): PublicJwk {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('a public key must be a JWK object');
  const v = value as Record<string, unknown>;
  if ('d' in v) throw new Error('the JWK carries a private key member (d)');
  if (v.kty !== 'OKP') throw new Error('the JWK must be an OKP key');
  if (v.crv !== 'Ed25519' && v.crv !== 'X25519') throw new Error('the JWK must be an Ed25519 or X25519 key');
  if (use && v.crv !== CURVE[use]) throw new Error(`a ${use === 'sig' ? 'signing' : 'encryption'} key must use ${CURVE[use]}`);
  if (typeof v.x !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(v.x)) throw new Error('the JWK x member is not a 32-byte base64url value');
  return { kty: 'OKP', crv: v.crv, x: v.x } as PublicJwk;
}

export function keyUseOf(jwk: PublicJwk): KeyUse {
  return jwk.crv === 'Ed25519' ? 'sig' : 'enc';
}

/** RFC 7638 thumbprint (SHA-256): the key id everywhere in the protocol. */
export function keyId(jwk: PublicJwk): Promise<string> {
  return calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, 'sha256');
}

export interface GeneratedKey<U extends KeyUse> {
  kid: string;
  use: U;
  publicJwk: PublicJwk;
  /** The private JWK sealed under the master key, bound to owner and kid. */
  sealed: Buffer;
  key: PrivateKey<U>;
}

function sealContext(ownerId: string, kid: string): string {
  return `${ownerId}/${kid}`;
}

function algorithmFor(use: KeyUse): string {
  return use === 'sig' ? 'Ed25519' : 'ECDH-ES+A256KW';
}

export async function generateKey<U extends KeyUse>(masterKey: MasterKey, ownerId: string, use: U): Promise<GeneratedKey<U>> {
  const pair = await generateKeyPair(algorithmFor(use), { crv: CURVE[use], extractable: true });
  const publicJwk = parsePublicJwk(await exportJWK(pair.publicKey), use);
  const kid = await keyId(publicJwk);
  const privateJwk = await exportJWK(pair.privateKey);
  const sealed = sealSecret(masterKey, SEAL_PURPOSE, Buffer.from(JSON.stringify(privateJwk), 'utf8'), sealContext(ownerId, kid));
  // The extractable pair goes out of scope here; the handle holds a non-extractable re-import.
  const key = await importJWK(privateJwk, algorithmFor(use), { extractable: false });
  return { kid, use, publicJwk, sealed, key: handle(kid, use, key as CryptoKey) };
}

/** Opens a sealed private key for use in this process; fails if the bytes were moved to another owner or kid. */
export async function openPrivateKey<U extends KeyUse>(masterKey: MasterKey, ownerId: string, kid: string, use: U, sealed: Buffer): Promise<PrivateKey<U>> {
  const jwk = JSON.parse(openSecret(masterKey, SEAL_PURPOSE, sealed, sealContext(ownerId, kid)).toString('utf8')) as JWK;
  if (jwk.crv !== CURVE[use]) throw new Error(`sealed key ${kid} is not a ${use} key`);
  const key = await importJWK(jwk, algorithmFor(use), { extractable: false });
  return handle(kid, use, key as CryptoKey);
}

// Imported public keys, by curve and x: importing costs more than a verification on the hub's hot path.
const publicKeyCache = new Map<string, CryptoKey>();

/** Imports a public key for verification or encryption (sibling modules only). */
export async function importPublicKey(jwk: PublicJwk): Promise<CryptoKey> {
  const cacheKey = `${jwk.crv}:${jwk.x}`;
  let key = publicKeyCache.get(cacheKey);
  if (!key) {
    key = (await importJWK({ ...jwk }, keyUseOf(jwk) === 'sig' ? 'Ed25519' : 'ECDH-ES+A256KW')) as CryptoKey;
    if (publicKeyCache.size > 10_000) publicKeyCache.clear();
    publicKeyCache.set(cacheKey, key);
  }
  return key;
}
