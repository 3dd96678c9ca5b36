import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/exchange/crypto/keys.js';
import { ephemeralMasterKey } from '../../src/exchange/crypto/master-key.js';
import { signJws } from '../../src/exchange/crypto/signatures.js';
import { sha256Digest } from '../../src/exchange/digests.js';
import { sealEnvelope } from '../../src/exchange/envelope.js';
import { HubRefusedError } from '../../src/exchange/node/hub-client.js';
import type { MessageContent } from '../../src/exchange/protocol.js';
import { signRequest, SIGNATURE_HEADER } from '../../src/exchange/request-signing.js';
import { newId, nowIso } from '../../src/store/ids.js';
import { eventually, startNetwork, system, userCtx, type TestNetwork, type TestNode } from './support.js';

/**
 * Whatever arrives must prove who sent it, that nobody changed it, that it is for us, and that it is new. Each attack
 * is played end to end through the real hub and nodes; a refused envelope is stored as a rejection and shown to
 * nobody.
 */
describe('verification of what arrives', () => {
  let net: TestNetwork;
  beforeAll(async () => {
    net = await startNetwork();
  }, 180_000);
  afterAll(async () => net?.close());

  function content(from: string, to: string[], over: Partial<MessageContent> = {}): MessageContent {
    const id = newId();
    return { type: 'message', v: 1, id, from, to, created: nowIso(), thread: id, handling: { tlp: 'TLP:RED' }, priority: 'normal', subject: 'Crafted', body: 'crafted body', attachments: [], ...over };
  }

  async function encKey(node: TestNode, agencyId: string) {
    const k = (await node.services.exchange.keys.publicKeys(agencyId)).find((x) => x.use === 'enc' && x.status === 'current')!;
    return { agencyId, kid: k.kid, jwk: k.jwk };
  }

  async function rejectionFor(node: TestNode, agencyId: string, envelopeId: string) {
    return eventually(async () => (await node.services.exchange.messages.rejections(agencyId)).find((r) => r.envelopeId === envelopeId), `a rejection of ${envelopeId}`);
  }

  async function inboxIds(node: TestNode, agencyId: string): Promise<string[]> {
    return (await node.services.exchange.messages.list(userCtx(agencyId), { box: 'in', limit: 200 })).items.map((m) => m.messageId);
  }

  /** Puts an envelope straight into the hub's mailbox for one recipient: what a compromised hub could do. */
  async function plantAtHub(envelope: { id: string; routing: string; jwe: string }, from: string, recipient: string): Promise<void> {
    const db = net.hub.services.db;
    const row = await db
      .insertInto('hub_envelopes')
      .values({ id: envelope.id, kind: 'message', from_agency_id: from, routing: envelope.routing, jwe: envelope.jwe, digest: sha256Digest(envelope.jwe), parts: '[]', created_at: nowIso() })
      .returning('seq')
      .executeTakeFirstOrThrow();
    await db.insertInto('hub_deliveries').values({ envelope_seq: row.seq, agency_id: recipient, fetched_at: null, acked_at: null }).execute();
    net.hub.services.exchange.hub.mailbox.notifier.notify(recipient);
  }

  it('rejects a message whose inner signature is not the sender’s', async () => {
    const rogue = await generateKey(ephemeralMasterKey(), net.pt, 'sig');
    const c = content(net.pt, [net.es]);
    const sealed = await sealEnvelope({ content: c, signingKey: rogue.key, recipients: [await encKey(net.b, net.es)] });
    // The routing document is genuinely PT's, so the hub accepts and delivers it.
    const routing = await signJws(await net.a.services.exchange.keys.currentKey(net.pt, 'sig'), 'tessera-routing+jws', sealed.routingDocument);
    await (await net.a.services.exchange.membership.client(net.pt)).submit({ routing, jwe: sealed.jwe });
    expect((await rejectionFor(net.b, net.es, c.id)).code).toBe('inner-signature');
    expect(await inboxIds(net.b, net.es)).not.toContain(c.id);
  });

  it('rejects a message altered in transit', async () => {
    await net.b.stop();
    try {
      const sent = await net.a.services.exchange.messages.send(userCtx(net.pt), { to: [net.es], subject: 'To be altered', body: 'original', handling: { tlp: 'TLP:AMBER' } });
      const db = net.hub.services.db;
      const row = await eventually(() => db.selectFrom('hub_envelopes').selectAll().where('id', '=', sent.messageId).executeTakeFirst(), 'the envelope at the hub');
      const jwe = JSON.parse(row.jwe);
      const ct = Buffer.from(jwe.ciphertext, 'base64url');
      ct[0] = ct[0]! ^ 0xff;
      await db.updateTable('hub_envelopes').set({ jwe: JSON.stringify({ ...jwe, ciphertext: ct.toString('base64url') }) }).where('id', '=', sent.messageId).execute();
      await net.b.restart();
      expect((await rejectionFor(net.b, net.es, sent.messageId)).code).toBe('altered');
      expect(await inboxIds(net.b, net.es)).not.toContain(sent.messageId);
    } finally {
      if (!net.b.running) await net.b.restart();
    }
  });

  it('refuses, at the hub and at the recipient, a message sealed to another agency', async () => {
    const c = content(net.pt, [net.es]);
    const ptKey = await net.a.services.exchange.keys.currentKey(net.pt, 'sig');
    const sealedToFr = await sealEnvelope({ content: c, signingKey: ptKey, recipients: [{ ...(await encKey(net.b, net.fr)), agencyId: net.es }] });
    const client = await net.a.services.exchange.membership.client(net.pt);
    await expect(client.submit({ routing: sealedToFr.routing, jwe: sealedToFr.jwe })).rejects.toMatchObject({ status: 400, code: 'envelope-not-addressed' });
    // A hub that delivers it anyway gains nothing: ES holds no key it was sealed to.
    await plantAtHub(sealedToFr, net.pt, net.es);
    expect((await rejectionFor(net.b, net.es, c.id)).code).toBe('not-addressed');
    expect(await inboxIds(net.b, net.es)).not.toContain(c.id);
  });

  it('rejects a message another member forwards under its own name', async () => {
    // PT writes to FR only; FR re-seals PT's signed content to ES.
    const sent = await net.a.services.exchange.messages.send(userCtx(net.pt), { to: [net.fr], subject: 'For FR only', body: 'not for ES', handling: { tlp: 'TLP:RED' } });
    await eventually(async () => (await inboxIds(net.b, net.fr)).includes(sent.messageId), 'FR to receive');
    const original = await net.a.services.db.selectFrom('exchange_outbox').select(['routing', 'jwe']).where('id', '=', sent.messageId).executeTakeFirstOrThrow();
    const frKeys = await net.b.services.exchange.keys.decryptionKeys(net.fr);
    const { decryptForRecipient } = await import('../../src/exchange/crypto/encryption.js');
    const inner = new TextDecoder().decode((await decryptForRecipient(original.jwe, (kid) => frKeys.get(kid), { typ: 'tessera-envelope+jwe' })).plaintext);
    const { encryptToRecipients } = await import('../../src/exchange/crypto/encryption.js');
    const es = await encKey(net.b, net.es);
    const jwe = await encryptToRecipients(new TextEncoder().encode(inner), [es], { typ: 'tessera-envelope+jwe', cty: 'tessera-message+jws' });
    const forwardedId = sent.messageId;
    const routingDoc = { v: 1, id: forwardedId, kind: 'message', from: net.fr, to: [net.es], created: nowIso(), jweDigest: sha256Digest(jwe), parts: [] };
    const routing = await signJws(await net.b.services.exchange.keys.currentKey(net.fr, 'sig'), 'tessera-routing+jws', routingDoc);
    await (await net.b.services.exchange.membership.client(net.fr)).submit({ routing, jwe }).catch((err: unknown) => {
      // The hub may already refuse the reused id (it was delivered to FR and deleted): plant it then.
      if (!(err instanceof HubRefusedError)) throw err;
      return plantAtHub({ id: forwardedId, routing, jwe }, net.fr, net.es);
    });
    // Checked against FR's key (the routing sender), PT's signature on the content fails.
    expect((await rejectionFor(net.b, net.es, forwardedId)).code).toBe('inner-signature');
    expect(await inboxIds(net.b, net.es)).not.toContain(forwardedId);
  });

  it('shows a replayed message once: the hub refuses it again, and a recipient given it again drops it', async () => {
    const sent = await net.a.services.exchange.messages.send(userCtx(net.pt), { to: [net.es], subject: 'Only once', body: 'once', handling: { tlp: 'TLP:GREEN' } });
    await eventually(async () => (await inboxIds(net.b, net.es)).includes(sent.messageId), 'ES to receive');
    await eventually(async () => !(await net.hub.services.db.selectFrom('hub_envelopes').select('id').where('id', '=', sent.messageId).executeTakeFirst()), 'the hub to delete it');
    const original = await net.a.services.db.selectFrom('exchange_outbox').select(['routing', 'jwe']).where('id', '=', sent.messageId).executeTakeFirstOrThrow();
    const client = await net.a.services.exchange.membership.client(net.pt);
    await expect(client.submit(original)).rejects.toMatchObject({ status: 409, code: 'replayed' });
    await plantAtHub({ id: sent.messageId, ...original }, net.pt, net.es);
    expect((await rejectionFor(net.b, net.es, sent.messageId)).code).toBe('replayed');
    expect((await inboxIds(net.b, net.es)).filter((id) => id === sent.messageId)).toHaveLength(1);
  });

  it('accepts only directories signed with the pinned hub key, and never an older one', async () => {
    const db = net.hub.services.db;
    const latest = await db.selectFrom('hub_directory').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirstOrThrow();
    const held = (await net.a.services.exchange.membership.membership(net.pt))!.directoryVersion;
    expect(held).toBe(latest.version);
    // A directory signed by another key (a hub impostor, or a hub key swapped in the database).
    const impostor = await generateKey(ephemeralMasterKey(), 'impostor', 'sig');
    const payload = JSON.parse(Buffer.from(latest.jws.split('.')[1]!, 'base64url').toString('utf8'));
    const forged = await signJws(impostor.key, 'tessera-directory+jws', { ...payload, version: latest.version + 1 });
    await db.insertInto('hub_directory').values({ version: latest.version + 1, jws: forged, created_at: nowIso() }).execute();
    await expect(net.a.services.exchange.membership.refreshDirectory(net.pt)).rejects.toThrow(/not known|does not verify/);
    await db.deleteFrom('hub_directory').where('version', '=', latest.version + 1).execute();
    // An older, genuinely signed version (a rollback to a directory without a later suspension, say).
    await db.deleteFrom('hub_directory').where('version', '=', latest.version).execute();
    await expect(net.a.services.exchange.membership.refreshDirectory(net.pt)).rejects.toThrow(/older than version/);
    await db.insertInto('hub_directory').values(latest).execute();
    expect(await net.a.services.exchange.membership.refreshDirectory(net.pt)).toBe(latest.version);
  });

  it('raises an alarm when the hub lists keys for an agency that its node does not hold', async () => {
    const db = net.hub.services.db;
    const original = await db.selectFrom('hub_member_keys').selectAll().where('agency_id', '=', net.pt).where('use', '=', 'enc').where('status', '=', 'current').executeTakeFirstOrThrow();
    const impostor = await generateKey(ephemeralMasterKey(), 'hub', 'enc');
    await db.updateTable('hub_member_keys').set({ status: 'retired' }).where('kid', '=', original.kid).execute();
    await db.insertInto('hub_member_keys').values({ kid: impostor.kid, agency_id: net.pt, use: 'enc', jwk: JSON.stringify(impostor.publicJwk), status: 'current', added_at: nowIso(), retired_at: null }).execute();
    await net.hub.services.exchange.hub.members.approve(system(), net.pt); // republishes the directory
    await net.a.services.exchange.membership.refreshDirectory(net.pt);
    expect((await net.a.services.exchange.membership.membership(net.pt))!.lastError).toMatch(/^SECURITY: .*does not hold/);
    expect(net.a.logs.some((l) => l.includes('"level":50') && l.includes(impostor.kid))).toBe(true);
    // Transport news does not bury the alarm; a directory without the foreign key clears it.
    await net.a.services.exchange.membership.markContact(net.pt, 'the hub is unreachable');
    expect((await net.a.services.exchange.membership.membership(net.pt))!.lastError).toMatch(/^SECURITY/);
    await db.deleteFrom('hub_member_keys').where('kid', '=', impostor.kid).execute();
    await db.updateTable('hub_member_keys').set({ status: 'current' }).where('kid', '=', original.kid).execute();
    await net.hub.services.exchange.hub.members.approve(system(), net.pt);
    await net.a.services.exchange.membership.refreshDirectory(net.pt);
    expect((await net.a.services.exchange.membership.membership(net.pt))!.lastError).toBeNull();
  });

  describe('signed requests to the hub', () => {
    const path = '/hub/v1/inbox?wait=0&limit=1';
    async function call(header: string | undefined, body?: string, method = 'GET', p = path) {
      const res = await fetch(`${net.hub.url}${p}`, {
        method,
        headers: { ...(header ? { [SIGNATURE_HEADER]: header } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body } : {}),
      });
      return { status: res.status, code: ((await res.json()) as { code?: string }).code };
    }
    const key = () => net.a.services.exchange.keys.currentKey(net.pt, 'sig');

    it('accepts a correctly signed request', async () => {
      expect((await call(await signRequest(await key(), { agency: net.pt, method: 'GET', path }))).status).toBe(200);
    });

    it('refuses unsigned requests and signatures by a key the hub does not know', async () => {
      expect(await call(undefined)).toEqual({ status: 401, code: 'request-missing' });
      const rogue = await generateKey(ephemeralMasterKey(), net.pt, 'sig');
      expect(await call(await signRequest(rogue.key, { agency: net.pt, method: 'GET', path }))).toEqual({ status: 401, code: 'request-unknown-agency' });
    });

    it('refuses a timestamp more than five minutes off', async () => {
      for (const offset of [-6 * 60_000, 6 * 60_000]) {
        expect(await call(await signRequest(await key(), { agency: net.pt, method: 'GET', path, now: Date.now() + offset }))).toEqual({ status: 401, code: 'request-clock-skew' });
      }
    });

    it('refuses a replayed nonce', async () => {
      const header = await signRequest(await key(), { agency: net.pt, method: 'GET', path });
      expect((await call(header)).status).toBe(200);
      expect(await call(header)).toEqual({ status: 401, code: 'request-replayed' });
    });

    it('refuses a body that is not the one signed, and a signature made for another path', async () => {
      const body = JSON.stringify({ ids: [newId()] });
      const header = await signRequest(await key(), { agency: net.pt, method: 'POST', path: '/hub/v1/ack', body });
      expect(await call(header, JSON.stringify({ ids: [newId()] }), 'POST', '/hub/v1/ack')).toEqual({ status: 401, code: 'request-body-digest' });
      const other = await signRequest(await key(), { agency: net.pt, method: 'GET', path: '/hub/v1/directory' });
      expect(await call(other)).toEqual({ status: 401, code: 'request-wrong-request' });
    });
  });
});
