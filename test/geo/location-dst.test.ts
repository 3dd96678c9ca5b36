import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACTIVITY_PARAMS } from '../../src/geo/activity-offsets.js';
import { syntheticTimes } from '../../src/geo/synthetic-activity.js';
import { createTestApp, type TestApp, type TestUser } from '../support/app.js';
import { testDialects } from '../support/stores.js';
import { identityId, importPosts, localIso } from './support.js';

const office = DEFAULT_ACTIVITY_PARAMS.profiles.reduce((a, b) => (b.label.startsWith('office') ? b : a)).hourOfWeek;

/**
 * Posts gathered from a case across a daylight-saving change. Two people keep the same local habits (same generator
 * seed); one lives under a clock that moves forward in spring, the other under a clock that does not, with the same
 * winter offset. Their forum prints local times with the offset of the day. The assessment of the first must favour
 * the country with the moving clock over the one without, and much more so than the assessment of the second: this
 * only holds if every post is read as the instant it was and scored with each zone's real offset at that instant.
 */
const PAIRS = [
  { dst: { zone: 'Europe/London', handle: 'london', country: 'GB' }, fixed: { zone: 'Africa/Accra', handle: 'accra', country: 'GH' }, change: '2024-03-31' },
  { dst: { zone: 'America/New_York', handle: 'newyork', country: 'US' }, fixed: { zone: 'America/Bogota', handle: 'bogota', country: 'CO' }, change: '2024-03-10' },
];

describe.each(testDialects)('location from posts across a daylight-saving change (%s)', (dialect) => {
  let t: TestApp;
  let analyst: TestUser;
  let caseId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const agency = await t.agency('NCA', 'GB');
    const investigator = await t.user(agency, ['investigator']);
    analyst = await t.user(agency, ['analyst']);
    caseId = (await investigator.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'DST-1', title: 'clocks' } })).json().id;
    const posts = PAIRS.flatMap((pair) =>
      [pair.dst, pair.fixed].flatMap((person) =>
        syntheticTimes({ zone: person.zone, from: Date.UTC(2024, 1, 1) / 1000, days: 120, perDay: 2, hourOfWeek: office, seed: 3 }).map((s) => ({
          author: person.handle,
          time: localIso(person.zone, s),
          text: 'ok',
        })),
      ),
    );
    await importPosts(t, agency, caseId, posts);
  });
  afterAll(async () => t.close());

  async function assess(handle: string) {
    const id = await identityId(analyst, caseId, `${handle}@forum.example`);
    const res = await analyst.request({ method: 'POST', url: `/api/v1/cases/${caseId}/location-assessments`, payload: { subject: { type: 'identity', identityId: id }, countryPrior: 'uniform' } });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as { result: { countries: { code: string; probability: number }[] }; evidence: { id: string; detail: { from: string; to: string } }[] };
    return { probability: (code: string) => body.result.countries.find((c) => c.code === code)!.probability, activity: body.evidence.find((e) => e.id === 'activity-posts')! };
  }

  for (const pair of PAIRS) {
    it(`tells ${pair.dst.zone} from ${pair.fixed.zone} by the spring change`, async () => {
      const moving = await assess(pair.dst.handle);
      const still = await assess(pair.fixed.handle);
      // The posts really straddle the change.
      expect(moving.activity.detail.from < pair.change && moving.activity.detail.to > pair.change).toBe(true);
      const ratioMoving = moving.probability(pair.dst.country) / moving.probability(pair.fixed.country);
      const ratioStill = still.probability(pair.dst.country) / still.probability(pair.fixed.country);
      // Activity is weak evidence for one person (habits differ by hours), so the claim is comparative: the moving
      // clock is favoured for the person who lives under it, and far more than for the person who does not.
      expect(ratioMoving).toBeGreaterThan(1);
      expect(ratioMoving / ratioStill).toBeGreaterThan(2);
    });
  }
});
