import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoOnion, seedCasework, type CaseworkSummary } from '../../src/exchange/demo/seed-casework.js';
import { normaliseOnion } from '../../src/intel/selectors/onion.js';
import { startMatchingNetwork, userCtx, type MatchingNetwork } from '../matching/support.js';

describe('demo network casework (npm run demo:network)', () => {
  let net: MatchingNetwork;
  let seeded: CaseworkSummary;
  const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-demo-seed-'));

  beforeAll(async () => {
    net = await startMatchingNetwork();
    seeded = await seedCasework(
      {
        pt: { services: net.a.services, agencyId: net.pt, ctx: userCtx(net.pt, ['investigator', 'analyst']) },
        es: { services: net.b.services, agencyId: net.es, ctx: userCtx(net.es) },
      },
      work,
    );
  }, 120_000);
  afterAll(async () => {
    await net?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('the demo onion address is a valid v3 address', () => {
    expect(normaliseOnion(demoOnion())).toMatchObject({ valid: true });
  });

  it('PT’s case holds records, confirmed selectors, ingested media with near-duplicates, an assessment and proposals', async () => {
    const pt = userCtx(net.pt, ['investigator', 'analyst']);
    const services = net.a.services;
    expect(seeded.pt.reference).toBe('DEMO-OP-1');
    expect((await services.records.list(pt, seeded.pt.caseId, { limit: 500, offset: 0 })).total).toBeGreaterThan(10);
    const selectors = await net.a.services.db.selectFrom('selectors').select(['type', 'status']).where('case_id', '=', seeded.pt.caseId).where('status', '=', 'confirmed').execute();
    expect(new Set(selectors.map((s) => s.type))).toEqual(new Set(['handle', 'onion', 'email']));
    const media = await services.db.selectFrom('case_media').select('media_id').where('case_id', '=', seeded.pt.caseId).execute();
    expect(media.length).toBeGreaterThanOrEqual(15);
    expect(seeded.pt.media).toBe(media.length);
    expect(seeded.pt.nearDuplicates).toBeGreaterThan(0);
    const assessment = await services.db.selectFrom('location_assessments').select('case_id').where('id', '=', seeded.pt.assessmentId).executeTakeFirst();
    expect(assessment?.case_id).toBe(seeded.pt.caseId);
    expect((await services.seriesProposals.list(pt, seeded.pt.caseId)).items.length).toBeGreaterThan(0);
  });

  it('PT and ES each see an exact handle hit and a near media hit with the other', async () => {
    for (const [agencyId, node, reference] of [
      [net.pt, net.a, 'DEMO-OP-1'],
      [net.es, net.b, 'DEMO-ES-7'],
    ] as const) {
      const hits = (await node.services.matching.hits.list(userCtx(agencyId), {})).items;
      const other = agencyId === net.pt ? net.es : net.pt;
      expect(hits.find((h) => h.mine.kind === 'selector'), agencyId).toMatchObject({ basis: 'exact', mine: { caseReference: reference }, other: { agency: { id: other } } });
      expect(hits.find((h) => h.mine.kind === 'media'), agencyId).toMatchObject({ basis: 'near', other: { agency: { id: other } } });
    }
    expect(seeded.pt.hits).toBeGreaterThanOrEqual(2);
    expect(seeded.es.hits).toBeGreaterThanOrEqual(2);
  });
});
