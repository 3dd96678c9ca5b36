import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../support/app.js';
import { testDialects } from '../support/stores.js';

describe.each(testDialects)('the node on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t.close());

  it('sets up the first agency and admin once, with the one-time token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/setup' })).json()).toEqual({ pending: true });
    const token = (await t.services.setup.issueToken())!;
    const payload = {
      token,
      agency: { name: 'Polícia Judiciária', country: 'pt' },
      admin: { username: 'ana', password: TEST_PASSWORD, roles: ['admin', 'investigator'] },
    };
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: { ...payload, token: 'x'.repeat(20) } });
    expect(bad.statusCode).toBe(401);
    const done = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload });
    expect(done.statusCode).toBe(201);
    expect(done.json()).toMatchObject({ agency: { country: 'PT', hosted: true }, admin: { username: 'ana' } });
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/setup' })).json()).toEqual({ pending: false });
    expect(await t.services.setup.issueToken()).toBeNull();
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'ana', password: TEST_PASSWORD } });
    expect(login.statusCode).toBe(200);
  });

  it('refuses an unknown country code at setup', async () => {
    const fresh = await createTestApp(dialect);
    try {
      const token = (await fresh.services.setup.issueToken())!;
      const res = await fresh.app.inject({
        method: 'POST',
        url: '/api/v1/setup',
        payload: { token, agency: { name: 'Home Office unit', country: 'UK' }, admin: { username: 'x1', password: TEST_PASSWORD, roles: ['admin'] } },
      });
      expect(res.json()).toMatchObject({ status: 400, code: 'invalid-country' });
      expect(await fresh.services.agencies.list()).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('sends security headers on every response', async () => {
    for (const url of ['/api/v1/setup', '/health/live', '/no/such/thing']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-request-id']).toBeTruthy();
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
    const tls = await t.app.inject({ method: 'GET', url: '/health/live', headers: { 'x-forwarded-proto': 'https' } });
    expect(tls.headers['strict-transport-security']).toBeUndefined(); // proxies are not trusted unless configured
  });

  it('publishes the OpenAPI document with every API route', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    for (const path of ['/api/v1/session', '/api/v1/me', '/api/v1/cases', '/api/v1/cases/{id}', '/api/v1/audit']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/docs' })).statusCode).toBeLessThan(400);
  });

  it('declares schemas on every API route: a 2xx response, its path parameters, and a body where one is read', async () => {
    // Requests that change state without a JSON body: actions named by their path, and streamed uploads whose
    // handlers read multipart or raw bytes. A new route that takes a body must declare its schema or be listed here.
    const bodiless = new Set([
      'post /api/v1/me/totp',
      'post /api/v1/messages/attachments',
      'post /api/v1/network/keys/rotate',
      'post /api/v1/network/sync',
      'post /api/v1/matching/key',
      'post /api/v1/matching/sync',
      'post /api/v1/cases/{id}/imports',
      'post /api/v1/cases/{id}/ingests',
      'post /api/v1/hashsets',
      'post /api/v1/cases/{id}/location-assessments/{assessmentId}/recompute',
      'post /api/v1/cases/{id}/series-proposals/refresh',
      'post /api/v1/cases/{id}/series-proposals/{proposalId}/reopen',
    ]);
    type Operation = { responses?: Record<string, { content?: unknown }>; requestBody?: unknown; parameters?: { in: string }[] };
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json() as { paths: Record<string, Record<string, Operation>> };
    const problems: string[] = [];
    let operations = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/v1')) continue;
      for (const [method, op] of Object.entries(ops)) {
        operations++;
        const key = `${method} ${path}`;
        const success = Object.entries(op.responses ?? {}).filter(([code]) => code.startsWith('2'));
        if (success.length === 0) problems.push(`${key}: no 2xx response schema`);
        const inPath = (path.match(/\{\w+\}/g) ?? []).length;
        if ((op.parameters ?? []).filter((p) => p.in === 'path').length !== inPath) problems.push(`${key}: path parameters not declared`);
        if (['post', 'put', 'patch'].includes(method) && !op.requestBody && !bodiless.has(key)) problems.push(`${key}: no body schema`);
      }
    }
    expect(operations).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  });

  it('reports liveness and readiness', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).json()).toEqual({ status: 'ok' });
  });

  it('answers unknown API paths with problem+json 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('answers an internal failure with a 500 that leaks nothing', async () => {
    const { buildApp } = await import('../../src/server/app.js');
    const app = await buildApp({ services: t.services, webDir: '/nonexistent' });
    app.get('/api/v1/explode', { config: { access: { kind: 'public' } } }, async () => {
      throw new Error('secret database detail at /var/lib/x');
    });
    const res = await app.inject({ method: 'GET', url: '/api/v1/explode' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');
    expect(res.json()).toMatchObject({ status: 500, code: 'internal-error', requestId: expect.any(String) });
    await app.close();
  });
});
