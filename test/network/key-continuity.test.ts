import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/exchange/crypto/keys.js';
import { ephemeralMasterKey } from '../../src/exchange/crypto/master-key.js';
import { signJws } from '../../src/exchange/crypto/signatures.js';
import { signKeyContinuity } from '../../src/exchange/key-continuity.js';
import { HubRefusedError } from '../../src/exchange/node/hub-client.js';
import { nowIso } from '../../src/store/ids.js';
import { runCli } from '../support/cli.js';
import { apiUser, eventually, startNetwork, system, userCtx, type ApiUser, type TestNetwork } from './support.js';

/**
 * Key continuity (docs/protocol.md "Rotation", docs/threat-model.md "A dishonest hub"): partners follow a rotation
 * through the proof signed with the old key; keys the hub lists without one are not used. With a PostgreSQL test
 * server the hub and node B run on it.
 */
describe('key continuity across the network', () => {
  let net: TestNetwork;
  let ptInv: ApiUser;

  beforeAll(async () => {
    net = await startNetwork();
    ptInv = await apiUser(net.a, net.pt, ['investigator'], 'pt.continuity');
  }, 180_000);
  afterAll(async () => net?.close());

  const hubKeys = (agencyId: string) => net.hub.services.db.selectFrom('hub_member_keys').selectAll().where('agency_id', '=', agencyId).where('status', '=', 'current').execute();
  const sealedTo = async (messageId: string) =>
    (JSON.parse((await net.a.services.db.selectFrom('exchange_outbox').select('jwe').where('id', '=', messageId).executeTakeFirstOrThrow()).jwe) as { recipients: { header: { kid: string } }[] }).recipients[0]!.header.kid;

  it('a legitimate rotation: partners verify the proof, switch to the new keys, and messages flow without an alarm', async () => {
    const rotated = await net.b.services.exchange.membership.rotateKeys(system(net.es), net.es);
    const directory = await net.hub.services.exchange.hub.members.directory();
    const payload = JSON.parse(Buffer.from(directory!.jws.split('.')[1]!, 'base64url').toString('utf8')) as { members: { id: string; continuity?: string[] }[] };
    expect(payload.members.find((m) => m.id === net.es)!.continuity).toHaveLength(1);

    await net.a.services.exchange.membership.refreshDirectory(net.pt);
    const pins = await net.a.services.exchange.membership.pinnedKeys(net.es);
    expect(pins.map((p) => p.source)).toEqual(['first-seen', 'continuity']);
    expect(pins.at(-1)).toMatchObject({ sigKid: rotated.sig, encKid: rotated.enc });

    const sent = await net.a.services.exchange.messages.send(userCtx(net.pt), { to: [net.es], subject: 'After the rotation', body: 'sealed to the new key', handling: { tlp: 'TLP:GREEN' } });
    expect(await sealedTo(sent.messageId)).toBe(rotated.enc);
    await eventually(async () => (await net.b.services.exchange.messages.list(userCtx(net.es), { box: 'in', q: 'After the rotation' })).items[0], 'ES to open the message');
    await net.b.services.exchange.messages.send(userCtx(net.es), { to: [net.pt], subject: 'Signed after the rotation', body: 'ok', handling: { tlp: 'TLP:GREEN' } });
    await eventually(async () => (await net.a.services.exchange.messages.list(userCtx(net.pt), { box: 'in', q: 'Signed after the rotation' })).items[0], 'PT to verify the new signature');

    expect(await net.a.services.exchange.messages.rejections(net.pt)).toEqual([]);
    expect((await net.a.services.exchange.membership.membership(net.pt))!.lastError).toBeNull();
    expect((await net.b.services.exchange.membership.membership(net.fr))!.lastError).toBeNull();
    expect(await net.a.services.audit.list({ action: 'network.keys.continuity-broken', limit: 10 })).toEqual([]);
  }, 60_000);

  it('the hub refuses a rotation without a valid continuity proof: missing, forged, for another agency, or naming other keys', async () => {
    const before = await hubKeys(net.es);
    const client = await net.b.services.exchange.membership.client(net.es);
    const current = await net.b.services.exchange.keys.currentKey(net.es, 'sig');
    const mk = ephemeralMasterKey();
    const [sig, enc, other] = [await generateKey(mk, net.es, 'sig'), await generateKey(mk, net.es, 'enc'), await generateKey(mk, net.es, 'sig')];
    const update = await signJws(sig.key, 'tessera-key-update+jws', { agency: net.es, created: nowIso(), keys: [{ use: 'sig', jwk: sig.publicJwk }, { use: 'enc', jwk: enc.publicJwk }] });
    const next = { sig: sig.kid, enc: enc.kid };
    const frKey = await net.b.services.exchange.keys.currentKey(net.fr, 'sig');
    const attempts: [string, string][] = [
      ['missing', ''],
      ['signed by the new key, not the current one', await signKeyContinuity(sig.key, net.es, next)],
      ["another member's key, for that member", await signKeyContinuity(frKey, net.fr, next)],
      ['the current key, for another agency', await signKeyContinuity(current, net.fr, next)],
      ['naming other keys than the update', await signKeyContinuity(current, net.es, { sig: other.kid, enc: enc.kid })],
      ['another document type', await signJws(current, 'tessera-key-update+jws', { agency: net.es, from: current.kid, to: next, created: nowIso() })],
    ];
    for (const [what, continuity] of attempts) {
      const refused = await client.updateKeys(update, continuity).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused, what).toBeInstanceOf(HubRefusedError);
      expect(refused, what).toMatchObject({ status: 400, code: 'invalid-key-continuity' });
    }
    expect(await hubKeys(net.es)).toEqual(before);
    // The same update with a genuine proof goes through (the refusals were about the proof alone).
    await expect(client.updateKeys(update, await signKeyContinuity(current, net.es, next))).resolves.toMatchObject({ directoryVersion: expect.any(Number) });
    expect((await hubKeys(net.es)).map((k) => k.kid).sort()).toEqual([sig.kid, enc.kid].sort());
  }, 60_000);

  it('a hub that substitutes a partner’s keys: partners raise the alarm and refuse to seal to them until re-pinned out of band', async () => {
    const db = net.hub.services.db;
    const real = await hubKeys(net.fr);
    const pinnedBefore = (await net.a.services.exchange.membership.pinnedKeys(net.fr)).at(-1)!;
    const mk = ephemeralMasterKey();
    const impostor = { sig: await generateKey(mk, 'hub', 'sig'), enc: await generateKey(mk, 'hub', 'enc') };
    await db.updateTable('hub_member_keys').set({ status: 'retired', retired_at: nowIso() }).where('agency_id', '=', net.fr).execute();
    for (const k of [impostor.sig, impostor.enc]) {
      await db.insertInto('hub_member_keys').values({ kid: k.kid, agency_id: net.fr, use: k.use, jwk: JSON.stringify(k.publicJwk), status: 'current', added_at: nowIso(), retired_at: null }).execute();
    }
    // Proofs the hub can make: one by its own key, and ES's genuine proof filed under FR.
    const esProof = await db.selectFrom('hub_key_continuity').select('jws').where('agency_id', '=', net.es).orderBy('id').limit(1).executeTakeFirstOrThrow();
    const forged = await signKeyContinuity(impostor.sig.key, net.fr, { sig: impostor.sig.kid, enc: impostor.enc.kid });
    for (const jws of [forged, esProof.jws]) {
      await db.insertInto('hub_key_continuity').values({ agency_id: net.fr, from_kid: real.find((k) => k.use === 'sig')!.kid, to_sig_kid: impostor.sig.kid, to_enc_kid: impostor.enc.kid, jws, created_at: nowIso() }).execute();
    }
    await net.hub.services.exchange.hub.members.approve(system(), net.fr); // republishes the directory, signed by the hub
    await net.a.services.exchange.membership.refreshDirectory(net.pt);
    await net.a.services.exchange.membership.refreshDirectory(net.pt); // found again: audited once

    const alarm = (await net.a.services.exchange.membership.membership(net.pt))!.lastError;
    expect(alarm).toMatch(new RegExp(`^SECURITY: .*keys for OFMIN \\(test\\) \\(${net.fr}\\).*${impostor.sig.kid}.*do not follow`));
    expect(net.a.logs.some((l) => l.includes('"level":50') && l.includes(impostor.sig.kid) && l.includes(net.fr))).toBe(true);
    const events = await net.a.services.audit.list({ action: 'network.keys.continuity-broken', limit: 10 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ objectId: net.fr });
    expect((await net.a.services.exchange.membership.pinnedKeys(net.fr)).at(-1)).toEqual(pinnedBefore);
    // Nor would a message signed with the hub's key pass as FR's.
    expect(await net.a.services.exchange.membership.senderKey(net.fr, impostor.sig.kid)).toBeUndefined();

    const compose = await ptInv.request({ method: 'POST', url: '/api/v1/messages', payload: { to: [net.fr], subject: 'To FR', body: 'x', handling: { tlp: 'TLP:GREEN' } } });
    expect(compose.statusCode).toBe(409);
    expect(compose.json()).toMatchObject({ code: 'key-continuity-broken', detail: expect.stringMatching(/changed without a continuity proof.*out of band/) });
    expect(await net.a.services.db.selectFrom('exchange_outbox').select('id').where('agency_id', '=', net.pt).where('status', '=', 'queued').execute()).toEqual([]);

    // The administrator checks FR's signing key id out of band; a different id pins nothing.
    const env = { TESSERA_DATA_DIR: net.a.dataDir };
    const wrong = await runCli(['network', 'trust', '--agency', net.fr, '--kid', pinnedBefore.sigKid], { env });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/lists signing key .* not /);
    const trusted = await runCli(['network', 'trust', '--agency', net.fr, '--kid', impostor.sig.kid], { env });
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(trusted.stdout).toContain(`sig ${impostor.sig.kid}, enc ${impostor.enc.kid}`);
    expect((await net.a.services.exchange.membership.pinnedKeys(net.fr)).at(-1)).toMatchObject({ source: 'trust', sigKid: impostor.sig.kid, pinnedBy: 'system:cli' });
    expect(await net.a.services.audit.list({ action: 'network.keys.trust', limit: 10 })).toHaveLength(1);
    expect((await net.a.services.exchange.membership.membership(net.pt))!.lastError).toBeNull();

    const sent = await ptInv.request({ method: 'POST', url: '/api/v1/messages', payload: { to: [net.fr], subject: 'To FR, re-pinned', body: 'x', handling: { tlp: 'TLP:GREEN' } } });
    expect(sent.statusCode).toBe(201);
    expect(await sealedTo(sent.json().messageId as string)).toBe(impostor.enc.kid);
  }, 90_000);
});
