import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { currentTotp } from '../../src/identity/totp.js';
import { createTestApp, TEST_PASSWORD, type TestApp, type TestUser } from '../support/app.js';
import { testDialects } from '../support/stores.js';

describe.each(testDialects)('sign-in, sessions, tokens and second factor on %s', (dialect) => {
  let t: TestApp;
  let agency: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    agency = await t.agency();
  });
  afterAll(async () => t.close());

  const login = (username: string, password = TEST_PASSWORD, totp?: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password, ...(totp ? { totp } : {}) } });

  it('sets an HttpOnly SameSite=Strict session cookie and a readable CSRF cookie', async () => {
    const u = await t.user(agency, ['investigator'], { username: 'cookie.check' });
    const res = await login(u.username.toUpperCase());
    expect(res.statusCode).toBe(200);
    const session = res.cookies.find((c) => c.name === 'tessera_session')!;
    const csrf = res.cookies.find((c) => c.name === 'tessera_csrf')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(csrf.httpOnly).toBeFalsy();
    expect(res.json()).toMatchObject({ user: { username: 'cookie.check', roles: ['investigator'] }, csrfToken: csrf.value });
    expect(res.body).not.toContain('password');
  });

  it('refuses a state-changing request without the CSRF header', async () => {
    const u = await t.user(agency, ['investigator']);
    const res = await u.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'CSRF-1', title: 'x' }, headers: { 'x-csrf-token': 'forged' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('csrf-failed');
    expect(await t.store.db.selectFrom('cases').select('id').where('reference', '=', 'CSRF-1').execute()).toEqual([]);
  });

  it('answers the same for an unknown user and a wrong password, and audits both', async () => {
    const u = await t.user(agency, ['analyst']);
    const unknown = await login('nobody-here');
    const wrong = await login(u.username, 'wrong password!!');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json().detail).toBe(wrong.json().detail);
    const failures = await t.services.audit.list({ action: 'session.failed' });
    expect(failures.length).toBeGreaterThanOrEqual(2);
  });

  it('locks an account for 15 minutes after 5 failed sign-ins, even with the right password', async () => {
    const u = await t.user(agency, ['analyst']);
    for (let i = 0; i < 5; i++) expect((await login(u.username, 'not the password')).statusCode).toBe(401);
    const locked = await login(u.username);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'account-locked' });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(await t.services.audit.list({ action: 'session.lockout' })).toHaveLength(1);
  });

  it('refuses an address after 20 failed sign-ins across accounts, before checking any password, and audits it once', async () => {
    const victims = await Promise.all(Array.from({ length: 5 }, () => t.user(agency, ['analyst'])));
    const from = (remoteAddress: string, username: string, password: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress, payload: { username, password } });
    // Spraying: four guesses per account stay under each account's lockout (5), but add up for the address.
    for (let i = 0; i < 20; i++) expect((await from('192.0.2.7', victims[i % 5]!.username, `guess number ${i}`)).statusCode).toBe(401);
    const refused = await from('192.0.2.7', victims[0]!.username, TEST_PASSWORD);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.json()).toMatchObject({ code: 'too-many-attempts' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect((await from('192.0.2.7', 'nobody-at-all', 'whatever it is')).statusCode).toBe(429);
    // Another address, and the accounts themselves, are not locked out.
    expect((await from('198.51.100.3', victims[0]!.username, TEST_PASSWORD)).statusCode).toBe(200);
    const throttled = await t.services.audit.list({ action: 'session.throttled' });
    expect(throttled).toHaveLength(1);
    expect(throttled[0]).toMatchObject({ ip: '192.0.2.7' });
  });

  it('expires a session after 30 idle minutes', async () => {
    const u = await t.user(agency, ['analyst']);
    expect((await u.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    vi.useFakeTimers({ now: Date.now() + 31 * 60_000, toFake: ['Date'] });
    try {
      const res = await u.request({ method: 'GET', url: '/api/v1/me' });
      expect(res.statusCode).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });

  it('signs out', async () => {
    const u = await t.user(agency, ['analyst']);
    expect((await u.request({ method: 'DELETE', url: '/api/v1/session' })).statusCode).toBe(204);
    expect((await u.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('creates an API token shown once, works as Bearer on the API, and stops working when revoked', async () => {
    const u = await t.user(agency, ['investigator']);
    const created = await u.request({ method: 'POST', url: '/api/v1/me/tokens', payload: { name: 'import script' } });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^tsr_/);
    const listed = (await u.request({ method: 'GET', url: '/api/v1/me/tokens' })).json();
    expect(listed[0]).toMatchObject({ id, name: 'import script' });
    expect(JSON.stringify(listed)).not.toContain(token);
    const stored = await t.store.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(token.slice(4));

    const viaToken = await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { authorization: `Bearer ${token}` }, payload: { reference: 'TOK-1', title: 'x' } });
    expect(viaToken.statusCode).toBe(201);
    // A token cannot mint another token.
    const mint = await t.app.inject({ method: 'POST', url: '/api/v1/me/tokens', headers: { authorization: `Bearer ${token}` }, payload: { name: 'x' } });
    expect(mint.statusCode).toBe(403);

    expect((await u.request({ method: 'DELETE', url: `/api/v1/me/tokens/${id}` })).statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(after.statusCode).toBe(401);
  });

  it('enrols TOTP, then requires a code at sign-in, refuses a reused code and accepts a recovery code once', async () => {
    const u = await t.user(agency, ['investigator']);
    const begin = (await u.request({ method: 'POST', url: '/api/v1/me/totp' })).json();
    expect(begin.qrSvg).toContain('<svg');
    expect(begin.uri).toMatch(/^otpauth:\/\/totp\//);
    const secret = begin.manualKey.replace(/ /g, '');
    const confirm = await u.request({ method: 'POST', url: '/api/v1/me/totp/confirm', payload: { code: currentTotp(secret) } });
    expect(confirm.statusCode).toBe(200);
    const { recoveryCodes } = confirm.json();
    expect(recoveryCodes).toHaveLength(10);

    expect((await login(u.username)).json().code).toBe('totp-required');
    // The code used to confirm cannot be replayed.
    expect((await login(u.username, TEST_PASSWORD, currentTotp(secret))).statusCode).toBe(401);
    const next = currentTotp(secret, Date.now() + 30_000);
    expect((await login(u.username, TEST_PASSWORD, next)).statusCode).toBe(200);
    expect((await login(u.username, TEST_PASSWORD, recoveryCodes[0])).statusCode).toBe(200);
    expect((await login(u.username, TEST_PASSWORD, recoveryCodes[0])).statusCode).toBe(401);

    const stored = await t.store.db.selectFrom('users').select(['totp_secret']).where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(Buffer.from(stored.totp_secret!).toString('latin1')).not.toContain(secret);
  });
});

describe.each(testDialects)('user administration on %s', (dialect) => {
  let t: TestApp;
  let admin: TestUser;
  let agency: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    agency = await t.agency();
    admin = await t.user(agency, ['admin']);
  });
  afterAll(async () => t.close());

  it('creates users of the admin’s agency with unique usernames', async () => {
    const payload = { username: 'Maria.Silva', roles: ['investigator'], password: 'a long enough password' };
    const res = await admin.request({ method: 'POST', url: '/api/v1/users', payload });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ username: 'maria.silva', agencyId: agency });
    expect((await admin.request({ method: 'POST', url: '/api/v1/users', payload })).statusCode).toBe(409);
    const weak = await admin.request({ method: 'POST', url: '/api/v1/users', payload: { ...payload, username: 'weak', password: 'short' } });
    expect(weak.json()).toMatchObject({ status: 400, code: 'weak-password' });
  });

  it('disables a user, which ends their sessions, and refuses to let admins lock themselves out', async () => {
    const victim = await t.user(agency, ['analyst']);
    const res = await admin.request({ method: 'PATCH', url: `/api/v1/users/${victim.id}`, payload: { status: 'disabled' } });
    expect(res.json().status).toBe('disabled');
    expect((await victim.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    const self = await admin.request({ method: 'PATCH', url: `/api/v1/users/${admin.id}`, payload: { roles: ['analyst'] } });
    expect(self.json().code).toBe('self-lockout');
  });

  it('keeps admins to their own agency', async () => {
    const other = await t.agency('Other', 'ES');
    const stranger = await t.user(other, ['analyst']);
    expect((await admin.request({ method: 'PATCH', url: `/api/v1/users/${stranger.id}`, payload: { status: 'disabled' } })).statusCode).toBe(404);
    const users = (await admin.request({ method: 'GET', url: '/api/v1/users' })).json();
    expect(users.every((u: { agencyId: string }) => u.agencyId === agency)).toBe(true);
  });
});
