import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HANDLE, seedDemoAssessment } from '../../src/geo/assessment-demo.js';
import { systemActor } from '../../src/identity/actor.js';
import { createTestApp, type TestApp } from '../support/app.js';

describe('the demo location assessment', () => {
  let t: TestApp;
  afterAll(async () => t.close());
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });

  it('imports neutral posts of one identity and assesses it: Portugal leads, with the clue listed', async () => {
    const agency = await t.agency('Demo agency', 'PT');
    const ctx = { actor: systemActor('demo', agency) };
    const investigator = await t.user(agency, ['investigator']);
    const caseId = (await investigator.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'DEMO-LOC-1', title: 'Demo' } })).json().id as string;
    const a = await seedDemoAssessment(t.services, ctx, caseId, { from: new Date(Date.UTC(2025, 1, 1)), days: 90 });
    expect(a.subject).toMatchObject({ type: 'identity', label: DEMO_HANDLE });
    expect(a.evidence.map((e) => e.kind)).toEqual(['activity', 'language', 'clue']);
    expect(a.result.countries[0]!.code).toBe('PT');
    expect(a.result.explanation).toMatch(/European Portuguese/);
  });
});
