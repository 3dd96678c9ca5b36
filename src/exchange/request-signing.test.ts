import { describe, expect, it } from 'vitest';
import { generateKey } from './crypto/keys.js';
import { ephemeralMasterKey } from './crypto/master-key.js';
import { sha256Digest } from './digests.js';
import { RequestSignatureError, signRequest, verifyRequest } from './request-signing.js';

describe('request signatures', async () => {
  const agency = '01890000-0000-7000-8000-000000000001';
  const key = await generateKey(ephemeralMasterKey(), agency, 'sig');
  const other = await generateKey(ephemeralMasterKey(), agency, 'sig');
  const lookup = (a: string, kid: string) => (a === agency && kid === key.kid ? key.publicJwk : undefined);
  const body = JSON.stringify({ ids: ['x'] });

  async function refusal(p: Promise<unknown>): Promise<string> {
    try {
      await p;
      return 'accepted';
    } catch (err) {
      if (err instanceof RequestSignatureError) return err.code;
      throw err;
    }
  }

  it('accept the request it was made for', async () => {
    const header = await signRequest(key.key, { agency, method: 'post', path: '/hub/v1/ack', body });
    const claims = await verifyRequest(header, { method: 'POST', path: '/hub/v1/ack', bodyDigest: sha256Digest(body) }, lookup);
    expect(claims).toMatchObject({ agency, method: 'POST', path: '/hub/v1/ack', digest: sha256Digest(body) });
    expect(claims.nonce).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it('refuse another path, method or body, an unknown key, a missing header and a skewed clock', async () => {
    const header = await signRequest(key.key, { agency, method: 'POST', path: '/hub/v1/ack', body });
    expect(await refusal(verifyRequest(header, { method: 'POST', path: '/hub/v1/ack?x=1', bodyDigest: sha256Digest(body) }, lookup))).toBe('wrong-request');
    expect(await refusal(verifyRequest(header, { method: 'PUT', path: '/hub/v1/ack', bodyDigest: sha256Digest(body) }, lookup))).toBe('wrong-request');
    expect(await refusal(verifyRequest(header, { method: 'POST', path: '/hub/v1/ack', bodyDigest: sha256Digest('{}') }, lookup))).toBe('body-digest');
    const forged = await signRequest(other.key, { agency, method: 'POST', path: '/hub/v1/ack', body });
    expect(await refusal(verifyRequest(forged, { method: 'POST', path: '/hub/v1/ack', bodyDigest: sha256Digest(body) }, lookup))).toBe('unknown-agency');
    expect(await refusal(verifyRequest(undefined, { method: 'POST', path: '/hub/v1/ack' }, lookup))).toBe('missing');
    const late = await signRequest(key.key, { agency, method: 'POST', path: '/hub/v1/ack', body, now: Date.now() - 6 * 60_000 });
    expect(await refusal(verifyRequest(late, { method: 'POST', path: '/hub/v1/ack', bodyDigest: sha256Digest(body) }, lookup))).toBe('clock-skew');
    const early = await signRequest(key.key, { agency, method: 'POST', path: '/hub/v1/ack', body, now: Date.now() + 4 * 60_000 });
    expect(await refusal(verifyRequest(early, { method: 'POST', path: '/hub/v1/ack', bodyDigest: sha256Digest(body) }, lookup))).toBe('accepted');
  });
});
