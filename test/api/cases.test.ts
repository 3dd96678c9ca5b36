import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestUser } from '../support/app.js';
import { testDialects } from '../support/stores.js';

describe.each(testDialects)('cases API on %s', (dialect) => {
  let t: TestApp;
  let pt: string;
  let gb: string;
  let investigator: TestUser;
  let colleague: TestUser;
  let foreign: TestUser;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    pt = await t.agency('Polícia Judiciária', 'PT');
    gb = await t.agency('National Crime Agency', 'GB');
    investigator = await t.user(pt, ['investigator']);
    colleague = await t.user(pt, ['analyst'], { via: 'token' });
    foreign = await t.user(gb, ['investigator']);
  });
  afterAll(async () => t.close());

  it('opens a case led by the creator’s agency, shows it in the list and the audit trail', async () => {
    const created = await investigator.request({
      method: 'POST',
      url: '/api/v1/cases',
      payload: { reference: 'PT-2026-0001', title: 'Forum administrator', description: 'Tor forum', reviewDate: '2027-06-01' },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ reference: 'PT-2026-0001', status: 'open', leadAgencyId: pt, access: 'lead', can: { update: true } });
    expect(body.participants).toHaveLength(1);

    const list = await colleague.request({ method: 'GET', url: '/api/v1/cases?q=forum' });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((c: { id: string }) => c.id)).toEqual([body.id]);

    const trail = await investigator.request({ method: 'GET', url: `/api/v1/cases/${body.id}/audit` });
    expect(trail.json().items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['case.create']));
  });

  it('keeps cases invisible to agencies that do not take part, until they are added', async () => {
    const created = (await investigator.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'PT-2026-0002', title: 'Shared' } })).json();
    expect((await foreign.request({ method: 'GET', url: '/api/v1/cases' })).json().items).toEqual([]);
    expect((await foreign.request({ method: 'GET', url: `/api/v1/cases/${created.id}` })).statusCode).toBe(404);

    const added = await investigator.request({ method: 'PUT', url: `/api/v1/cases/${created.id}/participants/${gb}`, payload: { access: 'read' } });
    expect(added.statusCode).toBe(200);
    const seen = await foreign.request({ method: 'GET', url: `/api/v1/cases/${created.id}` });
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ access: 'read', can: { update: false, contribute: false } });
    // A participant with read access still may not edit.
    expect((await foreign.request({ method: 'PATCH', url: `/api/v1/cases/${created.id}`, payload: { title: 'x' } })).statusCode).toBe(403);
  });

  it('lets only the lead agency’s investigators edit, and records the reads and the change', async () => {
    const created = (await investigator.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'PT-2026-0003', title: 'Before' } })).json();
    const patched = await investigator.request({ method: 'PATCH', url: `/api/v1/cases/${created.id}`, payload: { title: 'After', status: 'closed' } });
    expect(patched.json()).toMatchObject({ title: 'After', status: 'closed' });
    expect((await colleague.request({ method: 'PATCH', url: `/api/v1/cases/${created.id}`, payload: { title: 'no' } })).statusCode).toBe(403);

    await colleague.request({ method: 'GET', url: `/api/v1/cases/${created.id}`, headers: { 'x-tessera-justification': 'checking the handle' } });
    const events = await t.services.audit.list({ caseId: created.id });
    const read = events.find((e) => e.action === 'case.read');
    expect(read).toMatchObject({ operation: 'consultation', actorName: colleague.username, justification: 'checking the handle' });
    expect(events.find((e) => e.action === 'case.update')).toMatchObject({ operation: 'alteration', details: { fields: ['title', 'status'] } });
  });

  it('refuses a reference the agency already uses', async () => {
    const payload = { reference: 'PT-2026-0100', title: 'One' };
    expect((await investigator.request({ method: 'POST', url: '/api/v1/cases', payload })).statusCode).toBe(201);
    const again = await investigator.request({ method: 'POST', url: '/api/v1/cases', payload });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'reference-taken', status: 409 });
  });

  it('searches and pages the list', async () => {
    for (let i = 0; i < 3; i++) {
      await investigator.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: `PAGE-${i}`, title: `Paging ${i}` } });
    }
    const page = (await investigator.request({ method: 'GET', url: '/api/v1/cases?q=paging&limit=2' })).json();
    expect(page.total).toBe(3);
    expect(page.items).toHaveLength(2);
    const rest = (await investigator.request({ method: 'GET', url: '/api/v1/cases?q=paging&limit=2&offset=2' })).json();
    expect(rest.items).toHaveLength(1);
    // LIKE wildcards in the search are literal characters.
    expect((await investigator.request({ method: 'GET', url: '/api/v1/cases?q=%25' })).json().items).toEqual([]);
  });
});
