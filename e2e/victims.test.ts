import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDevice } from '../test/victims/support/device.js';
import { launchBrowser, screenshot, signedInPage, visible } from './support/browser.js';
import { apiSession, setUpFirstAgency, type ApiSession } from './support/api.js';
import { startNode, type RunningNode } from './support/node-process.js';

/*
 * Victim identification in the browser against a real node: keyboard-first triage (one key to categorise, to move,
 * to select, to put into a series, to undo), every picture blurred and greyscale until Space reveals it — one at a
 * time, blurred again on the next item — then proposals, a series marked identified, and the case dashboard.
 * The pictures are generated.
 */

const SPECIALIST = { username: 'vera.victimid', password: 'correct horse battery staple' };

let node: RunningNode;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
let caseId = '';
let session: ApiSession;
const call = <T>(method: string, url: string, body?: unknown): Promise<T> => session.call<T>(method, url, body);
const work = mkdtempSync(path.join(tmpdir(), 'tessera-e2e-victims-'));



/** The viewer's protection as the page shows it. */
async function viewerState(): Promise<{ revealed: string | null; filter: string }> {
  const figure = page.getByTestId('triage-viewer').locator('.safe-media');
  return {
    revealed: await figure.getAttribute('data-revealed'),
    filter: await figure.locator('.safe-media-content').evaluate((el) => (el as unknown as { style: { filter: string } }).style.filter),
  };
}

const position = () => page.locator('.vid-triage-position').innerText();
const tab = (name: string) => page.getByRole('navigation', { name: 'Victim identification in this case' }).getByRole('link', { name, exact: true });

describe('victim identification screens', () => {
  beforeAll(async () => {
    await writeDevice(path.join(work, 'laptop'));
    node = await startNode();
    await setUpFirstAgency(node, { username: SPECIALIST.username, displayName: 'Vera Specialist', password: SPECIALIST.password, roles: ['admin', 'investigator', 'victim-id'] });
    session = await apiSession(node.url, SPECIALIST.username, SPECIALIST.password);
    caseId = (await call<{ id: string }>('POST', '/cases', { reference: 'PT-2026-0091', title: 'Seized laptop, exhibit 3' })).id;
    const form = new FormData();
    for (const name of readdirSync(path.join(work, 'laptop')).sort()) form.append('file', new Blob([readFileSync(path.join(work, 'laptop', name))]), name);
    const ingest = await call<{ id: string }>('POST', `/cases/${caseId}/ingests?source=laptop`, form);
    for (let i = 0; i < 240; i++) {
      const state = await call<{ status: string }>('GET', `/cases/${caseId}/ingests/${ingest.id}`);
      if (state.status === 'done') break;
      if (state.status === 'failed') throw new Error('ingest failed');
      await new Promise((r) => setTimeout(r, 250));
    }

    browser = await launchBrowser();
    ({ context, page, errors: pageErrors } = await signedInPage(browser, node.url, SPECIALIST, (p) => p.getByRole('heading', { name: 'Cases', level: 1 }), { defaultTimeout: 20_000, timeout: 20000 }));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await node?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('triages by keyboard: blurred by default, one reveal at a time, categorise, select, group, undo', async () => {
    await page.goto(`/cases/${caseId}`);
    await page.getByRole('region', { name: 'Victim identification' }).getByRole('link', { name: 'Triage' }).click();
    await visible(page.getByRole('heading', { name: 'Triage', level: 1 }));
    await visible(page.getByTestId('triage-viewer').locator('.safe-media'));
    expect(await position()).toMatch(/Item 1 of 11/);
    // Protected by default: the wellness defaults (blur and greyscale), in the viewer and on every strip thumbnail.
    expect(await viewerState()).toEqual({ revealed: 'false', filter: 'blur(24px) grayscale(1)' });
    const strip = page.getByRole('list', { name: 'Queue' });
    const stripStates = await strip.locator('.safe-media').evaluateAll((els) => els.map((e) => e.getAttribute('data-revealed')));
    expect(stripStates.length).toBeGreaterThan(5);
    expect(new Set(stripStates)).toEqual(new Set(['false']));
    await page.waitForTimeout(300);
    await screenshot(page, 'victims-01-triage-blurred');

    // 1 = CAM, and on to the next item.
    await page.keyboard.press('1');
    await expect.poll(position).toMatch(/Item 2 of 11/);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('triage-category').innerText()).toBe('CAM');

    // Space reveals this one; the next item is blurred again.
    await page.keyboard.press(' ');
    await expect.poll(async () => (await viewerState()).revealed).toBe('true');
    expect((await viewerState()).filter).toBe('none');
    await page.waitForTimeout(400);
    await screenshot(page, 'victims-02-triage-one-revealed');
    await page.keyboard.press('j');
    await expect.poll(position).toMatch(/Item 2 of 11/);
    expect(await viewerState()).toEqual({ revealed: 'false', filter: 'blur(24px) grayscale(1)' });

    // X selects two items; N makes a series of them; it becomes the target series.
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await visible(page.getByText('2 selected'));
    await page.keyboard.press('n');
    const dialog = page.getByRole('dialog', { name: /New series from 2 items/ });
    await dialog.getByLabel('Name').fill('Blue room');
    await dialog.getByLabel('Name').press('Enter');
    await expect.poll(() => page.getByTestId('triage-announce').innerText()).toMatch(/S-001 Blue room created with 2 items/);
    await expect.poll(() => page.getByTestId('triage-series').innerText()).toBe('S-001 Blue room');
    await visible(page.getByRole('button', { name: 'S-001 Blue room' }));

    // S puts the current item into the target series, and moves on.
    await page.keyboard.press('j');
    await page.keyboard.press('s');
    await expect.poll(() => page.getByTestId('triage-announce').innerText()).toMatch(/1 item put into S-001 Blue room/);
    await expect.poll(position).toMatch(/Item 5 of 11/);
    await page.keyboard.press('k');
    await expect.poll(() => page.getByTestId('triage-series').innerText()).toBe('S-001 Blue room');
    await page.keyboard.press('?');
    await visible(page.getByRole('cell', { name: 'undo my last series change' }));
    await page.waitForTimeout(300);
    await screenshot(page, 'victims-03-triage-series-keys');

    // Z undoes the last change of mine: the item leaves the series again.
    await page.keyboard.press('z');
    await expect.poll(() => page.getByTestId('triage-announce').innerText()).toMatch(/Undone: added 1 item to S-001/);
    await expect.poll(() => page.getByTestId('triage-series').innerText()).toBe('—');

    // Everything was audited, with who did it.
    const trail = await call<{ items: { action: string; actorName: string }[] }>('GET', `/cases/${caseId}/audit?limit=200`);
    const actions = trail.items.filter((e) => e.actorName === SPECIALIST.username).map((e) => e.action);
    for (const a of ['media.categorise', 'series.create', 'series.add', 'series.revert', 'media.triage.list']) expect(actions, a).toContain(a);
  });

  it('marks an identification clue by drawing its region; the crop is stored and shown blurred', async () => {
    await page.keyboard.press('Home');
    await expect.poll(position).toMatch(/Item 1 of 11/);
    await page.keyboard.press('c');
    await visible(page.getByRole('heading', { name: 'Identification clues', level: 1 }));
    await page.getByRole('button', { name: 'Draw a region' }).click();
    const layer = page.getByTestId('crop-layer');
    await visible(layer);
    const box = (await layer.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.25);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.4, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.55, { steps: 5 });
    await page.mouse.up();
    await visible(page.getByTestId('crop-region'));
    expect(Number(await page.getByLabel('Width').inputValue())).toBeCloseTo(40, -1);
    await page.getByLabel('What it is').selectOption('logo');
    await page.getByLabel('Label').fill('Crest on the curtain');
    await page.getByLabel('Notes').fill('Looks like a hotel chain');
    await page.getByRole('button', { name: 'Save the clue' }).click();
    const saved = page.getByRole('region', { name: /Clues on this picture/ });
    await visible(saved.getByText('Crest on the curtain'));
    expect(await saved.locator('.safe-media').getAttribute('data-revealed')).toBe('false');
    const size = () => saved.locator('img.safe-media-content').evaluate((img) => ({ w: (img as unknown as { naturalWidth: number }).naturalWidth, h: (img as unknown as { naturalHeight: number }).naturalHeight }));
    await expect.poll(async () => (await size()).w).toBeGreaterThan(0);
    const crop = await size();
    // 40 % x 30 % of a 480 x 360 picture (or of its 320 x 240 copy): the crop, not the picture.
    expect(crop.w).toBeLessThan(200);
    expect(crop.w / crop.h).toBeCloseTo((0.4 * 4) / (0.3 * 3), 0);
    await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
    await page.waitForTimeout(300);
    await screenshot(page, 'victims-07-clue-crop', { fullPage: true });
  });

  it('proposes series, accepts one, marks it identified; the dashboard shows it at a glance', async () => {
    await tab('Series').click();
    await visible(page.getByRole('heading', { name: 'Series', level: 1 }));
    await visible(page.getByRole('link', { name: /S-001 Blue room/ }));
    await page.getByRole('button', { name: 'Look for series again' }).click();
    const proposals = page.getByRole('region', { name: /Proposals/ });
    await visible(proposals.getByText('Same camera', { exact: true }));
    expect(await proposals.locator('.safe-media[data-revealed="true"]').count()).toBe(0);
    await page.waitForTimeout(300);
    await screenshot(page, 'victims-04-series-proposals', { fullPage: true });
    const garden = proposals.getByRole('listitem', { name: /A new series of 3 items/ }).first();
    await garden.getByPlaceholder('Name of the series').fill('Garden');
    await garden.getByRole('button', { name: 'Accept' }).click();
    await visible(page.getByRole('link', { name: /S-002 Garden/ }));
    await page.getByRole('link', { name: /S-002 Garden/ }).click();
    await visible(page.getByRole('heading', { name: /S-002 Garden/ }));
    await page.getByRole('button', { name: 'Mark identified' }).click();
    const identify = page.getByRole('dialog', { name: /Mark S-002 identified/ });
    await identify.getByLabel('Identified on').fill('2026-01-15');
    await identify.getByRole('button', { name: 'Mark identified' }).click();
    await visible(page.getByText(/Identified by Polícia Judiciária on/));
    await visible(page.getByRole('button', { name: /Undo: marked S-002 identified/ }));
    await screenshot(page, 'victims-05-series-identified', { fullPage: true });

    await tab('Victims').click();
    await page.getByRole('button', { name: 'Record a victim' }).click();
    const record = page.getByRole('dialog', { name: 'Record a victim' });
    await record.getByRole('checkbox', { name: 'S-002 Garden' }).check();
    await record.getByLabel('Country (when known)').selectOption('PT');
    await record.getByLabel('Name (kept at your agency only)').fill('Ana Exemplo');
    await record.getByRole('button', { name: 'Record' }).click();
    const row = page.getByRole('row', { name: /V-001/ });
    await visible(row.getByText('Ana Exemplo'));
    await row.getByRole('button', { name: 'Mark identified' }).click();
    const status = page.getByRole('dialog', { name: /V-001: identified/ });
    await status.getByLabel(/Identified on/).fill('2026-01-15');
    await status.getByRole('button', { name: 'Record' }).click();
    await visible(row.getByText('Identified', { exact: true }));
    await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
    await screenshot(page, 'victims-08-victims');
    await tab('Dashboard').click();
    await visible(page.getByRole('heading', { name: 'Victim identification', level: 1 }));
    await expect.poll(() => page.getByTestId('victims-identified').innerText()).toBe('1');
    await visible(page.getByRole('region', { name: 'Latest identifications' }).getByText('Victim V-001'));
    await screenshot(page, 'victims-06-dashboard', { fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
