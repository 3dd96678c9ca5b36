import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shapesSvg } from '../src/media/testing/images.js';
import { buildZip } from '../test/ingest/support/archives.js';
import { launchBrowser, screenshot, signedInPage, visible } from './support/browser.js';
import { apiSession, setUpFirstAgency } from './support/api.js';
import { startNode, type RunningNode } from './support/node-process.js';

/*
 * Device triage in the browser against a real node: upload a zip and files with a progress bar, follow the background
 * ingest to its summary, then the media library — every picture blurred and greyscale until one is revealed, keyboard
 * navigation and one key per category, filters — and an item's page with its metadata, map pin, occurrences,
 * hash-set match and near-duplicates side by side. All pictures and the video are generated.
 */

const EXAMINER = { username: 'rita.victimid', password: 'correct horse battery staple' };

let node: RunningNode;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
let caseId = '';
const work = mkdtempSync(path.join(tmpdir(), 'tessera-e2e-media-'));
const files: Record<string, string> = {};


async function picture(seed: number, width: number, height: number, exif?: Record<string, Record<string, string>>): Promise<Buffer> {
  let img = sharp(Buffer.from(shapesSvg(width, height, seed)));
  if (exif) img = img.withExif(exif as never);
  return img.jpeg({ quality: 88 }).toBuffer();
}


/** The protected state of every tile in the grid, read as the page shows it ('none' for files without a picture). */
async function tileStates(): Promise<{ revealed: string; filter: string }[]> {
  return page.locator('.media-grid [data-tile]').evaluateAll((tiles) =>
    tiles.map((tile) => {
      const el = tile.querySelector('.safe-media');
      if (!el) return { revealed: 'none', filter: '' };
      return { revealed: el.getAttribute('data-revealed') ?? '', filter: (el.querySelector('.safe-media-content') as unknown as { style: { filter: string } } | null)?.style.filter ?? '' };
    }),
  );
}

const revealedPattern = async () => (await tileStates()).map((t) => t.revealed);

describe('media triage screens', () => {
  beforeAll(async () => {
    const gps = { IFD0: { Make: 'Canon', Model: 'EOS 5D' }, IFD2: { DateTimeOriginal: '2021:03:04 05:06:07', OffsetTimeOriginal: '+01:00', BodySerialNumber: 'SN12345' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '38/1 42/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '9/1 8/1 0/1' } };
    const withGps = await picture(7, 640, 480, gps);
    const scene = await picture(8, 640, 480);
    const smaller = await sharp(scene).resize(320, 240).jpeg({ quality: 60 }).toBuffer();
    const others = await Promise.all([9, 10, 11, 12].map((s) => picture(s, 400 + s * 10, 300)));
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', path.join(work, 'clip.mp4')]);
    const zip = buildZip([
      { name: 'DCIM/IMG_0001.jpg', data: withGps, method: 'store' },
      { name: 'DCIM/IMG_0002.jpg', data: scene, method: 'store' },
      { name: 'WhatsApp/IMG-small.jpg', data: smaller, method: 'store' },
      ...others.map((o, i) => ({ name: `Pictures/shape-${i}.jpg`, data: o, method: 'store' as const })),
      { name: 'Movies/clip.mp4', data: readFileSync(path.join(work, 'clip.mp4')), method: 'store' },
      { name: 'Documents/notes.txt', data: Buffer.from('meeting notes\n'.repeat(20)) },
      { name: '../escape.txt', data: Buffer.from('x') },
    ]);
    files.zip = path.join(work, 'phone-backup.zip');
    writeFileSync(files.zip, zip);
    files.copy = path.join(work, 'copy-of-0001.jpg');
    writeFileSync(files.copy, withGps);
    files.known = createHash('md5').update(others[0]!).digest('hex');

    node = await startNode();
    await setUpFirstAgency(node, { username: EXAMINER.username, displayName: 'Rita Examiner', password: EXAMINER.password, roles: ['admin', 'investigator', 'victim-id'] });
    const s = await apiSession(node.url, EXAMINER.username, EXAMINER.password);
    const created = await fetch(`${node.url}/api/v1/cases`, { method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' }, body: JSON.stringify({ reference: 'PT-2026-0077', title: 'Seized phone, exhibit 12' }) });
    caseId = ((await created.json()) as { id: string }).id;
    // A known hash set holding one of the pictures (as a shared list would).
    const form = new FormData();
    form.append('name', 'LOCAL-KNOWN');
    form.append('format', 'csv');
    form.append('file', new Blob([`md5,category\n${files.known},1\n`]), 'known.csv');
    const imported = await fetch(`${node.url}/api/v1/hashsets`, { method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, body: form });
    if (imported.status !== 201) throw new Error(`hash set: ${imported.status} ${await imported.text()}`);

    browser = await launchBrowser();
    ({ context, page, errors: pageErrors } = await signedInPage(browser, node.url, EXAMINER, (p) => p.getByRole('heading', { name: 'Cases', level: 1 }), { defaultTimeout: 20_000, timeout: 20000 }));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await node?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('uploads a zip and a file with a progress bar and shows the background ingest to its summary', async () => {
    await page.goto(`/cases/${caseId}`);
    await page.getByRole('region', { name: 'Media' }).getByRole('link', { name: 'Ingest a device' }).click();
    await visible(page.getByRole('heading', { name: 'Ingest', level: 1 }));
    await page.getByTestId('ingest-files').setInputFiles([files.zip!, files.copy!]);
    await page.getByLabel('Source').fill('Phone of the suspect, exhibit 12');
    await screenshot(page, 'media-01-upload');
    await page.getByRole('button', { name: 'Upload and ingest' }).click();
    const current = page.getByRole('region', { name: 'This upload' });
    await visible(current.getByText('Files seen'), 60_000);
    await visible(current.locator('[data-status="done"]'), 60_000);
    const summary = await current.locator('.media-summary').innerText();
    expect(summary).toMatch(/Files seen\s+11/);
    expect(summary).toMatch(/New media\s+9/);
    expect(summary).toMatch(/Duplicates\s+1/);
    expect(summary).toMatch(/Known\s+1/);
    expect(summary).toMatch(/Refused\s+1/);
    await current.getByText(/file with a problem|files with a problem/).click();
    await visible(current.getByText('Unsafe path in archive'));
    await screenshot(page, 'media-02-ingest-done', { fullPage: true });
  });

  it('shows the library blurred and greyscale, reveals one item at a time, and categorises with one key', async () => {
    await page.getByRole('link', { name: 'Open these media in the library' }).click();
    await visible(page.getByRole('heading', { name: 'Media library', level: 1 }));
    await visible(page.locator('.media-grid .safe-media'));
    const grid = page.getByRole('list', { name: /Media of PT-2026-0077/ });
    expect(await grid.getByRole('listitem').count()).toBe(9);
    // Every thumbnail starts protected, with the default blur and greyscale (the text file has no picture at all).
    const states = await tileStates();
    expect(states.filter((t) => t.revealed === 'none')).toHaveLength(1);
    for (const t of states.filter((x) => x.revealed !== 'none')) expect(t).toEqual({ revealed: 'false', filter: 'blur(24px) grayscale(1)' });
    await screenshot(page, 'media-03-library-blurred');

    // Two tiles with pictures, side by side, to reveal with the keyboard.
    const first = states.findIndex((t, i) => t.revealed === 'false' && states[i + 1]?.revealed === 'false');
    const tiles = grid.getByRole('listitem');
    await tiles.nth(first).focus();
    await page.keyboard.press(' ');
    const only = (i: number) => states.map((t, j) => (t.revealed === 'none' ? 'none' : j === i ? 'true' : 'false'));
    await expect.poll(revealedPattern).toEqual(only(first));
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('data-tile'))).toBe(await tiles.nth(first + 1).getAttribute('data-tile'));
    await page.keyboard.press(' ');
    // One at a time: revealing the next blurs the first again.
    await expect.poll(revealedPattern).toEqual(only(first + 1));
    await page.waitForTimeout(400); // let the un-blur transition finish before the picture is taken
    await screenshot(page, 'media-04-library-one-revealed');
    await page.keyboard.press('2');
    await visible(tiles.nth(first + 1).locator('.badge-cat-cem'));
    await page.keyboard.press(' ');
    await expect.poll(async () => (await tileStates()).every((t) => t.revealed !== 'true')).toBe(true);

    await page.getByLabel('Category').selectOption('cem');
    await expect.poll(() => grid.getByRole('listitem').count()).toBe(1);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Status').selectOption('known');
    await expect.poll(() => grid.getByRole('listitem').count()).toBe(1);
    await visible(grid.locator('.badge-known'));
    await page.getByLabel('Status').selectOption('');
    await page.getByRole('checkbox', { name: /Has GPS/ }).check();
    await expect.poll(() => grid.getByRole('listitem').count()).toBe(1);
    await screenshot(page, 'media-05-library-gps-filter');
  });

  it("opens an item: metadata, a map pin, where it was found; the view is protected and re-blurred on leaving", async () => {
    const grid = page.getByRole('list', { name: /Media of PT-2026-0077/ });
    await grid.getByRole('listitem').first().focus();
    await page.keyboard.press('Enter');
    await visible(page.getByRole('heading', { name: 'Media item', level: 1 }));
    const facts = page.getByRole('region', { name: 'Camera and capture' });
    await visible(facts.getByText('SN12345'));
    await visible(facts.getByText('2021-03-04 05:06:07 +01:00'));
    await visible(page.getByTestId('gps-map').locator('canvas'));
    const found = page.getByRole('region', { name: /Where it was found/ });
    await visible(found.getByText('phone-backup.zip!/DCIM/IMG_0001.jpg'));
    await visible(found.getByText('copy-of-0001.jpg'));
    const media = page.locator('.media-detail-main .safe-media');
    expect(await media.getAttribute('data-revealed')).toBe('false');
    await screenshot(page, 'media-06-item-protected', { fullPage: true });
    await media.getByRole('button', { name: /Reveal/ }).click();
    expect(await media.getAttribute('data-revealed')).toBe('true');
    // Looking away re-blurs.
    await page.evaluate(() => (globalThis as any).dispatchEvent(new Event('blur')));
    await expect.poll(() => media.getAttribute('data-revealed')).toBe('false');
    await page.keyboard.press('1');
    await visible(page.getByRole('button', { name: /CAM/, pressed: true }));
  });

  it('shows near-duplicates side by side with their distance, and plays video muted', async () => {
    await page.goto(`/cases/${caseId}/media?hasNearDuplicates=true`);
    const grid = page.getByRole('list', { name: /Media of PT-2026-0077/ });
    await expect.poll(() => grid.getByRole('listitem').count()).toBe(2);
    await grid.getByRole('listitem').first().getByRole('link').click();
    const near = page.getByRole('region', { name: /Near-duplicates/ });
    await visible(near.getByText(/Distance \d+ of 256 bits/));
    expect(await near.locator('.safe-media').count()).toBe(2);
    await near.scrollIntoViewIfNeeded();
    await screenshot(page, 'media-07-near-duplicates');

    await page.goto(`/cases/${caseId}/media?kind=video`);
    await expect.poll(() => grid.getByRole('listitem').count()).toBe(1);
    await grid.getByRole('listitem').first().getByRole('link').click();
    const video = page.locator('.media-detail-main video');
    await visible(video);
    expect(await video.evaluate((v) => (v as unknown as { muted: boolean }).muted)).toBe(true);
    expect(await page.locator('.media-detail-main .safe-media').getAttribute('data-revealed')).toBe('false');
    await screenshot(page, 'media-08-video-protected');
  });

  it('lists the known hash sets with their matches', async () => {
    await page.getByRole('link', { name: 'Known hash sets' }).click();
    const list = page.getByRole('region', { name: 'Sets on this node' });
    await visible(list.getByRole('cell', { name: 'LOCAL-KNOWN' }));
    expect(await list.getByRole('row').nth(1).innerText()).toMatch(/LOCAL-KNOWN\s+CSV\s+1\s+1/);
    await screenshot(page, 'media-09-hash-sets');
    expect(pageErrors).toEqual([]);
  });
});
