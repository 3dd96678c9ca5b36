import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hamming } from '../../src/media/index.js';
import { noisyJpeg } from '../../src/media/testing/images.js';
import { exportNetworkKey, generateNetworkKey } from '../../src/matching/network-key.js';
import { sendNotice, TOPIC_KEY } from '../../src/matching/node/notices.js';
import { storedContaining } from '../network/support.js';
import { addCase, addImage, addSelector, eventually, startMatchingNetwork, userCtx, type MatchingNetwork } from './support.js';

describe('hit/no-hit across three nodes (hub, A with PT, B with ES and FR)', () => {
  let net: MatchingNetwork;
  const cases: Record<string, string> = {};
  const raw: Buffer[] = [];

  beforeAll(async () => {
    net = await startMatchingNetwork();
    cases.pt = await addCase(net.a, net.pt, 'PT-2024-017');
    cases.es = await addCase(net.b, net.es, 'ES-OP-ARANA');
    cases.fr = await addCase(net.b, net.fr, 'FR-OFMIN-88');
  }, 90_000);
  afterAll(async () => net?.close());

  const hitsOf = async (agencyId: string) => (await net.nodeOf(agencyId).services.matching.hits.list(userCtx(agencyId), {})).items;

  it('shares the network key with every member, sealed: all hold the same key, the hub never does', async () => {
    const fingerprints = await Promise.all([
      net.a.services.matching.keys.current(net.pt),
      net.b.services.matching.keys.current(net.es),
      net.b.services.matching.keys.current(net.fr),
    ]);
    expect(new Set(fingerprints.map((k) => k?.fingerprint)).size).toBe(1);
    const key = fingerprints[0]!;
    raw.push(Buffer.from(exportNetworkKey(key), 'base64url'), Buffer.from(exportNetworkKey(key), 'utf8'));
    expect(await net.hub.services.matching.hub.state()).toMatchObject({ epoch: 1, founder: net.pt });
  });

  it('the same handle written differently at A and B is a hit on both sides, with what each side allows', async () => {
    await addSelector(net.a, net.pt, cases.pt!, 'handle', 'https://t.me/DarkAdmin', 'TLP:AMBER');
    await net.a.services.matching.sync.sync(net.pt);
    expect(await hitsOf(net.pt)).toEqual([]);

    await addSelector(net.b, net.es, cases.es!, 'handle', '@darkadmin', 'TLP:GREEN', 'Telegram');
    const published = await net.b.services.matching.sync.sync(net.es);
    expect(published.published).toBe(1);
    await net.a.services.matching.sync.sync(net.pt);

    const [atA] = await hitsOf(net.pt);
    const [atB] = await hitsOf(net.es);
    expect(atA).toMatchObject({ basis: 'exact', status: 'new', mine: { kind: 'selector', caseReference: 'PT-2024-017', label: 'online handle on telegram' }, other: { agency: { id: net.es } } });
    expect(atB).toMatchObject({ basis: 'exact', mine: { caseReference: 'ES-OP-ARANA' }, other: { agency: { id: net.pt } } });
    expect(atA!.id).toBe(atB!.id);

    // Both policies are "full" (AMBER, GREEN): each side's node sends its case reference and an item summary, sealed.
    await eventually(async () => {
      await net.syncAll([net.pt, net.es]);
      const [a] = await hitsOf(net.pt);
      const [b] = await hitsOf(net.es);
      return a?.other.caseReference === 'ES-OP-ARANA' && b?.other.caseReference === 'PT-2024-017';
    }, 'the case references of both sides');
    const [a] = await hitsOf(net.pt);
    expect(a!.other.summary).toMatchObject({ kind: 'selector', type: 'handle', label: 'online handle on telegram' });
    raw.push(Buffer.from('darkadmin'), Buffer.from('DarkAdmin'));
  });

  it('deconfliction moves forward on both sides; one click drafts a message naming both items', async () => {
    const [atA] = await hitsOf(net.pt);
    const acknowledged = await net.a.services.matching.hits.setStatus(userCtx(net.pt), atA!.id, 'acknowledged');
    expect(acknowledged).toMatchObject({ status: 'acknowledged', statusBy: 'me' });
    await net.b.services.matching.sync.pullHits(net.es);
    const [atB] = await hitsOf(net.es);
    expect(atB).toMatchObject({ status: 'acknowledged', statusBy: 'other' });
    await expect(net.b.services.matching.hits.setStatus(userCtx(net.es), atB!.id, 'new')).rejects.toThrow(/cannot become new/);

    const draft = await net.b.services.matching.hits.draft(userCtx(net.es), atB!.id);
    expect(draft.to).toEqual([net.pt]);
    expect(draft.body).toContain('ES-OP-ARANA');
    expect(draft.body).toContain('PT-2024-017');
    const sent = await net.b.services.exchange.messages.send(userCtx(net.es), { ...draft, caseId: draft.caseId });
    expect(sent.caseReference).toBe('ES-OP-ARANA');
    await net.b.services.matching.hits.setStatus(userCtx(net.es), atB!.id, 'in-contact');
    await net.a.services.matching.sync.pullHits(net.pt);
    expect((await hitsOf(net.pt))[0]).toMatchObject({ status: 'in-contact', statusBy: 'other' });
    const inbox = await eventually(async () => (await net.a.services.exchange.messages.list(userCtx(net.pt), { box: 'in' })).items.find((m) => m.messageId === sent.messageId), 'the message at PT');
    expect(inbox.subject).toBe('Network hit: online handle on telegram');
  });

  it('a resized, recompressed copy at A and the original at B are a media hit with their distance', async () => {
    const original = await noisyJpeg(1024, 768, 42, 92, 4);
    const copy = await sharp(original).resize(640, 480).jpeg({ quality: 60 }).toBuffer();
    const b = await addImage(net.b, cases.es!, original);
    const a = await addImage(net.a, cases.pt!, copy);
    const distance = hamming(a.hash.pdq, b.hash.pdq);
    expect(a.hash.sha256).not.toBe(b.hash.sha256);
    expect(distance).toBeGreaterThan(0);
    expect(distance).toBeLessThanOrEqual(31);

    await net.syncAll([net.es, net.pt]);
    const media = (await hitsOf(net.pt)).find((h) => h.mine.kind === 'media');
    expect(media).toMatchObject({ basis: 'near', distance, mine: { itemId: a.id }, other: { kind: 'media', agency: { id: net.es } } });
    const atB = (await hitsOf(net.es)).find((h) => h.mine.kind === 'media');
    expect(atB).toMatchObject({ basis: 'near', distance, mine: { itemId: b.id } });
    raw.push(...[a.hash, b.hash].flatMap((h) => [h.md5, h.sha1, h.sha256, h.pdq].flatMap((x) => [Buffer.from(x), Buffer.from(x, 'hex')])));

    // The same file at FR is an exact hit with ES, found through its digests.
    await addImage(net.b, cases.fr!, original);
    await net.b.services.matching.sync.sync(net.fr);
    const exact = (await hitsOf(net.fr)).find((h) => h.mine.kind === 'media' && h.other.agency?.id === net.es);
    expect(exact).toMatchObject({ basis: 'exact', distance: 0 });
  });

  it('a TLP:RED item at A: only A is told and decides; declined, B never learns; accepted, B learns whom to contact', async () => {
    const red = await addSelector(net.a, net.pt, cases.pt!, 'email', 'Forum.Admin@Proton.me', 'TLP:RED');
    const red2 = await addSelector(net.a, net.pt, cases.pt!, 'onion', 'http://pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion/forum', 'TLP:RED');
    // RED items are not shared by default: the analyst shares these two on purpose.
    expect((await net.a.services.matching.sharing.caseSharing(userCtx(net.pt), cases.pt!, { kind: 'selector' })).items.filter((i) => !i.shared).length).toBe(2);
    await net.a.services.matching.sharing.setItemSharing(userCtx(net.pt), cases.pt!, 'selector', red, true);
    await net.a.services.matching.sharing.setItemSharing(userCtx(net.pt), cases.pt!, 'selector', red2, true);
    await addSelector(net.b, net.es, cases.es!, 'email', 'forum.admin@proton.me', 'TLP:AMBER');
    await addSelector(net.b, net.es, cases.es!, 'onion', 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion', 'TLP:AMBER');
    await net.syncAll([net.pt, net.es]);

    const waiting = (await hitsOf(net.pt)).filter((h) => h.decision.needed);
    expect(waiting.map((h) => h.mine.itemId).sort()).toEqual([red, red2].sort());
    expect(waiting[0]).toMatchObject({ mine: { handling: 'TLP:RED', mode: 'owner' }, other: { agency: { id: net.es } } });
    const atEs = (await hitsOf(net.es)).map((h) => h.id);
    expect(waiting.filter((h) => atEs.includes(h.id))).toEqual([]);
    expect(await net.a.services.matching.hits.counts(userCtx(net.pt))).toMatchObject({ needsDecision: 2 });

    const email = waiting.find((h) => h.mine.itemId === red)!;
    const onion = waiting.find((h) => h.mine.itemId === red2)!;
    expect(await net.a.services.matching.hits.decide(userCtx(net.pt), email.id, 'decline')).toMatchObject({ decision: { needed: false, mine: 'declined' } });
    await net.a.services.matching.hits.decide(userCtx(net.pt), onion.id, 'accept');
    await net.syncAll([net.es, net.pt]);

    const atB = await hitsOf(net.es);
    expect(atB.map((h) => h.id)).not.toContain(email.id);
    const revealed = atB.find((h) => h.id === onion.id);
    // Accepted at contact level: B learns the hit and the agency, not the case reference or the item.
    expect(revealed).toMatchObject({ other: { agency: { id: net.pt }, caseReference: null, summary: null } });
    const hubHit = await net.hub.services.db.selectFrom('hub_match_hits').select(['b_seen', 'a_seen', 'a_agency_id']).where('id', '=', email.id).executeTakeFirstOrThrow();
    expect(hubHit.a_agency_id === net.es ? hubHit.a_seen : hubHit.b_seen).toBe(0);
  });

  it('B withdraws its item: the hit disappears on both sides', async () => {
    const [atB] = (await hitsOf(net.es)).filter((h) => h.mine.label === 'online handle on telegram');
    await net.b.services.matching.sharing.setItemSharing(userCtx(net.es), cases.es!, 'selector', atB!.mine.itemId, false);
    await net.syncAll([net.es, net.pt]);
    expect((await hitsOf(net.es)).map((h) => h.id)).not.toContain(atB!.id);
    expect((await hitsOf(net.pt)).map((h) => h.id)).not.toContain(atB!.id);
    expect(await net.hub.services.db.selectFrom('hub_match_hits').select('id').where('id', '=', atB!.id).executeTakeFirst()).toBeUndefined();
    const removed = await net.a.services.audit.list({ action: 'hit.remove' });
    expect(removed.map((e) => e.objectId)).toContain(atB!.id);
  });

  it('records publishing to the hub as a disclosure, per case', async () => {
    const events = await net.b.services.audit.list({ action: 'matching.publish', caseId: cases.es! });
    expect(events[0]).toMatchObject({ operation: 'disclosure', caseId: cases.es });
    expect(events[0]!.recipients).toHaveLength(1);
  });

  it('refuses a network key from an agency that is not the founding agency, and a notice of an unknown topic', async () => {
    const before = (await net.a.services.matching.keys.current(net.pt))!.fingerprint;
    const forged = generateNetworkKey(1);
    await sendNotice({ db: net.b.services.db, exchange: net.b.services.exchange }, net.fr, [net.pt], TOPIC_KEY, { epoch: 1, key: exportNetworkKey(forged), fingerprint: forged.fingerprint });
    await sendNotice({ db: net.b.services.db, exchange: net.b.services.exchange }, net.fr, [net.pt], 'match.unheard-of', { anything: true });
    const rejected = await eventually(async () => {
      const r = await net.a.services.exchange.messages.rejections(net.pt);
      return r.filter((x) => x.fromAgencyId === net.fr).length === 2 ? r : undefined;
    }, 'both notices refused at PT');
    expect(rejected.map((r) => r.code).sort()).toEqual(['inconsistent', 'malformed']);
    expect((await net.a.services.matching.keys.current(net.pt))!.fingerprint).toBe(before);
  });

  it('rotation: the founder’s new key reaches every member, everything is re-tokenised, hits stay, new ones follow', async () => {
    const hitsBefore = (await hitsOf(net.pt)).map((h) => h.id).sort();
    const status = await net.a.services.matching.sharing.createKey(userCtx(net.pt, ['admin'], 'pt-admin'));
    expect(status).toMatchObject({ epoch: 2, key: { epoch: 2, origin: 'created' } });
    for (const agencyId of [net.es, net.fr]) await eventually(async () => (await net.b.services.matching.keys.current(agencyId))?.epoch === 2, `epoch 2 at ${agencyId}`);
    const key = (await net.a.services.matching.keys.current(net.pt))!;
    raw.push(Buffer.from(exportNetworkKey(key), 'base64url'), Buffer.from(exportNetworkKey(key), 'utf8'));
    await net.syncAll();
    const epochs = await net.hub.services.db.selectFrom('hub_match_items').select('epoch').distinct().execute();
    expect(epochs).toEqual([{ epoch: 2 }]);
    expect((await hitsOf(net.pt)).map((h) => h.id).sort()).toEqual(hitsBefore);

    // Retroactive: FR records today a wallet ES recorded before the rotation.
    await addSelector(net.b, net.es, cases.es!, 'eth', '0x52908400098527886E0F7030069857D2E4169EE7', 'TLP:GREEN');
    await net.b.services.matching.sync.sync(net.es);
    await addSelector(net.b, net.fr, cases.fr!, 'eth', '0x52908400098527886e0f7030069857d2e4169ee7', 'TLP:GREEN');
    await net.syncAll([net.fr, net.es]);
    expect((await hitsOf(net.fr)).find((h) => h.mine.label === 'Ethereum address')).toMatchObject({ basis: 'exact', other: { agency: { id: net.es } } });
  });

  it('the hub’s database, files and logs hold no selector, digest, PDQ hash or key', async () => {
    expect(raw.length).toBeGreaterThan(10);
    const items = await net.hub.services.db.selectFrom('hub_match_items').select(['tokens', 'pdq']).execute();
    expect(items.length).toBeGreaterThan(5);
    expect(items.filter((i) => i.pdq !== null).length).toBeGreaterThan(1);
    // Stopped first, so that no checkpoint moves pages between the database and its WAL while the files are read.
    await net.hub.stop();
    await net.b.stop();
    expect(await storedContaining(net.hub, raw)).toEqual([]);
    expect(net.hub.logs.filter((line) => raw.some((r) => line.includes(r.toString('utf8')) && r.toString('utf8').length > 8))).toEqual([]);
    // The same search finds them where they belong, so the search itself works.
    expect((await storedContaining(net.b, [Buffer.from('darkadmin')])).length).toBeGreaterThan(0);
  });
});
