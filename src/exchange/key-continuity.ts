import { keyId, parsePublicJwk, type PrivateKey, type PublicJwk } from './crypto/keys.js';
import { jwsKeyId, signJws, verifyJws } from './crypto/signatures.js';
import { nowIso } from '../store/ids.js';
import { checkKeyContinuity, type DirectoryMember, type KeyContinuity } from './protocol.js';

/**
 * Key continuity: a member that rotates signs, with the signing key it is leaving, the ids of the keys that follow
 * (RFC 7638 thumbprints, so an id names exactly one key). The hub checks and publishes these proofs; every node
 * follows them from the keys it pinned, so a key the hub lists without such a chain is never used.
 */
export const CONTINUITY_TYP = 'tessera-key-continuity+jws';

export class ContinuityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContinuityError';
  }
}

export interface KeyRef<U extends 'sig' | 'enc' = 'sig' | 'enc'> {
  kid: string;
  jwk: PublicJwk;
  use: U;
}

/** A signing key and the encryption key it vouches for. */
export interface KeyPair {
  sig: KeyRef<'sig'>;
  enc: KeyRef<'enc'>;
}

export async function signKeyContinuity(current: PrivateKey<'sig'>, agency: string, next: { sig: string; enc: string }): Promise<string> {
  const payload: KeyContinuity = { agency, from: current.kid, to: { sig: next.sig, enc: next.enc }, created: nowIso() };
  return signJws(current, CONTINUITY_TYP, payload);
}

/**
 * Verifies a continuity proof (untrusted input) that `from` must have signed for `agency`. `from.kid` is checked
 * against its JWK, so a caller cannot be led to accept a key under another key's id.
 */
export async function verifyKeyContinuity(jws: string, expected: { agency: string; from: { kid: string; jwk: PublicJwk } }): Promise<KeyContinuity> {
  if ((await keyId(expected.from.jwk)) !== expected.from.kid) throw new ContinuityError('the key expected to sign the proof does not match its id');
  let payload: unknown;
  try {
    payload = (await verifyJws(jws, CONTINUITY_TYP, (kid) => (kid === expected.from.kid ? expected.from.jwk : undefined))).payload;
  } catch (err) {
    throw new ContinuityError(`the continuity proof does not verify with key ${expected.from.kid}: ${(err as Error).message}`);
  }
  if (!checkKeyContinuity.Check(payload)) throw new ContinuityError('the continuity proof does not follow the protocol');
  if (payload.agency !== expected.agency) throw new ContinuityError('the continuity proof was made for another agency');
  if (payload.from !== expected.from.kid) throw new ContinuityError('the continuity proof names another key as its signer');
  return payload;
}

/**
 * The keys a directory entry lists, indexed by the thumbprint of each JWK (the `kid` the hub wrote beside it is not
 * trusted: an entry whose kid is not its key's thumbprint is left out).
 */
async function listedKeys(member: DirectoryMember): Promise<{ byKid: Map<string, KeyRef>; current: { sig?: KeyRef<'sig'>; enc?: KeyRef<'enc'> }; mislabelled: string[] }> {
  const byKid = new Map<string, KeyRef>();
  const current: { sig?: KeyRef<'sig'>; enc?: KeyRef<'enc'> } = {};
  const mislabelled: string[] = [];
  for (const k of member.keys) {
    let jwk: PublicJwk;
    try {
      jwk = parsePublicJwk(k.jwk, k.use);
    } catch {
      mislabelled.push(k.kid);
      continue;
    }
    const kid = await keyId(jwk);
    if (kid !== k.kid) {
      mislabelled.push(k.kid);
      continue;
    }
    const ref = { kid, jwk, use: k.use } as KeyRef;
    byKid.set(kid, ref);
    if (k.status === 'current') {
      if (k.use === 'sig') current.sig = ref as KeyRef<'sig'>;
      else current.enc = ref as KeyRef<'enc'>;
    }
  }
  return { byKid, current, mislabelled };
}

/** The current pair a directory entry lists, or why it has none usable. */
export async function currentKeysOf(member: DirectoryMember): Promise<KeyPair | { problem: string }> {
  const { current, mislabelled } = await listedKeys(member);
  if (mislabelled.length > 0) return { problem: `key id(s) ${mislabelled.join(', ')} are not the thumbprints of the keys listed with them` };
  if (!current.sig || !current.enc) return { problem: 'no current signing and encryption key is listed' };
  return { sig: current.sig, enc: current.enc };
}

export type ContinuityOutcome =
  | { status: 'same' }
  | { status: 'followed'; steps: { keys: KeyPair; proof: string }[] }
  | { status: 'broken'; reason: string; listed: KeyPair | undefined };

const samePair = (a: KeyPair, b: KeyPair) => a.sig.kid === b.sig.kid && a.enc.kid === b.enc.kid;

/**
 * From the pair pinned here, follows the member's continuity proofs (each signed by the previous signing key, naming
 * the next pair) to the pair the directory lists as current. `broken` when no such chain exists: the listed keys may
 * be the hub's own.
 */
export async function followContinuity(pinned: KeyPair, member: DirectoryMember): Promise<ContinuityOutcome> {
  const listed = await currentKeysOf(member);
  if ('problem' in listed) return { status: 'broken', reason: listed.problem, listed: undefined };
  if (samePair(pinned, listed)) return { status: 'same' };
  const { byKid } = await listedKeys(member);
  const proofs = member.continuity ?? [];
  const steps: { keys: KeyPair; proof: string }[] = [];
  const visited = new Set<string>();
  let from: KeyRef<'sig'> = pinned.sig;
  while (!visited.has(from.kid) && steps.length <= proofs.length) {
    visited.add(from.kid);
    let next: { keys: KeyPair; proof: string } | undefined;
    // The latest valid proof by this key wins (a member signs one per rotation; a later one would supersede it).
    for (const proof of proofs) {
      let signer: string;
      try {
        signer = jwsKeyId(proof);
      } catch {
        continue;
      }
      if (signer !== from.kid) continue;
      let claim: KeyContinuity;
      try {
        claim = await verifyKeyContinuity(proof, { agency: member.id, from });
      } catch {
        continue;
      }
      const sig = byKid.get(claim.to.sig);
      const enc = byKid.get(claim.to.enc);
      if (sig?.use !== 'sig' || enc?.use !== 'enc') continue;
      next = { keys: { sig: sig as KeyRef<'sig'>, enc: enc as KeyRef<'enc'> }, proof };
    }
    if (!next) break;
    steps.push(next);
    if (samePair(next.keys, listed)) return { status: 'followed', steps };
    from = next.keys.sig;
  }
  return { status: 'broken', reason: `no chain of continuity proofs leads from signing key ${pinned.sig.kid} to the listed keys`, listed };
}
