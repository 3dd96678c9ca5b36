import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACTIVITY_PARAMS } from '../src/geo/activity-offsets.js';
import { syntheticTimes } from '../src/geo/synthetic-activity.js';
import { cameraPicture, localIso } from '../test/geo/support.js';
import { multipart } from '../test/ingest/support/multipart.js';
import { launchBrowser, screenshot, signedInPage, visible } from './support/browser.js';
import { apiSession, setUpFirstAgency } from './support/api.js';
import { startNode, type RunningNode } from './support/node-process.js';

/*
 * The location screens end to end against a real node: posts of a forum administrator are imported and pictures
 * with camera metadata ingested through the API, as the other tools would; the analyst assesses the identity in
 * the browser, reads the map and the charts, switches evidence off and on, adds a clue and compares versions.
 * The map and charts are checked on the canvas itself: the colour where Portugal is drawn, the bars and the fitted curve.
 */

const ANALYST = { username: 'ines.analyst', password: 'correct horse battery staple' };
const PT_TEXTS = [
  'Estou a carregar o ficheiro para o servidor, espera um bocado.',
  'A minha equipa viu isso ontem, de facto.',
  'Apanhei o autocarro e fiquei sem rede no telemóvel.',
  'O utilizador novo não consegue aceder ao ecrã de registo.',
];
const LISBON = { lat: 38.7223, lon: -9.1393 };
// The colours of the map's classes (probability-map.tsx).
const TOP_CLASS = [0x0e, 0x2a, 0x52];
const LOWEST_CLASS = [0xee, 0xf2, 0xf7];

let node: RunningNode;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
let caseId = '';
let events = 0;



async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The colour drawn at a place on the map, read from the canvas where ECharts projects that longitude and latitude. */
async function mapColourAt(lon: number, lat: number, view: 'set' | 'world' = 'set'): Promise<number[]> {
  const map = page.locator(`[data-testid="probability-map"][data-drawn="${view}"]`);
  await map.waitFor();
  // One frame for the canvas to be painted after the option is set.
  await page.waitForTimeout(300);
  return map.evaluate(
    (el, [x, y]) => {
      const chart = (el as unknown as { chart: { convertToPixel(finder: object, value: number[]): number[] } }).chart;
      const [px, py] = chart.convertToPixel({ seriesIndex: 0 }, [x!, y!]);
      const canvas = el.querySelector('canvas')!;
      const scale = canvas.width / canvas.clientWidth;
      const data = canvas.getContext('2d')!.getImageData(Math.round(px! * scale), Math.round(py! * scale), 1, 1).data;
      return [data[0]!, data[1]!, data[2]!];
    },
    [lon, lat],
  );
}

const close = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) <= 12);

describe('location screens', () => {
  beforeAll(async () => {
    node = await startNode();
    await setUpFirstAgency(node, { username: ANALYST.username, displayName: 'Inês Analyst', password: ANALYST.password, roles: ['admin', 'investigator', 'analyst'] });
    const { call } = await apiSession(node.url, ANALYST.username, ANALYST.password);
    caseId = (await call<{ id: string }>('POST', '/cases', { reference: 'PT-2026-0042', title: 'Forum administrator' })).id;

    // A summer and a half of posts by the administrator, in local time with the offset of the day.
    const office = DEFAULT_ACTIVITY_PARAMS.profiles.reduce((a, b) => (b.label.startsWith('office') ? b : a)).hourOfWeek;
    const times = syntheticTimes({ zone: 'Europe/Lisbon', from: Date.UTC(2025, 1, 1) / 1000, days: 120, perDay: 1.5, hourOfWeek: office, seed: 8 });
    events = times.length;
    const lines = times.map((s, i) => JSON.stringify({ author: 'nightowl', time: localIso('Europe/Lisbon', s), text: PT_TEXTS[i % PT_TEXTS.length] })).join('\n');
    const imported = await call<{ id: string }>('POST', `/cases/${caseId}/imports?fileName=forum.jsonl&format=jsonl&platform=forum.example&handlingCode=TLP:AMBER`, lines, { 'content-type': 'application/x-ndjson' });
    await until('the post import', async () => ((await call<{ status: string }>('GET', `/cases/${caseId}/imports/${imported.id}`)).status === 'done' ? true : undefined));

    // Two pictures from the seized phone: taken in Lisbon, winter and summer offsets.
    const body = multipart({
      files: [
        { filename: 'IMG_0001.jpg', content: await cameraPicture(401, { serial: 'SN-9000', takenAt: '2025:01:12 11:00:00', offset: '+00:00', gps: LISBON }) },
        { filename: 'IMG_0002.jpg', content: await cameraPicture(402, { serial: 'SN-9000', takenAt: '2025:07:03 19:30:00', offset: '+01:00', gps: LISBON }) },
      ],
    });
    const ingest = await call<{ id: string }>('POST', `/cases/${caseId}/ingests?source=phone`, body.payload, body.headers);
    await until('the ingest', async () => ((await call<{ status: string }>('GET', `/cases/${caseId}/ingests/${ingest.id}`)).status === 'done' ? true : undefined));

    browser = await launchBrowser();
    ({ context, page, errors: pageErrors } = await signedInPage(browser, node.url, ANALYST, (p) => p.getByRole('heading', { name: 'Cases', level: 1 }), { defaultTimeout: 20_000, timeout: 20000 }));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await node?.stop();
  });

  it('starts an assessment of the identity from the case page', async () => {
    await page.goto(`/cases/${caseId}`);
    const panel = page.getByRole('region', { name: 'Location' });
    await visible(panel.getByText('No location assessment yet.'));
    await panel.getByRole('link', { name: 'Location inference' }).click();
    await visible(page.getByRole('heading', { name: 'Location', level: 1 }));
    await page.getByRole('button', { name: 'New assessment' }).click();
    const dialog = page.getByRole('dialog', { name: 'New location assessment' });
    await dialog.getByRole('option', { name: /nightowl@forum\.example/ }).waitFor({ state: 'attached' });
    await dialog.getByLabel('Subject').selectOption({ label: 'nightowl@forum.example (TLP:AMBER)' });
    await screenshot(page, 'location-01-new');
    await dialog.getByRole('button', { name: 'Assess' }).click();
    await visible(page.getByRole('heading', { name: 'Location of nightowl@forum.example', level: 1 }), 60_000);
  });

  it('shades the map by probability, outlines and lists the credible set, and draws the activity with its fitted routine', async () => {
    await visible(page.getByTestId('headline').getByText('Portugal'));
    // Inland Portugal is drawn in the top class; Morocco, the Sahara and Brazil in the lowest.
    expect(close(await mapColourAt(-8.0, 39.6), TOP_CLASS)).toBe(true);
    expect(close(await mapColourAt(-6.0, 32.0), LOWEST_CLASS)).toBe(true);
    await page.getByRole('button', { name: 'World', exact: true }).click();
    expect(close(await mapColourAt(20, 25, 'world'), LOWEST_CLASS)).toBe(true);
    expect(close(await mapColourAt(-50, -10, 'world'), LOWEST_CLASS)).toBe(true);
    await screenshot(page, 'location-02b-world');
    await page.getByRole('button', { name: 'Credible set', exact: true }).click();
    await visible(page.getByTestId('credible-set').getByText(/Portugal/));
    await visible(page.getByTestId('explanation').getByText(/European Portuguese/));

    const chart = page.locator('[data-testid="activity-chart"][data-drawn="day-local"]');
    await chart.waitFor();
    const drawn = await chart.evaluate((el) => {
      const option = (el as unknown as { chart: { getOption(): { series: { name: string; data: number[] }[] } } }).chart.getOption();
      const canvas = el.querySelector('canvas')!;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let bar = 0;
      let fit = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        if (Math.abs(pixels[i]! - 0x6f) < 8 && Math.abs(pixels[i + 1]! - 0x95) < 8 && Math.abs(pixels[i + 2]! - 0xc8) < 8) bar++;
        if (Math.abs(pixels[i]! - 0xc2) < 10 && Math.abs(pixels[i + 1]! - 0x41) < 10 && Math.abs(pixels[i + 2]! - 0x0c) < 10) fit++;
      }
      return { series: option.series.map((s) => ({ name: s.name, total: s.data.reduce((a, b) => a + b, 0), length: s.data.length })), bar, fit };
    });
    expect(drawn.series[0]).toEqual({ name: 'Events', total: events, length: 24 });
    expect(drawn.series[1]!.name).toBe('Fitted routine');
    expect(Math.abs(drawn.series[1]!.total - events)).toBeLessThan(events * 0.02);
    expect(drawn.bar).toBeGreaterThan(500);
    expect(drawn.fit).toBeGreaterThan(50);
    await screenshot(page, 'location-02-assessment');
    await page.getByText(/^Assumptions/).click();
    await visible(page.getByText(/Portugal and the United Kingdom share clock rules/));

    await page.getByRole('button', { name: 'Hour of week' }).click();
    const week = page.locator('[data-testid="activity-chart"][data-drawn="week-local"]');
    await week.waitFor();
    expect(await week.evaluate((el) => (el as unknown as { chart: { getOption(): { series: { data: number[] }[] } } }).chart.getOption().series[0]!.data.length)).toBe(168);
    await page.waitForTimeout(300);
    await screenshot(page, 'location-03-hour-of-week', { fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('switching the GPS evidence off re-ranks and says what it would add; switching it on restores it', async () => {
    const headline = page.getByTestId('headline');
    const before = await headline.textContent();
    const gps = page.getByRole('switch', { name: /GPS of 2 media items in Portugal/ });
    expect(await gps.isChecked()).toBe(true);
    await gps.click({ force: true });
    await visible(page.getByText(/version 2 \(edited/));
    expect(await gps.isChecked()).toBe(false);
    await visible(page.getByTestId('evidence-gps-PT').getByText(/^Switched on: /));
    expect(await headline.textContent()).not.toBe(before);
    await screenshot(page, 'location-04-gps-off');
    await gps.click({ force: true });
    await visible(page.getByText(/version 3 \(edited/));
    expect(await headline.textContent()).toBe(before);
  });

  it('adds an analyst clue, then compares versions', async () => {
    await page.getByRole('button', { name: 'Add a clue' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add an analyst clue' });
    await dialog.getByLabel('What was seen').fill('Type F socket behind the desk');
    await dialog.getByLabel('Candidate countries').fill('PT, ES, FR, DE');
    await visible(dialog.getByText('Portugal, Spain, France, Germany'));
    await screenshot(page, 'location-05-clue');
    await dialog.getByRole('button', { name: 'Add clue' }).click();
    await visible(page.getByText(/version 4 \(edited/));
    await visible(page.getByRole('switch', { name: 'Type F socket behind the desk' }));

    await page.getByRole('button', { name: 'Versions' }).click();
    const versions = page.getByRole('dialog', { name: 'Versions' });
    await visible(versions.getByTestId('comparison').getByText('Version 3 → version 4'));
    await visible(versions.getByTestId('comparison').getByText('Type F socket behind the desk'));
    await versions.getByRole('button', { name: 'with v1' }).click();
    await visible(versions.getByTestId('comparison').getByText('switched off'));
    await screenshot(page, 'location-06-versions');
    await versions.getByRole('button', { name: 'Close' }).click();
    expect(pageErrors).toEqual([]);
  });

  it('lists the assessment in the case with its leading country', async () => {
    await page.goto(`/cases/${caseId}/location`);
    const row = page.getByRole('row').filter({ hasText: 'Location of nightowl@forum.example' });
    await visible(row.getByText('Portugal'));
    await screenshot(page, 'location-07-list');
    await page.goto(`/cases/${caseId}`);
    await visible(page.getByRole('region', { name: 'Location' }).getByText(/most likely Portugal/));
    expect(pageErrors).toEqual([]);
  });
});
