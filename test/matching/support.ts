import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashFile, type ImageHashResult } from '../../src/media/index.js';
import { newId, nowIso } from '../../src/store/ids.js';
import type { HandlingCode, SelectorType } from '../../src/intel/vocabulary.js';
import { eventually, startNetwork, userCtx, type TestNetwork, type TestNode } from '../network/support.js';

export { eventually, userCtx };

/** Hub + node A (PT) + node B (ES, FR), every agency a member; PT (approved first) founds the network key. */
export interface MatchingNetwork extends TestNetwork {
  nodeOf(agencyId: string): TestNode;
  /** One sync of every agency, in the order given (default PT, ES, FR), then another round to pull what followed. */
  syncAll(order?: string[]): Promise<void>;
}

/** `web`: the nodes serve the built web app (browser tests). */
export async function startMatchingNetwork(options: { web?: boolean } = {}): Promise<MatchingNetwork> {
  const net = await startNetwork(options);
  const nodeOf = (agencyId: string) => (agencyId === net.pt ? net.a : net.b);
  const matching: MatchingNetwork = {
    ...net,
    nodeOf,
    async syncAll(order = [net.pt, net.es, net.fr]) {
      for (let round = 0; round < 2; round++) for (const agencyId of order) await nodeOf(agencyId).services.matching.sync.sync(agencyId);
    },
  };
  const status = await net.a.services.matching.sharing.createKey(userCtx(net.pt, ['admin'], 'pt-admin'));
  if (status.key?.epoch !== 1) throw new Error('the founding agency did not get its key');
  for (const agencyId of [net.es, net.fr]) {
    await eventually(async () => (await net.b.services.matching.keys.current(agencyId))?.epoch === 1, `the network key at ${agencyId}`);
  }
  return matching;
}

export async function addCase(node: TestNode, agencyId: string, reference: string): Promise<string> {
  return (await node.services.cases.create(userCtx(agencyId), { reference, title: `Case ${reference}` })).id;
}

export async function addSelector(node: TestNode, agencyId: string, caseId: string, type: SelectorType, value: string, handlingCode: HandlingCode, platform?: string): Promise<string> {
  return (await node.services.selectors.add(userCtx(agencyId), caseId, { type, value, handlingCode, ...(platform ? { platform } : {}) })).id;
}

/** Hashes image bytes like ingest does and records them as a media item of the case (no blob: matching needs none). */
export async function addImage(node: TestNode, caseId: string, bytes: Buffer): Promise<{ id: string; hash: ImageHashResult }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-match-img-'));
  try {
    const file = path.join(dir, 'image.jpg');
    writeFileSync(file, bytes);
    const hash = (await hashFile(file)) as ImageHashResult;
    const now = nowIso();
    // Media are node-wide (one row per sha256); a case links to them.
    const held = await node.services.db.selectFrom('media').select('id').where('sha256', '=', hash.sha256).executeTakeFirst();
    const id = held?.id ?? newId();
    if (!held) await node.services.db
      .insertInto('media')
      .values({
        id,
        sha256: hash.sha256,
        md5: hash.md5,
        sha1: hash.sha1,
        size: hash.size,
        type: hash.type,
        mime: hash.mime,
        kind: 'image',
        width: hash.width,
        height: hash.height,
        duration: null,
        pdq: hash.pdq,
        pdq_quality: hash.quality,
        vpdq: null,
        camera_make: null,
        camera_model: null,
        camera_serial: null,
        capture_time: null,
        capture_offset: null,
        gps_lat: null,
        gps_lon: null,
        metadata: '{}',
        has_thumbnail: 0,
        problem: null,
        problem_detail: null,
        near_group: null,
        first_ingest_id: null,
        created_at: now,
      })
      .execute();
    await node.services.db
      .insertInto('case_media')
      .values({ case_id: caseId, media_id: id, category: 'uncategorised', category_scheme: 'tessera', category_code: 'uncategorised', category_source: 'examiner', categorised_by: null, categorised_at: null, first_ingest_id: null, added_at: now })
      .execute();
    return { id, hash };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
