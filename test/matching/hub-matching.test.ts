import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { ephemeralMasterKey } from '../../src/exchange/crypto/master-key.js';
import { createHubMatching, type HubMatching } from '../../src/matching/hub/hub-matching.js';
import type { PublishRequest } from '../../src/matching/hub-protocol.js';
import type { DisclosureMode } from '../../src/matching/vocabulary.js';
import { newId, nowIso } from '../../src/store/ids.js';
import { createTestStore, testDialects, type TestStore } from '../support/stores.js';

const token = () => randomBytes(32).toString('base64url');
const pdq = () => randomBytes(32).toString('hex');
function flip(hex: string, bits: number): string {
  const b = Buffer.from(hex, 'hex');
  for (let i = 0; i < bits; i++) b[i >> 3]! ^= 1 << (i & 7);
  return b.toString('hex');
}
const item = (tokens: string[], mode: DisclosureMode = 'full', extra: Partial<PublishRequest['items'][number]> = {}): PublishRequest['items'][number] => ({
  ref: randomUUID(),
  kind: 'selector',
  mode,
  tokens,
  ...extra,
});

describe.each(testDialects)('hub match index on %s', (dialect) => {
  let store: TestStore;
  let hub: HubMatching;
  const [a, b, c] = [newId(), newId(), newId()];

  beforeAll(async () => {
    store = await createTestStore(dialect);
    const now = Date.now();
    for (const [i, id] of [a, b, c].entries()) {
      await store.db
        .insertInto('hub_members')
        .values({ agency_id: id, name: `Agency ${i}`, country: 'PT', status: 'active', node_url: null, enrolment_id: newId(), joined_at: nowIso(), updated_at: nowIso(), approved_at: nowIso(now + i * 1000), approved_by: 'test' })
        .execute();
    }
    hub = createHubMatching({ db: store.db, audit: createAuditLog({ db: store.db, masterKey: ephemeralMasterKey() }) });
    await hub.start();
  });
  afterAll(async () => {
    hub?.stop();
    await store?.dispose();
  });

  it('lets only the founding agency (first approved) announce epochs, one at a time', async () => {
    expect(await hub.state()).toMatchObject({ epoch: 0, founder: null, nextFounder: a });
    await expect(hub.publish(a, { epoch: 1, items: [item([token()])] })).rejects.toThrow(/no match key/);
    await expect(hub.announce(b, 1)).rejects.toThrow(/founding agency/);
    await expect(hub.announce(a, 2)).rejects.toThrow(/next epoch is 1/);
    expect(await hub.announce(a, 1)).toMatchObject({ epoch: 1, founder: a });
    await expect(hub.publish(a, { epoch: 2, items: [item([token()])] })).rejects.toThrow(/current epoch/);
  });

  it('records exact and near hits between agencies, never within one, and feeds them to both sides', async () => {
    const shared = token();
    const p = pdq();
    const first = item([shared, token()]);
    const own = item([shared]);
    await hub.publish(a, { epoch: 1, items: [first, item([token()], 'full', { kind: 'media', pdq: p })] });
    expect((await hub.publish(a, { epoch: 1, items: [own] })).hits).toBe(0);

    const second = item([token(), shared], 'contact');
    const near = item([token()], 'full', { kind: 'media', pdq: flip(p, 20) });
    const far = item([token()], 'full', { kind: 'media', pdq: flip(p, 40) });
    expect(await hub.publish(b, { epoch: 1, items: [second, near, far] })).toMatchObject({ stored: 3, hits: 3 });

    const atA = await hub.changes(a, 0, 100);
    const atB = await hub.changes(b, 0, 100);
    const hitsA = atA.changes.filter((x) => x.op === 'upsert').map((x) => x.hit!);
    const hitsB = atB.changes.filter((x) => x.op === 'upsert').map((x) => x.hit!);
    expect(hitsA.map((h) => [h.basis, h.distance]).sort()).toEqual([['exact', null], ['exact', null], ['near', 20]].sort());
    expect(hitsA.every((h) => h.otherAgencyId === b && h.status === 'new')).toBe(true);
    expect(hitsB.find((h) => h.myRef === near.ref)).toMatchObject({ basis: 'near', distance: 20, otherAgencyId: a, otherKind: 'media' });
    expect(hitsB.some((h) => h.myRef === far.ref)).toBe(false);
    expect(atA.next).toBeGreaterThan(0);
    expect((await hub.changes(a, atA.next, 100)).changes).toEqual([]);

    // Publishing the same item again changes nothing; a new mode only re-tells.
    expect(await hub.publish(b, { epoch: 1, items: [second] })).toMatchObject({ stored: 0, unchanged: 1, hits: 0 });
  });

  it('hides an owner-only item’s hit from the other side until accepted; a decline keeps it hidden', async () => {
    const t1 = token();
    const t2 = token();
    const red1 = item([t1], 'owner');
    const red2 = item([t2], 'owner');
    await hub.publish(a, { epoch: 1, items: [red1, red2] });
    const cursorC = (await hub.changes(c, 0, 1000)).next;
    await hub.publish(c, { epoch: 1, items: [item([t1]), item([t2])] });
    const atC = await hub.changes(c, cursorC, 100);
    expect(atC.changes).toEqual([]);
    const atA = (await hub.changes(a, 0, 1000)).changes.filter((x) => x.hit && (x.hit.myRef === red1.ref || x.hit.myRef === red2.ref)).map((x) => x.hit!);
    expect(atA).toHaveLength(2);
    expect(atA.every((h) => h.needsDecision && h.otherAgencyId === c && h.myMode === 'owner')).toBe(true);

    const declined = atA.find((h) => h.myRef === red1.ref)!;
    const accepted = atA.find((h) => h.myRef === red2.ref)!;
    await expect(hub.decide(c, declined.hitId, 'accept')).rejects.toThrow(/not found/i);
    await hub.decide(a, declined.hitId, 'decline');
    await hub.decide(a, accepted.hitId, 'accept');
    await expect(hub.decide(a, accepted.hitId, 'decline')).rejects.toThrow(/no decision/);
    const later = (await hub.changes(c, cursorC, 100)).changes;
    expect(later.map((x) => x.hitId)).toEqual([accepted.hitId]);
    expect(later[0]!.hit).toMatchObject({ otherAgencyId: a, needsDecision: false });
    await expect(hub.setStatus(c, declined.hitId, 'acknowledged')).rejects.toThrow(/not found/i);
  });

  it('moves deconfliction forward only, for both sides', async () => {
    const t = token();
    await hub.publish(a, { epoch: 1, items: [item([t])] });
    await hub.publish(c, { epoch: 1, items: [item([t])] });
    const hit = (await hub.changes(c, 0, 1000)).changes.filter((x) => x.op === 'upsert').at(-1)!.hit!;
    expect(await hub.setStatus(c, hit.hitId, 'in-contact')).toMatchObject({ status: 'in-contact', statusBy: 'me' });
    await expect(hub.setStatus(a, hit.hitId, 'acknowledged')).rejects.toThrow(/cannot become/);
    const seenByA = (await hub.changes(a, 0, 1000)).changes.filter((x) => x.hitId === hit.hitId).at(-1)!.hit!;
    expect(seenByA).toMatchObject({ status: 'in-contact', statusBy: 'other' });
    await hub.setStatus(a, hit.hitId, 'deconflicted');
    await expect(hub.setStatus(c, hit.hitId, 'not-relevant')).rejects.toThrow(/cannot become/);
  });

  it('withdrawing removes tokens, the PDQ hash and every hit resting on the item, telling each side that saw it', async () => {
    const t = token();
    const p = pdq();
    const mine = item([t], 'full', { kind: 'media', pdq: p });
    await hub.publish(a, { epoch: 1, items: [mine] });
    await hub.publish(b, { epoch: 1, items: [item([token()], 'full', { kind: 'media', pdq: flip(p, 3) })] });
    const cursorB = (await hub.changes(b, 0, 1000)).next;
    const hitId = (await hub.changes(a, 0, 1000)).changes.filter((x) => x.hit?.myRef === mine.ref).at(-1)!.hitId;
    expect(await hub.withdraw(a, [mine.ref])).toEqual({ withdrawn: 1, hitsRemoved: 1 });
    expect((await hub.changes(b, cursorB, 100)).changes).toEqual([{ seq: expect.any(Number), hitId, op: 'remove' }]);
    expect(await store.db.selectFrom('hub_match_items').select('seq').where('ref', '=', mine.ref).execute()).toEqual([]);
    // Neither its token nor its PDQ hash matches any more (only B's near-duplicate does), and another agency's
    // withdraw of a ref it does not own does nothing.
    expect((await hub.publish(c, { epoch: 1, items: [item([t], 'full', { kind: 'media', pdq: p })] })).hits).toBe(1);
    expect(await hub.withdraw(c, [mine.ref])).toEqual({ withdrawn: 0, hitsRemoved: 0 });
  });

  it('after a rotation matches only within the new epoch; re-publishing an item keeps its hits', async () => {
    const t = token();
    const old = item([t]);
    await hub.publish(a, { epoch: 1, items: [old] });
    const other = item([t]);
    await hub.publish(b, { epoch: 1, items: [other] });
    const hitsBefore = await store.db.selectFrom('hub_match_hits').select('id').where('b_ref', '=', other.ref).execute();
    expect(hitsBefore).toHaveLength(1);
    await hub.announce(a, 2);
    await expect(hub.publish(b, { epoch: 1, items: [item([t])] })).rejects.toThrow(/current epoch \(2\)/);
    // Re-tokenised under epoch 2 (new tokens), same references: the hit stays.
    const t2 = token();
    await hub.publish(a, { epoch: 2, items: [{ ...old, tokens: [t2] }] });
    expect(await store.db.selectFrom('hub_match_items').select('epoch').where('ref', '=', old.ref).executeTakeFirstOrThrow()).toEqual({ epoch: 2 });
    // An epoch-1 item no longer matches an epoch-2 one.
    expect((await hub.publish(c, { epoch: 2, items: [item([t])] })).hits).toBe(0);
    expect((await hub.publish(b, { epoch: 2, items: [{ ...other, tokens: [t2] }] })).hits).toBe(0);
    expect(await store.db.selectFrom('hub_match_hits').select('id').where('b_ref', '=', other.ref).execute()).toEqual(hitsBefore);
    expect((await hub.publish(c, { epoch: 2, items: [item([t2])] })).hits).toBe(2);
  });

  it('drops change-feed entries older than a month', async () => {
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    await store.db.insertInto('hub_match_changes').values({ agency_id: a, hit_id: newId(), op: 'remove', at: old }).execute();
    const before = await store.db.selectFrom('hub_match_changes').select('seq').execute();
    await hub.maintenance();
    const after = await store.db.selectFrom('hub_match_changes').select('seq').execute();
    expect(after.length).toBe(before.length - 1);
  });

  it('rebuilds its memory from the database', async () => {
    const before = await hub.overview();
    hub.reset();
    const after = await hub.overview();
    expect(after).toMatchObject({ items: before.items, tokens: before.tokens, pdq: before.pdq, hits: before.hits });
    expect(after.items).toBeGreaterThan(10);
  });
});
