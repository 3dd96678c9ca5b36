import { describe, expect, it } from 'vitest';
import { generateKey, type GeneratedKey } from './crypto/keys.js';
import { ephemeralMasterKey } from './crypto/master-key.js';
import { signJws } from './crypto/signatures.js';
import { followContinuity, signKeyContinuity, verifyKeyContinuity, type KeyPair } from './key-continuity.js';
import type { DirectoryMember } from './protocol.js';

const AGENCY = '01890000-0000-7000-8000-00000000000a';
const OTHER = '01890000-0000-7000-8000-00000000000b';

describe('key continuity', async () => {
  const mk = ephemeralMasterKey();
  const generation = async () => ({ sig: await generateKey(mk, AGENCY, 'sig'), enc: await generateKey(mk, AGENCY, 'enc') });
  const [g1, g2, g3] = [await generation(), await generation(), await generation()];
  const hub = await generation();
  const pair = (g: { sig: GeneratedKey<'sig'>; enc: GeneratedKey<'enc'> }): KeyPair => ({
    sig: { kid: g.sig.kid, jwk: g.sig.publicJwk, use: 'sig' },
    enc: { kid: g.enc.kid, jwk: g.enc.publicJwk, use: 'enc' },
  });
  const next = (g: { sig: GeneratedKey<'sig'>; enc: GeneratedKey<'enc'> }) => ({ sig: g.sig.kid, enc: g.enc.kid });
  /** A directory entry: every generation listed, the last one current. */
  const entry = (gens: { sig: GeneratedKey<'sig'>; enc: GeneratedKey<'enc'> }[], continuity: string[]): DirectoryMember => ({
    id: AGENCY,
    name: 'Agency A',
    country: 'PT',
    status: 'active',
    keys: gens.flatMap((g, i) =>
      [g.sig, g.enc].map((k) => ({ kid: k.kid, use: k.use, status: i === gens.length - 1 ? ('current' as const) : ('retired' as const), jwk: k.publicJwk as DirectoryMember['keys'][number]['jwk'] })),
    ),
    continuity,
  });

  it('verifies a proof signed by the old key for its agency, and refuses one for another agency or by another key', async () => {
    const proof = await signKeyContinuity(g1.sig.key, AGENCY, next(g2));
    expect(await verifyKeyContinuity(proof, { agency: AGENCY, from: pair(g1).sig })).toMatchObject({ agency: AGENCY, from: g1.sig.kid, to: next(g2) });
    await expect(verifyKeyContinuity(proof, { agency: OTHER, from: pair(g1).sig })).rejects.toThrow(/another agency/);
    await expect(verifyKeyContinuity(proof, { agency: AGENCY, from: pair(g2).sig })).rejects.toThrow(/does not verify/);
    // The same statement under another typ (e.g. a directory signature) is not a proof.
    const wrongTyp = await signJws(g1.sig.key, 'tessera-key-update+jws', { agency: AGENCY, from: g1.sig.kid, to: next(g2), created: new Date().toISOString() });
    await expect(verifyKeyContinuity(wrongTyp, { agency: AGENCY, from: pair(g1).sig })).rejects.toThrow(/does not verify/);
    // A key presented under another key's id.
    await expect(verifyKeyContinuity(proof, { agency: AGENCY, from: { ...pair(g1).sig, jwk: g2.sig.publicJwk } })).rejects.toThrow(/does not match its id/);
  });

  it('follows a chain of rotations from the pinned pair to the listed one', async () => {
    const p12 = await signKeyContinuity(g1.sig.key, AGENCY, next(g2));
    const p23 = await signKeyContinuity(g2.sig.key, AGENCY, next(g3));
    expect(await followContinuity(pair(g1), entry([g1], []))).toEqual({ status: 'same' });
    const outcome = await followContinuity(pair(g1), entry([g1, g2, g3], [p12, p23]));
    expect(outcome.status).toBe('followed');
    if (outcome.status !== 'followed') return;
    expect(outcome.steps.map((s) => s.keys.sig.kid)).toEqual([g2.sig.kid, g3.sig.kid]);
    expect(outcome.steps.map((s) => s.proof)).toEqual([p12, p23]);
    // From a later pin, only the rest of the chain.
    const later = await followContinuity(pair(g2), entry([g1, g2, g3], [p12, p23]));
    expect(later.status === 'followed' && later.steps.map((s) => s.keys.enc.kid)).toEqual([g3.enc.kid]);
  });

  it('reports keys listed without a proof, or with a proof by the wrong key, the wrong agency or naming other keys', async () => {
    const substituted = await followContinuity(pair(g1), entry([g1, hub], []));
    expect(substituted).toMatchObject({ status: 'broken', listed: { sig: { kid: hub.sig.kid } } });
    // The hub signs a proof with its own key (it holds no key of the agency).
    expect((await followContinuity(pair(g1), entry([g1, hub], [await signKeyContinuity(hub.sig.key, AGENCY, next(hub))]))).status).toBe('broken');
    // A genuine proof of another agency's rotation.
    const foreign = await signJws(g1.sig.key, 'tessera-key-continuity+jws', { agency: OTHER, from: g1.sig.kid, to: next(hub), created: new Date().toISOString() });
    expect((await followContinuity(pair(g1), entry([g1, hub], [foreign]))).status).toBe('broken');
    // A genuine proof naming g2, while the hub lists its own keys as current.
    expect((await followContinuity(pair(g1), entry([g1, g2, hub], [await signKeyContinuity(g1.sig.key, AGENCY, next(g2))]))).status).toBe('broken');
    // The signing key kept, the encryption key swapped: the pinned signing key vouches for no such key.
    const encSwapped = entry([g1], []);
    encSwapped.keys = encSwapped.keys.map((k) => (k.use === 'enc' ? { ...k, kid: hub.enc.kid, jwk: hub.enc.publicJwk as typeof k.jwk } : k));
    expect((await followContinuity(pair(g1), encSwapped)).status).toBe('broken');
  });

  it('does not take the kid the hub writes beside a key: a foreign key under the pinned id is refused', async () => {
    const relabelled = entry([g1], []);
    relabelled.keys = relabelled.keys.map((k) => (k.use === 'enc' ? { ...k, jwk: hub.enc.publicJwk as typeof k.jwk } : k));
    expect(await followContinuity(pair(g1), relabelled)).toMatchObject({ status: 'broken', reason: expect.stringMatching(/not the thumbprints/) });
  });
});
