import { describe, expect, it } from 'vitest';
import { generateKey } from './keys.js';
import { ephemeralMasterKey } from './master-key.js';
import { signJws, verifyJws } from './signatures.js';

describe('signatures', async () => {
  const mk = ephemeralMasterKey();
  const alice = await generateKey(mk, 'alice', 'sig');
  const mallory = await generateKey(mk, 'mallory', 'sig');
  const keys = new Map([[alice.kid, alice.publicJwk]]);

  it('verify a signed payload of the expected type', async () => {
    const jws = await signJws(alice.key, 'tessera-routing+jws', { id: 'm1', to: ['b'] });
    const v = await verifyJws(jws, 'tessera-routing+jws', (kid) => keys.get(kid));
    expect(v).toEqual({ kid: alice.kid, payload: { id: 'm1', to: ['b'] } });
  });

  it('refuse a signature made for another purpose (typ)', async () => {
    const jws = await signJws(alice.key, 'tessera-request+jws', { id: 'm1' });
    await expect(verifyJws(jws, 'tessera-routing+jws', (kid) => keys.get(kid))).rejects.toThrow(/expected a tessera-routing\+jws/);
  });

  it('refuse an altered payload, an unknown key and a key claiming another kid', async () => {
    const jws = await signJws(alice.key, 'tessera-message+jws', { amount: 1 });
    const [h, , s] = jws.split('.');
    const altered = `${h}.${Buffer.from(JSON.stringify({ amount: 2 })).toString('base64url')}.${s}`;
    await expect(verifyJws(altered, 'tessera-message+jws', (kid) => keys.get(kid))).rejects.toThrow(/does not verify/);
    const forged = await signJws(mallory.key, 'tessera-message+jws', { amount: 1 });
    await expect(verifyJws(forged, 'tessera-message+jws', (kid) => keys.get(kid))).rejects.toThrow(/not known/);
    // Mallory's signature presented under Alice's kid.
    const [, p2, s2] = forged.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'Ed25519', kid: alice.kid, typ: 'tessera-message+jws' })).toString('base64url');
    await expect(verifyJws(`${header}.${p2}.${s2}`, 'tessera-message+jws', (kid) => keys.get(kid))).rejects.toThrow(/does not verify/);
  });

  it('refuse unsigned (alg none) and garbage', async () => {
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: alice.kid, typ: 'tessera-message+jws' })).toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
    await expect(verifyJws(none, 'tessera-message+jws', (kid) => keys.get(kid))).rejects.toThrow();
    await expect(verifyJws('a.b.c', 'tessera-message+jws', (kid) => keys.get(kid))).rejects.toThrow(/malformed/);
  });
});
