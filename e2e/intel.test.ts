import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signedInPage, visible } from './support/browser.js';
import { apiSession, setUpFirstAgency } from './support/api.js';
import { startNode, type RunningNode } from './support/node-process.js';

/*
 * The intelligence screens end to end against a real node: records and their selector suggestions, a post import
 * with its progress bar, the link chart (expand a node, filter, shortest path, save and reopen, PNG and GraphML),
 * the timeline. The data is set up through the API, as another tool would; the analyst's work happens in the browser.
 */

const ANALYST = { username: 'ines.analyst', password: 'correct horse battery staple' };
const ONION = 's5xdj3bxtyxemztk4v4dnhugbkfgjfkf6xbkwe5flp3t6bz2jepi3zid.onion';

let node: RunningNode;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
let caseA = '';
let caseB = '';
let identity = '';


/** A signed-in API client (session cookie + CSRF token), for setting up data. */

/**
 * Where a node is drawn on the page, read from the chart as a person reads it off the screen: a point of the node
 * that no other node covers (nodes can touch in a force layout, and a click goes to the one on top).
 */
async function nodePosition(id: string): Promise<{ x: number; y: number }> {
  // A layout moves nodes until it stops; read positions only then.
  await page.locator('[data-testid="graph-canvas"][data-layout="idle"]').waitFor();
  return page.locator('[data-testid="graph-canvas"]').evaluate((el, nodeId) => {
    const cy = (el as unknown as { cy: any }).cy;
    const node = cy.getElementById(nodeId);
    const others = cy.nodes(':visible').filter((n: any) => n.id() !== nodeId).map((n: any) => n.renderedBoundingBox({ includeLabels: false }));
    const box = node.renderedBoundingBox({ includeLabels: false });
    const frame = (el as unknown as { getBoundingClientRect(): { left: number; top: number } }).getBoundingClientRect();
    const centre = node.renderedPosition();
    const candidates = [[0.5, 0.5], [0.3, 0.5], [0.7, 0.5], [0.5, 0.3], [0.5, 0.7], [0.3, 0.3], [0.7, 0.7], [0.3, 0.7], [0.7, 0.3]].map(([fx, fy]) => ({ x: box.x1 + (box.x2 - box.x1) * fx!, y: box.y1 + (box.y2 - box.y1) * fy! }));
    const free = candidates.find((p) => !others.some((o: any) => p.x >= o.x1 && p.x <= o.x2 && p.y >= o.y1 && p.y <= o.y2)) ?? centre;
    // A mouse click lands only inside the viewport: bring a node below (or above) the fold into view first.
    const win = globalThis as unknown as { innerHeight: number; scrollBy(x: number, y: number): void };
    const y = frame.top + free.y;
    if (y < 10 || y > win.innerHeight - 10) {
      win.scrollBy(0, y - win.innerHeight / 2);
      const moved = (el as unknown as { getBoundingClientRect(): { left: number; top: number } }).getBoundingClientRect();
      return { x: moved.left + free.x, y: moved.top + free.y };
    }
    return { x: frame.left + free.x, y };
  }, id);
}

async function visibleNodes(): Promise<string[]> {
  return page.locator('[data-testid="graph-canvas"]').evaluate((el) => (el as unknown as { cy: any }).cy.nodes(':visible').map((n: any) => n.id()).sort());
}

describe('intelligence screens', () => {
  beforeAll(async () => {
    node = await startNode();
    await setUpFirstAgency(node, { username: ANALYST.username, displayName: 'Inês Analyst', password: ANALYST.password, roles: ['admin', 'investigator', 'analyst'] });
    const { call } = await apiSession(node.url, ANALYST.username, ANALYST.password);
    caseA = (await call<{ id: string }>('POST', '/cases', { reference: 'PT-2026-0042', title: 'Forum administrator' })).id;
    caseB = (await call<{ id: string }>('POST', '/cases', { reference: 'PT-2026-0051', title: 'Mirror operator' })).id;
    const record = (caseId: string, payload: Record<string, unknown>) => call<{ id: string }>('POST', `/cases/${caseId}/records`, { kind: 'note', handlingCode: 'TLP:AMBER', dataSubject: 'suspect', ...payload });
    identity = (await record(caseA, { kind: 'online-identity', text: 'Administrator of the forum', subject: 'nightowl@forum.example' })).id;
    await record(caseA, { kind: 'post', identityId: identity, text: `New mirror: http://${ONION}/ — donations to bc1qttv0zjh9um0cvv8k6x7q42q0ygq90zskjgtll9`, occurredAt: '2026-01-04T22:10:00Z' });
    await record(caseA, { kind: 'post', identityId: identity, text: 'Contact me at owl.admin@example.org, or @helper_bot', occurredAt: '2026-01-06T23:40:00Z' });
    await record(caseB, { kind: 'observation', text: `Mirror ${ONION} hosted by the same operator`, occurredAt: '2026-01-05T10:00:00Z' });

    browser = await launchBrowser();
    ({ context, page, errors: pageErrors } = await signedInPage(browser, node.url, ANALYST, (p) => p.getByRole('heading', { name: 'Cases', level: 1 }), { defaultTimeout: 15_000, timeout: 15000 }));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await node?.stop();
  });

  it('shows the case linked to another through a shared selector, and the records with their handling', async () => {
    await page.goto(`/cases/${caseA}`);
    const intel = page.getByRole('region', { name: 'Intelligence' });
    await visible(intel.getByRole('link', { name: /PT-2026-0051/ }));
    await intel.getByRole('link', { name: 'Records' }).click();
    await visible(page.getByRole('heading', { name: 'Intelligence records' }));
    await visible(page.getByText('Contact me at owl.admin@example.org'));
    expect(await page.getByText('TLP:AMBER', { exact: true }).count()).toBeGreaterThan(1);
    await screenshot(page, 'intel-01-records');
  });

  it('records a note through the form, previewing its selectors, and keeps its versions', async () => {
    await page.getByRole('button', { name: 'New record' }).click();
    const dialog = page.getByRole('dialog', { name: 'Record intelligence' });
    await dialog.getByLabel('Kind').selectOption('note');
    await dialog.getByLabel('Text').fill('Seller reachable on +351 912 345 678 and at 203.0.113.77');
    await visible(dialog.getByRole('list', { name: 'Selectors found in the text' }).getByText('+351912345678'));
    await dialog.getByLabel('Scheme').selectOption('admiralty-6x6');
    await dialog.getByLabel('Source').selectOption('E');
    await dialog.getByLabel('Information').selectOption('5');
    await dialog.getByLabel('Handling code').selectOption('TLP:RED');
    await screenshot(page, 'intel-01b-record-form');
    await dialog.getByRole('button', { name: 'Record' }).click();
    const item = page.getByRole('listitem').filter({ hasText: 'Seller reachable' });
    await visible(item.getByText('E5'));
    await visible(item.getByText('TLP:RED'));
    await item.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: /Edit note/ });
    await edit.getByLabel('Text').fill('Seller reachable on +351 912 345 678');
    await edit.getByRole('button', { name: 'Save new version' }).click();
    await item.getByRole('button', { name: 'Versions (2)' }).click();
    const versions = page.getByRole('dialog', { name: 'Versions of this note' });
    await visible(versions.getByText('Version 1'));
    await visible(versions.getByText('Seller reachable on +351 912 345 678 and at 203.0.113.77'));
    await versions.getByRole('button', { name: 'Close' }).click();
  });

  it('lets the analyst confirm a suggested selector', async () => {
    await page.getByRole('navigation', { name: 'Intelligence of this case' }).getByRole('link', { name: 'Selectors' }).click();
    await visible(page.getByText(ONION));
    await page.getByRole('button', { name: `Confirm ${ONION}` }).click();
    await page.getByRole('button', { name: `Confirm ${ONION}` }).waitFor({ state: 'detached' });
    await visible(page.getByRole('button', { name: 'Confirm owl.admin@example.org' }));
    await screenshot(page, 'intel-02-selectors');
  });

  it('imports posts from a CSV file with a progress bar and reports the malformed line', async () => {
    await page.getByRole('navigation', { name: 'Intelligence of this case' }).getByRole('link', { name: 'Import' }).click();
    const rows = ['author,time,text,thread', ...Array.from({ length: 300 }, (_, i) => `user_${i % 7},${1767650000 + i * 600},"post ${i}${i % 50 === 0 ? ` see ${ONION}` : ''}",t${i % 5}`), 'user_1,yesterday,broken,t1'];
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'capture.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await page.getByLabel('Platform of the authors').fill('forum.example');
    await page.getByRole('button', { name: 'Import posts' }).click();
    await visible(page.getByText(/300 posts imported under 7 new online identities.*1 malformed line\(s\) — done\./), 30_000);
    expect(await page.getByRole('progressbar', { name: 'Import of capture.csv' }).getAttribute('aria-valuenow')).toBe('100');
    await page.getByText('Malformed lines', { exact: true }).click();
    await visible(page.getByText(/line 302: time "yesterday"/));
    await screenshot(page, 'intel-03-import');
  });

  it('draws the link chart, expands a node, filters it, and finds the shortest path between two entities', async () => {
    await page.goto(`/cases/${caseA}/graph`);
    await visible(page.getByText(/\d+ nodes, \d+ links/));
    await page.waitForFunction(() => /([1-9]\d*) nodes/.test((globalThis as any).document.querySelector('[role="status"]')?.textContent ?? ''));
    const before = await visibleNodes();
    expect(before).toContain(`identity:${identity}`);
    expect(before).not.toContain(`case:${caseB}`);

    // Double-clicking the onion expands it into the other case that holds it.
    const onion = await nodePosition(`sel:onion:${ONION}`);
    await page.mouse.dblclick(onion.x, onion.y);
    await page.waitForFunction((id) => ((globalThis as any).document.querySelector('[data-testid="graph-canvas"]') as any)?.cy.getElementById(id).nonempty(), `case:${caseB}`);
    expect(await visibleNodes()).toContain(`case:${caseB}`);

    // Filters: hide selectors; then a time window that excludes the second post's e-mail link.
    await page.getByLabel('Selectors', { exact: true }).uncheck();
    await expect.poll(async () => (await visibleNodes()).some((n) => n.startsWith('sel:'))).toBe(false);
    await page.getByLabel('Selectors', { exact: true }).check();
    await page.getByLabel('To', { exact: true }).fill('2026-01-05');
    await expect.poll(visibleNodes).not.toContain('sel:email:owl.admin@example.org');
    expect(await visibleNodes()).toContain(`sel:onion:${ONION}`);
    await page.getByLabel('To', { exact: true }).fill('');
    await expect.poll(visibleNodes).toContain('sel:email:owl.admin@example.org');

    // Shortest path from the online identity to the other case.
    const from = await nodePosition(`identity:${identity}`);
    await page.mouse.click(from.x, from.y);
    await visible(page.getByRole('region', { name: 'Selected' }).getByText('nightowl@forum.example'));
    await page.getByRole('button', { name: 'Path from here' }).click();
    const to = await nodePosition(`case:${caseB}`);
    await page.mouse.click(to.x, to.y);
    await visible(page.getByRole('region', { name: 'Selected' }).getByText('PT-2026-0051'));
    await page.getByRole('button', { name: 'Path to here' }).click();
    await visible(page.getByText(/Shortest path: 2 link\(s\) — nightowl@forum\.example → s5xdj3.*\.onion → PT-2026-0051/));
    await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
    await screenshot(page, 'intel-04-graph-path');
  });

  it('saves the chart, reopens it, and exports PNG and GraphML', async () => {
    await page.getByRole('button', { name: 'Save chart' }).click();
    await page.getByLabel('Chart name').fill('Admin and mirror');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await visible(page.getByRole('heading', { name: 'Link analysis — Admin and mirror' }));
    const saved = await visibleNodes();
    const positionsBefore = await Promise.all(saved.map(nodePosition));

    await page.goto(`/cases/${caseA}/graph`);
    await visible(page.getByRole('heading', { name: 'Link analysis', exact: true }));
    await page.getByRole('button', { name: 'Open chart' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Open' }).click();
    await visible(page.getByRole('heading', { name: 'Link analysis — Admin and mirror' }));
    await page.waitForFunction((n) => ((globalThis as any).document.querySelector('[data-testid="graph-canvas"]') as any)?.cy.nodes().length === n, saved.length);
    expect(await visibleNodes()).toEqual(saved);
    // The layout comes back as saved (up to the zoom that fits it on screen): compare relative placement.
    const positionsAfter = await Promise.all(saved.map(nodePosition));
    const spread = (ps: { x: number; y: number }[]) => {
      const [xs, ys] = [ps.map((p) => p.x), ps.map((p) => p.y)];
      const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
      return ps.map((p) => [(p.x - x0) / (x1 - x0), (p.y - y0) / (y1 - y0)]);
    };
    const [a, b] = [spread(positionsBefore), spread(positionsAfter)];
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]![0]! - b[i]![0]!) + Math.abs(a[i]![1]! - b[i]![1]!)).toBeLessThan(0.05);

    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PNG' }).click()]);
    expect(png.suggestedFilename()).toBe('Admin and mirror.png');
    expect(readFileSync((await png.path())!).subarray(1, 4).toString()).toBe('PNG');
    const [graphml] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'GraphML' }).click()]);
    const xml = readFileSync((await graphml.path())!, 'utf8');
    expect(xml).toContain('<graphml');
    expect(xml.match(/<node /g)?.length).toBe(saved.length);
    expect(xml).toContain(`<node id="case:${caseB}">`);
    await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
    await screenshot(page, 'intel-05-graph-reopened');
  });

  it("lays out the case's timeline by day", async () => {
    await page.getByRole('navigation', { name: 'Intelligence of this case' }).getByRole('link', { name: 'Timeline' }).click();
    await visible(page.getByRole('button', { name: /4 Jan 2026: 1 item/ }));
    await screenshot(page, 'intel-06-timeline');
    // One identity's activity: choose its handle.
    await page.getByRole('button', { name: 'nightowl@forum.example' }).first().click();
    await visible(page.getByText('Contact me at owl.admin@example.org'));
    expect(await page.getByRole('list', { name: 'Items in time order' }).getByRole('listitem').filter({ hasText: 'user_' }).count()).toBe(0);
    await screenshot(page, 'intel-07-timeline-identity');
    expect(pageErrors).toEqual([]);
  });
});
