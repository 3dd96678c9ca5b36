import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { createTestApp, type TestApp, type TestUser } from '../support/app.js';
import { testDialects } from '../support/stores.js';

/**
 * The routes are read from the app itself, so a route added later is covered without editing this test: on every route
 * with a case in its path, a user of another agency gets 404 (the case's existence is not disclosed) and a user of the
 * lead agency without a case role gets 403; every non-public route refuses anonymous callers.
 */
describe.each(testDialects)('authorisation on %s', (dialect) => {
  let t: TestApp;
  let caseId: string;
  let otherAgencyInvestigator: TestUser;
  let sameAgencyAdmin: TestUser;
  let sameAgencyAuditor: TestUser;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const pt = await t.agency('PT agency', 'PT');
    const es = await t.agency('ES agency', 'ES');
    const lead = await t.user(pt, ['investigator']);
    otherAgencyInvestigator = await t.user(es, ['investigator', 'analyst', 'victim-id', 'prosecutor']);
    sameAgencyAdmin = await t.user(pt, ['admin']);
    sameAgencyAuditor = await t.user(pt, ['auditor'], { via: 'token' });
    caseId = (await lead.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'AUTHZ-1', title: 't' } })).json().id;
  });
  afterAll(async () => t.close());

  const caseRoutes = () => t.app.apiRoutes.filter((r) => r.url.includes('/cases/:'));

  function call(user: TestUser, route: { method: string; url: string }) {
    const url = route.url.replace(':id', caseId).replace(/:[A-Za-z]+/g, '00000000-0000-7000-8000-000000000000');
    const options: InjectOptions = { method: route.method as InjectOptions['method'], url };
    if (!['GET', 'DELETE'].includes(route.method)) options.payload = {};
    return user.request(options);
  }

  it('declares case access on every route with a case in its path', () => {
    expect(caseRoutes().length).toBeGreaterThanOrEqual(5);
    for (const route of caseRoutes()) expect({ route: route.url, kind: route.access.kind }).toEqual({ route: route.url, kind: 'case' });
  });

  it('answers 404 on every case route to a user of another agency', async () => {
    for (const route of caseRoutes()) {
      const res = await call(otherAgencyInvestigator, route);
      expect({ ...route, status: res.statusCode }).toEqual({ ...route, status: 404 });
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('answers 403 on every case route to users of the lead agency without a case role', async () => {
    for (const user of [sameAgencyAdmin, sameAgencyAuditor]) {
      for (const route of caseRoutes()) {
        const res = await call(user, route);
        expect({ ...route, status: res.statusCode }).toEqual({ ...route, status: 403 });
      }
    }
  });

  it('answers 401 on every non-public route to an anonymous caller', async () => {
    const guarded = t.app.apiRoutes.filter((r) => r.access.kind !== 'public');
    expect(guarded.length).toBeGreaterThan(10);
    for (const route of guarded) {
      const res = await t.app.inject({ method: route.method as InjectOptions['method'], url: route.url.replace(/:[A-Za-z]+/g, caseId) });
      expect({ ...route, status: res.statusCode }).toEqual({ ...route, status: 401 });
    }
  });

  it('refuses a route that declares no access policy', async () => {
    const app = await buildApp({ services: t.services, webDir: '/nonexistent' });
    expect(() => app.get('/api/v1/unprotected', async () => 'oops')).toThrow(/declares no access policy/);
    await app.close();
  });
});
