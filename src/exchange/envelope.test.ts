import { describe, expect, it } from 'vitest';
import { generateKey, type GeneratedKey, type PublicJwk } from './crypto/keys.js';
import { ephemeralMasterKey } from './crypto/master-key.js';
import { signJws } from './crypto/signatures.js';
import { sha256Digest } from './digests.js';
import { EnvelopeRejected, openEnvelope, sealEnvelope } from './envelope.js';
import type { MessageContent } from './protocol.js';
import { newId, nowIso } from '../store/ids.js';

interface Party {
  id: string;
  sig: GeneratedKey<'sig'>;
  enc: GeneratedKey<'enc'>;
}

async function party(): Promise<Party> {
  const mk = ephemeralMasterKey();
  const id = newId();
  return { id, sig: await generateKey(mk, id, 'sig'), enc: await generateKey(mk, id, 'enc') };
}

describe('envelopes', async () => {
  const [a, b, c] = [await party(), await party(), await party()];
  const parties = [a, b, c];
  const senderKey = (agencyId: string, kid: string): PublicJwk | undefined => {
    const p = parties.find((x) => x.id === agencyId);
    return p && p.sig.kid === kid ? p.sig.publicJwk : undefined;
  };
  const keysOf = (p: Party) => ({ senderKey, decryptionKey: (kid: string) => (kid === p.enc.kid ? p.enc.key : undefined) });
  const to = (...ps: Party[]) => ps.map((p) => ({ agencyId: p.id, kid: p.enc.kid, jwk: p.enc.publicJwk }));

  function message(over: Partial<MessageContent> = {}): MessageContent {
    const id = newId();
    return {
      type: 'message',
      v: 1,
      id,
      from: a.id,
      to: [b.id, c.id],
      created: nowIso(),
      thread: id,
      caseReference: 'OP-TEST-1',
      handling: { tlp: 'TLP:AMBER', restriction: { code: 'H2' } },
      priority: 'high',
      subject: 'Handle seen on a forum',
      body: 'Please check your holdings for this handle.',
      attachments: [],
      ...over,
    };
  }

  async function rejection(p: Promise<unknown>): Promise<string> {
    try {
      await p;
    } catch (err) {
      if (err instanceof EnvelopeRejected) return err.code;
      throw err;
    }
    return 'accepted';
  }

  it('seal a message that each recipient opens, with a routing document that reveals no content', async () => {
    const content = message();
    const env = await sealEnvelope({ content, signingKey: a.sig.key, recipients: to(b, c) });
    expect(env.routingDocument).toMatchObject({ id: content.id, kind: 'message', from: a.id, to: [b.id, c.id], caseReference: 'OP-TEST-1', handling: 'TLP:AMBER' });
    const routingPayload = Buffer.from(env.routing.split('.')[1]!, 'base64url').toString('utf8');
    const transported = env.routing + routingPayload + env.jwe;
    for (const secret of ['Handle seen', 'holdings', '"H2"', 'restriction', 'subject']) expect(transported).not.toContain(secret);
    for (const p of [b, c]) {
      const opened = await openEnvelope(env, p.id, keysOf(p));
      expect(opened.content).toEqual(content);
    }
  });

  it('reject a content signature by anyone but the sender (inner signature fails)', async () => {
    const content = message();
    // c signs content that claims to come from a, then wraps it with a's routing signature.
    const env = await sealEnvelope({ content, signingKey: c.sig.key, recipients: to(b, c) });
    const routing = await signJws(a.sig.key, 'tessera-routing+jws', env.routingDocument);
    expect(await rejection(openEnvelope({ routing, jwe: env.jwe }, b.id, keysOf(b)))).toBe('inner-signature');
  });

  it('reject a routing document not signed by the sender', async () => {
    const env = await sealEnvelope({ content: message(), signingKey: a.sig.key, recipients: to(b, c) });
    const routing = await signJws(c.sig.key, 'tessera-routing+jws', env.routingDocument);
    expect(await rejection(openEnvelope({ routing, jwe: env.jwe }, b.id, keysOf(b)))).toBe('routing-signature');
  });

  it('reject an envelope altered in transit', async () => {
    const env = await sealEnvelope({ content: message(), signingKey: a.sig.key, recipients: to(b, c) });
    const jwe = JSON.parse(env.jwe);
    const ct = Buffer.from(jwe.ciphertext, 'base64url');
    ct[3] = ct[3]! ^ 0x20;
    const altered = JSON.stringify({ ...jwe, ciphertext: ct.toString('base64url') });
    expect(await rejection(openEnvelope({ routing: env.routing, jwe: altered }, b.id, keysOf(b)))).toBe('altered');
    // Even with the digest re-signed by the sender (an insider), GCM still refuses the altered ciphertext.
    const routing = await signJws(a.sig.key, 'tessera-routing+jws', { ...env.routingDocument, jweDigest: sha256Digest(altered) });
    expect(await rejection(openEnvelope({ routing, jwe: altered }, b.id, keysOf(b)))).toBe('altered');
  });

  it('reject an envelope addressed to another agency', async () => {
    const env = await sealEnvelope({ content: message({ to: [c.id] }), signingKey: a.sig.key, recipients: to(c) });
    expect(await rejection(openEnvelope(env, b.id, keysOf(b)))).toBe('not-addressed');
    // Routed to b but sealed to c only.
    const routing = await signJws(a.sig.key, 'tessera-routing+jws', { ...env.routingDocument, to: [b.id] });
    expect(await rejection(openEnvelope({ routing, jwe: env.jwe }, b.id, keysOf(b)))).toBe('not-addressed');
    // Sealed to b, but the signed content names c only (a forwarded copy).
    const forwarded = await sealEnvelope({ content: message({ to: [c.id] }), signingKey: a.sig.key, recipients: to(b) });
    const rerouted = await signJws(a.sig.key, 'tessera-routing+jws', { ...forwarded.routingDocument, to: [b.id] });
    expect(await rejection(openEnvelope({ routing: rerouted, jwe: forwarded.jwe }, b.id, keysOf(b)))).toBe('inconsistent');
  });

  it('reject routing and content that disagree on the id', async () => {
    const env = await sealEnvelope({ content: message(), signingKey: a.sig.key, recipients: to(b, c) });
    const routing = await signJws(a.sig.key, 'tessera-routing+jws', { ...env.routingDocument, id: newId() });
    expect(await rejection(openEnvelope({ routing, jwe: env.jwe }, b.id, keysOf(b)))).toBe('inconsistent');
  });

  it('require every attachment chunk to be listed for routing', async () => {
    const attachment = { index: 0, id: newId(), name: 'a.bin', mediaType: 'application/octet-stream', size: 10, sha256: '0'.repeat(64), chunkSize: 1024 * 1024, chunks: 2, key: 'A'.repeat(43) };
    const content = message({ attachments: [attachment] });
    const part = (id: string) => ({ id, size: 100, digest: sha256Digest(id) });
    const ok = await sealEnvelope({ content, signingKey: a.sig.key, recipients: to(b, c), parts: [part('0.0'), part('0.1')] });
    expect((await openEnvelope(ok, b.id, keysOf(b))).content).toEqual(content);
    const short = await sealEnvelope({ content, signingKey: a.sig.key, recipients: to(b, c), parts: [part('0.0')] });
    expect(await rejection(openEnvelope(short, b.id, keysOf(b)))).toBe('inconsistent');
  });
});
