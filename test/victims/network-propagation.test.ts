import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noisyJpeg } from '../../src/media/testing/images.js';
import { addCase, addImage, eventually, startMatchingNetwork, userCtx, type MatchingNetwork } from '../matching/support.js';
import { startTestNode, system, type TestNode } from '../network/support.js';

/**
 * A series identified at one agency is announced to every agency whose media hit that series' media, across the
 * network: hub, node A (PT), node B (ES and FR), node C (DE). PT identifies; ES (a near-duplicate) and DE (the same
 * file) are told "identified by PT on <date>", FR (holding nothing of it) is not; a withdrawal reaches both too.
 */
describe('series identification status across the network (hub and three agency nodes)', () => {
  let net: MatchingNetwork;
  let c: TestNode;
  let de: string;
  const cases: Record<string, string> = {};
  const media: Record<string, string> = {};
  let seriesId = '';

  const nodeOf = (agencyId: string) => (agencyId === de ? c : net.nodeOf(agencyId));
  const sync = async (order: string[]) => {
    for (let round = 0; round < 2; round++) for (const agencyId of order) await nodeOf(agencyId).services.matching.sync.sync(agencyId);
  };
  const remote = (agencyId: string) => nodeOf(agencyId).services.db.selectFrom('series_remote_status').selectAll().where('agency_id', '=', agencyId).execute();

  beforeAll(async () => {
    net = await startMatchingNetwork();
    c = await startTestNode('c');
    de = (await c.services.agencies.create(system(), { name: 'BKA (test)', country: 'DE', hosted: true })).id;
    await net.join(c, de);
    await net.refreshDirectories();
    await c.services.exchange.membership.refreshDirectory(de);
    await net.a.services.matching.sync.sync(net.pt);
    await eventually(async () => (await c.services.matching.keys.current(de))?.epoch === 1, 'the network key at DE');

    cases.pt = await addCase(net.a, net.pt, 'PT-2024-017');
    cases.es = await addCase(net.b, net.es, 'ES-OP-ARAÑA');
    cases.fr = await addCase(net.b, net.fr, 'FR-OFMIN-88');
    cases.de = await addCase(c, de, 'DE-BKA-5');
    const scene = await noisyJpeg(800, 600, 71, 92, 4);
    const second = await sharp(scene).resize(400, 300).jpeg({ quality: 80 }).toBuffer();
    media.pt1 = (await addImage(net.a, cases.pt!, scene)).id;
    media.pt2 = (await addImage(net.a, cases.pt!, second)).id;
    media.es = (await addImage(net.b, cases.es!, await sharp(scene).jpeg({ quality: 55 }).toBuffer())).id;
    media.de = (await addImage(c, cases.de!, scene)).id;
    media.fr = (await addImage(net.b, cases.fr!, await noisyJpeg(800, 600, 72, 92, 4))).id;
    await sync([net.pt, net.es, net.fr, de]);
    // Passes run when the test says (the background pass would race the counts asserted here).
    for (const node of [net.a, net.b, c]) {
      await node.services.seriesPropagation.stop();
      node.services.seriesPropagation.start(undefined, { background: false });
    }
  }, 120_000);
  afterAll(async () => {
    await c?.dispose();
    await net?.close();
  });

  it('the hits exist: ES near, DE exact; FR none', async () => {
    const hits = (await net.a.services.matching.hits.list(userCtx(net.pt), { caseId: cases.pt })).items;
    const others = hits.map((h) => `${h.other.agency?.id === net.es ? 'ES' : h.other.agency?.id === de ? 'DE' : '?'} ${h.basis}`).sort();
    expect(others).toEqual(expect.arrayContaining(['DE exact', 'ES near']));
    expect(hits.some((h) => h.other.agency?.id === net.fr)).toBe(false);
  });

  it('PT marks its series identified: ES and DE are told by sealed notice, FR is not', async () => {
    const specialist = userCtx(net.pt, ['victim-id'], 'pt-vid');
    const created = await net.a.services.series.create(specialist, cases.pt!, { name: 'Blue room', mediaIds: [media.pt1!, media.pt2!] });
    seriesId = created.id;
    await net.a.services.series.identify(specialist, cases.pt!, seriesId, { identifiedOn: '2024-05-02', country: 'PT' });
    const sent = await net.a.services.seriesPropagation.propagate(net.pt);
    expect(sent).toMatchObject({ sent: 2, identified: 2, withdrawn: 0 });
    // Nothing new to say: a second pass sends nothing.
    expect((await net.a.services.seriesPropagation.propagate(net.pt)).sent).toBe(0);

    for (const agencyId of [net.es, de]) {
      const [status] = await eventually(async () => {
        const rows = await remote(agencyId);
        return rows.length ? rows : undefined;
      }, `the status at ${agencyId}`);
      expect(status).toMatchObject({ from_agency_id: net.pt, series_ref: seriesId, status: 'identified', identified_by: net.pt, identified_on: '2024-05-02' });
    }
    expect(await remote(net.fr)).toEqual([]);

    const detail = await net.a.services.series.get(specialist, cases.pt!, seriesId);
    expect(detail.notified.map((n) => [n.agency.id, n.status, n.identifiedOn]).sort()).toEqual([
      [de, 'identified', '2024-05-02'],
      [net.es, 'identified', '2024-05-02'],
    ].sort());
    const disclosures = await net.a.services.audit.list({ action: 'series.status.send', caseId: cases.pt! });
    expect(disclosures.map((e) => e.recipients?.[0]).sort()).toEqual([de, net.es].sort());
    expect(disclosures[0]).toMatchObject({ operation: 'disclosure' });
  });

  it('ES sees "identified by PT on 2024-05-02" on its own media, series and dashboard', async () => {
    const es = userCtx(net.es, ['victim-id'], 'es-vid');
    const triage = await net.b.services.seriesTriage.list(es, cases.es!, {});
    expect(triage.items.find((i) => i.id === media.es)).toMatchObject({ identifiedElsewhere: true });
    const own = await net.b.services.series.create(es, cases.es!, { name: 'Unknown girl', mediaIds: [media.es!] });
    expect(own.elsewhere).toEqual([{ agency: { id: net.pt, name: 'Polícia Judiciária (test)', country: 'PT' }, seriesRef: seriesId, status: 'identified', identifiedOn: '2024-05-02', changedAt: expect.any(String), media: 1 }]);
    const dashboard = await net.b.services.dashboard.get(es, cases.es!);
    expect(dashboard.series.identifiedElsewhere).toBe(1);
    expect(dashboard.elsewhere[0]).toMatchObject({ agency: { id: net.pt }, status: 'identified', identifiedOn: '2024-05-02' });
    const received = await net.b.services.audit.list({ action: 'series.status.receive', caseId: cases.es! });
    expect(received[0]).toMatchObject({ operation: 'collection' });
    // FR, on the same node as ES, learns nothing of it.
    expect((await net.b.services.dashboard.get(userCtx(net.fr, ['victim-id']), cases.fr!)).elsewhere).toEqual([]);
  });

  it('withdrawing the identification reaches ES and DE too; identifying again replaces it', async () => {
    const specialist = userCtx(net.pt, ['victim-id'], 'pt-vid');
    await net.a.services.series.withdraw(specialist, cases.pt!, seriesId, 'wrong child');
    expect(await net.a.services.seriesPropagation.propagate(net.pt)).toMatchObject({ sent: 2, withdrawn: 2 });
    for (const agencyId of [net.es, de]) {
      await eventually(async () => (await remote(agencyId))[0]?.status === 'withdrawn', `the withdrawal at ${agencyId}`);
    }
    const es = userCtx(net.es, ['victim-id'], 'es-vid');
    expect((await net.b.services.seriesTriage.list(es, cases.es!, {})).items.find((i) => i.id === media.es)!.identifiedElsewhere).toBe(false);
    expect((await net.b.services.dashboard.get(es, cases.es!)).series.identifiedElsewhere).toBe(0);

    await net.a.services.series.identify(specialist, cases.pt!, seriesId, { identifiedOn: '2024-06-01' });
    await net.a.services.seriesPropagation.propagate(net.pt);
    await eventually(async () => (await remote(de))[0]?.identified_on === '2024-06-01', 'the new identification at DE');
    expect((await remote(de))[0]).toMatchObject({ status: 'identified' });
  });

  it('merging the series away withdraws it under its old reference and announces the series it went into', async () => {
    const specialist = userCtx(net.pt, ['victim-id'], 'pt-vid');
    const target = await net.a.services.series.create(specialist, cases.pt!, { name: 'School' });
    await net.a.services.series.identify(specialist, cases.pt!, target.id, { identifiedOn: '2024-06-02' });
    await net.a.services.series.merge(specialist, cases.pt!, target.id, { seriesIds: [seriesId] });
    expect(await net.a.services.seriesPropagation.propagate(net.pt)).toMatchObject({ identified: 2, withdrawn: 2 });
    await eventually(async () => {
      const rows = await remote(net.es);
      return rows.find((r) => r.series_ref === seriesId)?.status === 'withdrawn' && rows.find((r) => r.series_ref === target.id)?.status === 'identified';
    }, 'the merge at ES');
  });

  it('an agency whose item is owner-only tells nobody until it accepts the hit', async () => {
    const deInv = userCtx(de, ['investigator'], 'de-inv');
    const secret = await addCase(c, de, 'DE-BKA-RED');
    await c.services.matching.sharing.setMediaHandling(deInv, secret, 'TLP:RED');
    const scene = await noisyJpeg(800, 600, 81, 92, 4);
    const mine = (await addImage(c, secret, scene)).id;
    await c.services.matching.sharing.setItemSharing(deInv, secret, 'media', mine, true);
    await addImage(net.b, cases.es!, await sharp(scene).resize(600, 450).jpeg({ quality: 70 }).toBuffer());
    await sync([de, net.es]);
    const [hit] = (await c.services.matching.hits.list(deInv, { caseId: secret })).items;
    expect(hit).toMatchObject({ mine: { mode: 'owner' }, decision: { needed: true }, other: { agency: { id: net.es } } });

    const specialist = userCtx(de, ['victim-id'], 'de-vid');
    const series = await c.services.series.create(specialist, secret, { name: 'Kitchen', mediaIds: [mine] });
    await c.services.series.identify(specialist, secret, series.id, { identifiedOn: '2024-07-01' });
    expect((await c.services.seriesPropagation.propagate(de)).sent).toBe(0);

    await c.services.matching.hits.decide(deInv, hit!.id, 'accept');
    expect(await c.services.seriesPropagation.propagate(de)).toMatchObject({ sent: 1, identified: 1 });
    await eventually(async () => (await remote(net.es)).some((r) => r.from_agency_id === de && r.series_ref === series.id && r.status === 'identified'), 'the status from DE at ES');
  });

  it('a clue’s crop, never the picture, goes to another agency in a sealed message', async () => {
    const specialist = userCtx(net.pt, ['victim-id'], 'pt-vid');
    const bytes = await noisyJpeg(800, 600, 91, 90, 4);
    const item = await addImage(net.a, cases.pt!, bytes);
    // addImage records the item without its bytes; a clue is cut from the stored picture, so store it.
    await net.a.services.blobs.put('media', item.hash.sha256, bytes);
    const clue = await net.a.services.clues.create(specialist, cases.pt!, item.id, { kind: 'logo', label: 'Hotel logo', note: 'on the towel', region: { x: 0.5, y: 0.5, w: 0.25, h: 0.25 } });
    await expect(net.a.services.clues.share(specialist, cases.pt!, { clueIds: [clue.id], to: [net.es] })).rejects.toThrow(/not marked shareable/);
    await net.a.services.clues.update(specialist, cases.pt!, clue.id, { shareable: true });
    const { messageId } = await net.a.services.clues.share(specialist, cases.pt!, { clueIds: [clue.id], to: [net.es], note: 'Do you know this logo?' });

    const es = userCtx(net.es, ['victim-id'], 'es-vid');
    const received = await eventually(async () => (await net.b.services.exchange.messages.list(es, { box: 'in' })).items.find((m) => m.messageId === messageId), 'the clue message at ES');
    const message = await net.b.services.exchange.messages.get(es, received.id);
    expect(message.body).toContain('1. Logo: Hotel logo — on the towel');
    expect(message.attachments).toEqual([expect.objectContaining({ name: 'clue-1-logo.jpg', mediaType: 'image/jpeg' })]);
    const file = await net.b.services.exchange.messages.download(es, received.id, 0);
    const chunks: Buffer[] = [];
    for await (const chunk of file.stream) chunks.push(chunk as Buffer);
    expect(await sharp(Buffer.concat(chunks)).metadata()).toMatchObject({ width: 200, height: 150 });
    const disclosed = await net.a.services.audit.list({ action: 'clue.share', caseId: cases.pt! });
    expect(disclosed[0]).toMatchObject({ operation: 'disclosure', recipients: [net.es] });
  });
});
