import { describe, expect, it } from 'vitest';
import { generateKey, keyId, openPrivateKey, parsePublicJwk } from './keys.js';
import { ephemeralMasterKey } from './master-key.js';
import { signJws, verifyJws } from './signatures.js';

describe('agency keys', () => {
  it('generates Ed25519 and X25519 pairs whose kid is the RFC 7638 thumbprint of the public half', async () => {
    const mk = ephemeralMasterKey();
    const sig = await generateKey(mk, 'agency-1', 'sig');
    const enc = await generateKey(mk, 'agency-1', 'enc');
    expect(sig.publicJwk.crv).toBe('Ed25519');
    expect(enc.publicJwk.crv).toBe('X25519');
    expect(sig.kid).toBe(await keyId(sig.publicJwk));
    expect(Object.keys(sig.publicJwk).sort()).toEqual(['crv', 'kty', 'x']);
    // The sealed form does not contain the public x either in clear (it is AES-GCM under the master key).
    expect(sig.sealed.toString('latin1')).not.toContain(sig.publicJwk.x);
  });

  it('opens a sealed private key only under the same master key, owner and kid', async () => {
    const mk = ephemeralMasterKey();
    const sig = await generateKey(mk, 'agency-1', 'sig');
    const opened = await openPrivateKey(mk, 'agency-1', sig.kid, 'sig', sig.sealed);
    const jws = await signJws(opened, 'tessera-message+jws', { hello: 1 });
    expect((await verifyJws(jws, 'tessera-message+jws', () => sig.publicJwk)).payload).toEqual({ hello: 1 });
    await expect(openPrivateKey(ephemeralMasterKey(), 'agency-1', sig.kid, 'sig', sig.sealed)).rejects.toThrow();
    await expect(openPrivateKey(mk, 'agency-2', sig.kid, 'sig', sig.sealed)).rejects.toThrow();
    await expect(openPrivateKey(mk, 'agency-1', sig.kid, 'enc', sig.sealed)).rejects.toThrow(/not a enc key/);
  });

  it('keeps private key handles opaque', async () => {
    const sig = await generateKey(ephemeralMasterKey(), 'a', 'sig');
    expect(JSON.stringify(sig.key)).toBe(JSON.stringify({ kid: sig.kid, use: 'sig' }));
  });

  it('refuses public keys with private members, wrong curves or malformed x', () => {
    const x = 'c2BwSE9nHX3F9k-B5Xj9m6fiZIzpLmK0Drl9ANSe0Qs';
    expect(parsePublicJwk({ kty: 'OKP', crv: 'Ed25519', x, alg: 'EdDSA', use: 'sig' })).toEqual({ kty: 'OKP', crv: 'Ed25519', x });
    expect(() => parsePublicJwk({ kty: 'OKP', crv: 'Ed25519', x, d: x })).toThrow(/private/);
    expect(() => parsePublicJwk({ kty: 'OKP', crv: 'Ed25519', x }, 'enc')).toThrow(/X25519/);
    expect(() => parsePublicJwk({ kty: 'EC', crv: 'P-256', x })).toThrow();
    expect(() => parsePublicJwk({ kty: 'OKP', crv: 'X25519', x: 'short' })).toThrow(/32-byte/);
    expect(() => parsePublicJwk('nope')).toThrow();
  });
});
