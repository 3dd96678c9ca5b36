/**
 * Casework for the demo network, so that a newcomer who signs in sees every area at work: PT's case DEMO-OP-1 with
 * the demo forum identity's posts and its location assessment, intelligence records and selectors, generated pictures
 * taken in by the real ingest (near-duplicates, series proposals); ES's case DEMO-ES-7 with the same handle written
 * differently and one of PT's pictures recompressed, so that hit/no-hit finds an exact selector hit and a near media
 * hit. Texts are neutral software and logistics chatter; pictures are generated shapes and noise only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { seedDemoAssessment } from '../../geo/assessment-demo.js';
import { systemActor } from '../../identity/actor.js';
import type { RequestContext } from '../../identity/context.js';
import { onionV3Address } from '../../intel/selectors/onion.js';
import { noisyJpeg, rng, shapesSvg } from '../../media/testing/images.js';
import type { Services } from '../../server/services.js';

export interface SeedSide {
  services: Services;
  agencyId: string;
  /** A user of the agency with contribute access to its cases (investigator). */
  ctx: RequestContext;
}

export interface SeededCase {
  caseId: string;
  reference: string;
  records: number;
  selectors: number;
  media: number;
  nearDuplicates: number;
  hits: number;
}

export interface CaseworkSummary {
  pt: SeededCase & { assessmentId: string; seriesProposals: number };
  es: SeededCase;
}

export const PT_CASE = 'DEMO-OP-1';
export const ES_CASE = 'DEMO-ES-7';

/** A valid v3 onion address from a fixed, made-up public key: deterministic and belongs to no real service. */
export function demoOnion(): string {
  const r = rng(0x7e55e7a);
  return onionV3Address(Uint8Array.from({ length: 32 }, () => Math.floor(r() * 256)));
}

const PICTURE = { width: 800, height: 600 };

/** Writes PT's device: shape scenes with noise, plus resized, recompressed, mirrored and identical copies. */
async function writePtDevice(dir: string): Promise<Buffer> {
  const camera = path.join(dir, 'DCIM', '100DEMO');
  const downloads = path.join(dir, 'Download');
  mkdirSync(camera, { recursive: true });
  mkdirSync(downloads, { recursive: true });
  const scenes: Buffer[] = [];
  for (let seed = 1; seed <= 8; seed++) {
    const jpeg = await noisyJpeg(PICTURE.width, PICTURE.height, seed, 88, 4);
    scenes.push(jpeg);
    writeFileSync(path.join(camera, `IMG_${String(seed).padStart(4, '0')}.jpg`), jpeg);
  }
  const copies: [string, Promise<Buffer>][] = [
    ['shared-1-small.jpg', sharp(scenes[0]).resize(640, 480).jpeg({ quality: 70 }).toBuffer()],
    ['shared-2-small.jpg', sharp(scenes[1]).resize(560, 420).jpeg({ quality: 65 }).toBuffer()],
    ['shared-3-small.jpg', sharp(scenes[2]).resize(480, 360).jpeg({ quality: 75 }).toBuffer()],
    ['forwarded-4.jpg', sharp(scenes[3]).jpeg({ quality: 55 }).toBuffer()],
    ['forwarded-5.jpg', sharp(scenes[4]).jpeg({ quality: 50 }).toBuffer()],
    ['forwarded-5-again.jpg', sharp(scenes[4]).resize(720, 540).jpeg({ quality: 60 }).toBuffer()],
    ['mirrored-6.jpg', sharp(scenes[5]).flop().jpeg({ quality: 80 }).toBuffer()],
    ['mirrored-7.jpg', sharp(scenes[6]).flop().jpeg({ quality: 80 }).toBuffer()],
    ['IMG_0001 (copy).jpg', Promise.resolve(scenes[0]!)],
  ];
  for (const [name, bytes] of copies) writeFileSync(path.join(downloads, name), await bytes);
  for (let seed = 20; seed < 23; seed++) {
    writeFileSync(path.join(downloads, `diagram-${seed}.png`), await sharp(Buffer.from(shapesSvg(640, 400, seed, 12))).png().toBuffer());
  }
  return scenes[0]!;
}

/** Writes ES's exhibit: PT's first scene resized and recompressed (a near duplicate) and two unrelated scenes. */
async function writeEsDevice(dir: string, shared: Buffer): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'attachment-0042.jpg'), await sharp(shared).resize(720, 540).jpeg({ quality: 62 }).toBuffer());
  for (const seed of [101, 102]) writeFileSync(path.join(dir, `attachment-${seed}.jpg`), await noisyJpeg(PICTURE.width, PICTURE.height, seed, 85, 4));
}

async function ingest(side: SeedSide, caseId: string, dir: string, source: string): Promise<{ media: number; nearDuplicates: number }> {
  // As `tessera ingest` does: a system actor of the agency, in this process.
  const ctx = { actor: systemActor('demo', side.agencyId) };
  const { record } = await side.services.ingest.prepare(ctx, { caseId, inputs: [dir], source });
  const { summary } = await side.services.ingest.run(ctx, record.id, { workers: 1 });
  return { media: summary.newMedia + summary.alreadyInNode, nearDuplicates: summary.nearDuplicates };
}

async function addRecords(side: SeedSide, caseId: string, records: { kind: 'report' | 'observation' | 'note'; text: string }[]): Promise<number> {
  for (const r of records) await side.services.records.create(side.ctx, caseId, { kind: r.kind, text: r.text, handlingCode: 'TLP:AMBER', dataSubject: 'suspect' });
  return records.length;
}

async function addSelectors(side: SeedSide, caseId: string, selectors: { type: 'handle' | 'onion' | 'email'; value: string; platform?: string }[]): Promise<number> {
  for (const s of selectors) await side.services.selectors.add(side.ctx, caseId, { ...s, handlingCode: 'TLP:AMBER' });
  return selectors.length;
}

async function seedPt(pt: SeedSide, workDir: string): Promise<{ seeded: CaseworkSummary['pt']; shared: Buffer }> {
  const onion = demoOnion();
  const created = await pt.services.cases.create(pt.ctx, {
    reference: PT_CASE,
    title: 'Forum administrator (demo)',
    description: 'Demo case with generated data: a forum identity, its posting times, a few selectors and generated pictures.',
  });
  const caseId = created.id;
  const assessment = await seedDemoAssessment(pt.services, pt.ctx, caseId);
  const records = await addRecords(pt, caseId, [
    { kind: 'report', text: `The forum administrator demo_handle_01 announced that the board moves to ${onion} during the maintenance window next weekend.` },
    { kind: 'observation', text: 'A support address, ops-desk@example.org, is given in the footer of the forum for questions about account migration.' },
    { kind: 'note', text: 'Posting times cluster on weekday office hours; compare with the location assessment before the coordination call.' },
  ]);
  const selectors = await addSelectors(pt, caseId, [
    { type: 'handle', value: 'demo_handle_01', platform: 'forum.example' },
    { type: 'onion', value: onion },
    { type: 'email', value: 'ops-desk@example.org' },
  ]);
  const device = path.join(workDir, 'pt-device');
  const shared = await writePtDevice(device);
  const media = await ingest(pt, caseId, device, 'Demo phone (generated pictures)');
  const proposals = await pt.services.seriesProposals.refresh(pt.ctx, caseId, { inline: true });
  const held = (await pt.services.records.list(pt.ctx, caseId, { limit: 1, offset: 0 })).total;
  return { seeded: { caseId, reference: PT_CASE, records: Math.max(records, held), selectors, ...media, hits: 0, assessmentId: assessment.id, seriesProposals: proposals.open }, shared };
}

async function seedEs(es: SeedSide, workDir: string, shared: Buffer): Promise<SeededCase> {
  const created = await es.services.cases.create(es.ctx, {
    reference: ES_CASE,
    title: 'Board migration (demo)',
    description: 'Demo case with generated data: the same forum account seen from Spain, and an attachment received by e-mail.',
  });
  const caseId = created.id;
  const records = await addRecords(es, caseId, [{ kind: 'report', text: 'The account Demo_Handle_01 on forum.example asked users to download the new client before the migration.' }]);
  const selectors = await addSelectors(es, caseId, [{ type: 'handle', value: 'Demo_Handle_01', platform: 'forum.example' }]);
  const device = path.join(workDir, 'es-exhibit');
  await writeEsDevice(device, shared);
  const media = await ingest(es, caseId, device, 'E-mail attachments (generated pictures)');
  return { caseId, reference: ES_CASE, records, selectors, ...media, hits: 0 };
}

/**
 * Seeds both cases, then syncs both agencies with the hub twice (each side publishes, then pulls what the other
 * published) so that the hits are there at start. The network match key must already be held by both agencies.
 * `workDir` receives the generated pictures before they are ingested.
 */
export async function seedCasework(sides: { pt: SeedSide; es: SeedSide }, workDir: string): Promise<CaseworkSummary> {
  const { seeded: pt, shared } = await seedPt(sides.pt, workDir);
  const es = await seedEs(sides.es, workDir, shared);
  for (let round = 0; round < 2; round++) {
    for (const side of [sides.pt, sides.es]) await side.services.matching.sync.sync(side.agencyId);
  }
  pt.hits = (await sides.pt.services.matching.hits.list(sides.pt.ctx, {})).total;
  es.hits = (await sides.es.services.matching.hits.list(sides.es.ctx, {})).total;
  return { pt, es };
}

/** PT's admin founds the network match key; resolves once every member agency holds it (sealed to it via the hub). */
export async function shareMatchKey(ptAdmin: SeedSide, members: SeedSide[], timeoutMs = 20_000): Promise<void> {
  const status = await ptAdmin.services.matching.sharing.createKey(ptAdmin.ctx);
  const epoch = status.key?.epoch;
  const deadline = Date.now() + timeoutMs;
  for (const m of members) {
    while ((await m.services.matching.keys.current(m.agencyId))?.epoch !== epoch) {
      if (Date.now() > deadline) throw new Error(`the network match key did not reach agency ${m.agencyId}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
