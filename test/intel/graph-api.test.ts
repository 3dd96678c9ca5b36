import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestUser } from '../support/app.js';
import { testDialects } from '../support/stores.js';

const ONION = 's5xdj3bxtyxemztk4v4dnhugbkfgjfkf6xbkwe5flp3t6bz2jepi3zid.onion';
const SEL_ONION = `sel:onion:${ONION}`;

describe.each(testDialects)('link analysis API on %s', (dialect) => {
  let t: TestApp;
  let pt: string;
  let es: string;
  let ptAnalyst: TestUser;
  let ptColleague: TestUser;
  let esInvestigator: TestUser;
  let caseA: string;
  let caseB: string;
  let caseC: string;
  let identity: string;
  let hiddenIdentity: string;

  const add = (user: TestUser, caseId: string, payload: Record<string, unknown>) =>
    user.request({ method: 'POST', url: `/api/v1/cases/${caseId}/records`, payload: { kind: 'note', handlingCode: 'TLP:AMBER', dataSubject: 'suspect', ...payload } }).then((r) => {
      if (r.statusCode !== 201) throw new Error(r.body);
      return r.json().id as string;
    });

  beforeAll(async () => {
    t = await createTestApp(dialect);
    pt = await t.agency('PJ', 'PT');
    es = await t.agency('PN', 'ES');
    const fr = await t.agency('OFMIN', 'FR');
    ptAnalyst = await t.user(pt, ['investigator', 'analyst']);
    ptColleague = await t.user(pt, ['analyst']);
    esInvestigator = await t.user(es, ['investigator']);
    const frInvestigator = await t.user(fr, ['investigator']);
    caseA = (await ptAnalyst.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'A', title: 'A', participants: [{ agencyId: es, access: 'contribute' }] } })).json().id;
    caseB = (await esInvestigator.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'B', title: 'B', participants: [{ agencyId: pt, access: 'read' }] } })).json().id;
    caseC = (await frInvestigator.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'C', title: 'C' } })).json().id;

    identity = await add(ptAnalyst, caseA, { kind: 'online-identity', text: 'admin', subject: 'darkking@forum.example' });
    await add(ptAnalyst, caseA, { kind: 'post', identityId: identity, text: `new mirror http://${ONION}/ mail me seller@example.com`, occurredAt: '2026-01-02T10:00:00Z' });
    await add(ptAnalyst, caseA, { kind: 'post', identityId: identity, text: `again ${ONION}`, occurredAt: '2026-01-03T22:00:00Z' });
    await add(ptAnalyst, caseA, { kind: 'note', text: 'a note without selectors', occurredAt: '2026-01-01T08:00:00Z' });
    await add(esInvestigator, caseB, { text: `mirror ${ONION}` });
    await add(esInvestigator, caseB, { text: 'hidden contact secret@example.net', handlingCode: 'TLP:RED' });
    hiddenIdentity = await add(esInvestigator, caseB, { kind: 'online-identity', text: 'hidden', subject: 'ghost@forum.example', handlingCode: 'TLP:RED' });
    await add(frInvestigator, caseC, { text: `also ${ONION} and only-in-c@example.org` });
  });
  afterAll(async () => t.close());

  const ids = (g: { nodes: { id: string }[] }) => g.nodes.map((n) => n.id).sort();
  const edges = (g: { edges: { source: string; kind: string; target: string }[] }) => g.edges.map((e) => `${e.source} ${e.kind} ${e.target}`).sort();

  it('draws a case with its agencies, identities, selectors and links', async () => {
    const res = await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseA}/graph` });
    expect(res.statusCode).toBe(200);
    const g = res.json();
    expect(ids(g)).toEqual([`agency:${es}`, `agency:${pt}`, `case:${caseA}`, `identity:${identity}`, 'sel:email:seller@example.com', 'sel:handle:darkking@forum.example', SEL_ONION, 'sel:url:http://' + ONION + '/'].sort());
    expect(edges(g)).toEqual(
      expect.arrayContaining([
        `case:${caseA} participant agency:${pt}`,
        `case:${caseA} identity identity:${identity}`,
        `identity:${identity} handle sel:handle:darkking@forum.example`,
        `identity:${identity} mentions ${SEL_ONION}`,
        `case:${caseA} contains ${SEL_ONION}`,
      ]),
    );
    const mention = g.edges.find((e: { kind: string; target: string }) => e.kind === 'mentions' && e.target === SEL_ONION);
    expect(mention).toMatchObject({ weight: 2, first: '2026-01-02T10:00:00.000Z', last: '2026-01-03T22:00:00.000Z' });
    expect(g.nodes.find((n: { id: string }) => n.id === `identity:${identity}`)).toMatchObject({ weight: 2, first: '2026-01-02T10:00:00.000Z' });
  });

  it('expands a selector into the cases the agency takes part in, never beyond', async () => {
    const g = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/graph/expand?node=${encodeURIComponent(SEL_ONION)}` })).json();
    expect(ids(g).filter((id: string) => id.startsWith('case:'))).toEqual([`case:${caseA}`, `case:${caseB}`].sort());
    expect(edges(g)).toContain(`identity:${identity} mentions ${SEL_ONION}`);
    expect(JSON.stringify(g)).not.toContain(caseC);
    // What only another agency's RED record or an outside case holds does not exist for this user.
    for (const node of ['sel:email:secret@example.net', 'sel:email:only-in-c@example.org', `case:${caseC}`, `identity:${hiddenIdentity}`]) {
      const res = await ptAnalyst.request({ method: 'GET', url: `/api/v1/graph/expand?node=${encodeURIComponent(node)}` });
      expect({ node, status: res.statusCode }).toEqual({ node, status: 404 });
    }
    const esView = (await esInvestigator.request({ method: 'GET', url: `/api/v1/graph/expand?node=${encodeURIComponent(`case:${caseB}`)}` })).json();
    expect(ids(esView)).toContain('sel:email:secret@example.net');
    const audit = await t.services.audit.list({ action: 'graph.expand', limit: 5 });
    expect(audit.find((e) => e.actorName === ptAnalyst.username)).toMatchObject({ operation: 'combination' });
  });

  it('expands identities and agencies', async () => {
    const g = (await ptColleague.request({ method: 'GET', url: `/api/v1/graph/expand?node=identity:${identity}` })).json();
    expect(ids(g)).toEqual(expect.arrayContaining([`case:${caseA}`, SEL_ONION, 'sel:email:seller@example.com', 'sel:handle:darkking@forum.example']));
    const agency = (await ptColleague.request({ method: 'GET', url: `/api/v1/graph/expand?node=agency:${es}` })).json();
    expect(ids(agency)).toEqual([`agency:${es}`, `case:${caseA}`, `case:${caseB}`].sort());
  });

  it('finds the shortest path between two entities through what the user may see', async () => {
    const res = await ptAnalyst.request({ method: 'GET', url: `/api/v1/graph/path?from=identity:${identity}&to=case:${caseB}` });
    const body = res.json();
    expect(body.found).toBe(true);
    expect(body.path).toEqual([`identity:${identity}`, SEL_ONION, `case:${caseB}`]);
    expect(body.graph.edges).toHaveLength(2);
    expect((await ptAnalyst.request({ method: 'GET', url: `/api/v1/graph/path?from=identity:${identity}&to=case:${caseC}` })).statusCode).toBe(404);
    expect((await ptAnalyst.request({ method: 'GET', url: '/api/v1/graph/path?from=nonsense&to=case:x' })).statusCode).toBe(400);
  });

  it('saves a chart and reopens it under the access of the moment', async () => {
    const content = { nodes: [{ id: `identity:${identity}`, x: 10, y: 20 }, { id: SEL_ONION, x: 100, y: 20 }, { id: `case:${caseB}`, x: 200, y: 20 }], filters: { types: ['identity', 'selector', 'case'], from: null, to: null } };
    const saved = await ptAnalyst.request({ method: 'POST', url: '/api/v1/graph/charts', payload: { name: 'Admin and mirrors', caseId: caseA, content } });
    expect(saved.statusCode).toBe(201);
    const chartId = saved.json().id;
    const opened = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/graph/charts/${chartId}` })).json();
    expect(opened).toMatchObject({ name: 'Admin and mirrors', missing: 0, content: { nodes: content.nodes } });
    expect(edges(opened.graph)).toEqual([`case:${caseB} contains ${SEL_ONION}`, `identity:${identity} mentions ${SEL_ONION}`]);
    expect((await ptColleague.request({ method: 'GET', url: `/api/v1/graph/charts/${chartId}` })).statusCode).toBe(404);
    expect((await ptColleague.request({ method: 'GET', url: '/api/v1/graph/charts' })).json()).toEqual([]);

    // PT leaves case B: the chart reopens without it.
    await esInvestigator.request({ method: 'DELETE', url: `/api/v1/cases/${caseB}/participants/${pt}` });
    const after = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/graph/charts/${chartId}` })).json();
    expect(after.missing).toBe(1);
    expect(ids(after.graph)).toEqual([`identity:${identity}`, SEL_ONION].sort());
    await esInvestigator.request({ method: 'PUT', url: `/api/v1/cases/${caseB}/participants/${pt}`, payload: { access: 'read' } });

    const renamed = await ptAnalyst.request({ method: 'PUT', url: `/api/v1/graph/charts/${chartId}`, payload: { name: 'Renamed', content } });
    expect(renamed.json()).toMatchObject({ name: 'Renamed', caseId: null, nodeCount: 3 });
    expect((await ptAnalyst.request({ method: 'POST', url: '/api/v1/graph/charts', payload: { name: 'x', caseId: caseC, content } })).statusCode).toBe(404);
    expect((await ptAnalyst.request({ method: 'POST', url: '/api/v1/graph/charts', payload: { name: 'x', content: { nodes: [{ id: 'bad', x: 0, y: 0 }] } } })).statusCode).toBe(400);
    expect((await ptAnalyst.request({ method: 'DELETE', url: `/api/v1/graph/charts/${chartId}` })).statusCode).toBe(204);
  });

  it("lays out a case's timeline by when things happened, with a count per day, under the handling policy", async () => {
    const tl = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseA}/timeline` })).json();
    const dated = tl.items.filter((i: { timeSource: string }) => i.timeSource === 'occurred');
    expect(dated.map((i: { kind: string; time: string }) => [i.kind, i.time])).toEqual([
      ['note', '2026-01-01T08:00:00.000Z'],
      ['post', '2026-01-02T10:00:00.000Z'],
      ['post', '2026-01-03T22:00:00.000Z'],
    ]);
    expect(dated[1]).toMatchObject({ subject: 'darkking@forum.example', identityId: identity });
    expect(tl.days.slice(0, 3)).toEqual([
      { day: '2026-01-01', count: 1 },
      { day: '2026-01-02', count: 1 },
      { day: '2026-01-03', count: 1 },
    ]);
    const filtered = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseA}/timeline?identityId=${identity}&from=2026-01-03T00:00:00Z&to=2026-02-01T00:00:00Z` })).json();
    expect(filtered.items.map((i: { time: string }) => i.time)).toEqual(['2026-01-03T22:00:00.000Z']);
    const esSees = (await esInvestigator.request({ method: 'GET', url: `/api/v1/cases/${caseB}/timeline` })).json();
    const ptSees = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseB}/timeline` })).json();
    expect(esSees.total - ptSees.total).toBe(2);
  });
});
