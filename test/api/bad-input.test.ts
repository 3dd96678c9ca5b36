import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestUser } from '../support/app.js';
import { testDialects } from '../support/stores.js';

describe.each(testDialects)('bad input on %s', (dialect) => {
  let t: TestApp;
  let u: TestUser;
  const casesCount = async () => Number((await t.store.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    t = await createTestApp(dialect, { TESSERA_BODY_LIMIT_BYTES: '4096' });
    u = await t.user(await t.agency(), ['investigator']);
  });
  afterAll(async () => t.close());

  const cases: { name: string; body: string; contentType?: string; status: number; code: string }[] = [
    { name: 'malformed JSON', body: '{"reference": "A", "title": ', status: 400, code: 'invalid-json' },
    { name: 'wrong types', body: JSON.stringify({ reference: 12, title: ['x'] }), status: 400, code: 'validation-failed' },
    { name: 'an unknown field', body: JSON.stringify({ reference: 'A-1', title: 'x', lead_agency_id: 'someone-else' }), status: 400, code: 'validation-failed' },
    { name: 'a missing field', body: JSON.stringify({ reference: 'A-1' }), status: 400, code: 'validation-failed' },
    { name: 'a bad date', body: JSON.stringify({ reference: 'A-1', title: 'x', reviewDate: '31/12/2026' }), status: 400, code: 'validation-failed' },
    { name: 'an oversized body', body: JSON.stringify({ reference: 'A-1', title: 'x', description: 'y'.repeat(10_000) }), status: 413, code: 'body-too-large' },
    { name: 'a form post', body: 'reference=A-1&title=x', contentType: 'application/x-www-form-urlencoded', status: 415, code: 'unsupported-media-type' },
    { name: 'a JSON array', body: '[]', status: 400, code: 'validation-failed' },
  ];

  for (const c of cases) {
    it(`answers ${c.name} with ${c.status} problem+json and writes nothing`, async () => {
      const before = await casesCount();
      const res = await u.request({ method: 'POST', url: '/api/v1/cases', payload: c.body, headers: { 'content-type': c.contentType ?? 'application/json' } });
      expect(res.statusCode).toBe(c.status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: c.status, code: c.code, requestId: expect.any(String), detail: expect.any(String) });
      expect(await casesCount()).toBe(before);
    });
  }

  it('names the offending field', async () => {
    const res = await u.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'A-2', title: 'x', extra: 1 } });
    expect(res.json().errors).toEqual([{ path: 'body/extra', message: 'is not a known field' }]);
  });

  it('rejects bad query parameters and path ids', async () => {
    expect((await u.request({ method: 'GET', url: '/api/v1/cases?limit=9999' })).statusCode).toBe(400);
    expect((await u.request({ method: 'GET', url: '/api/v1/cases?status=nonsense' })).statusCode).toBe(400);
    expect((await u.request({ method: 'GET', url: '/api/v1/cases/not-a-uuid' })).statusCode).toBe(404);
  });
});
