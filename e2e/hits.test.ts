import sharp from 'sharp';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noisyJpeg } from '../src/media/testing/images.js';
import { system, type TestNode } from '../test/network/support.js';
import { addCase, addImage, addSelector, startMatchingNetwork, userCtx, type MatchingNetwork } from '../test/matching/support.js';
import { launchBrowser, screenshot, signedInPage } from './support/browser.js';

/*
 * Hit/no-hit in the browser, against a real hub and two agency nodes on 127.0.0.1 (serving the built web app): the
 * Hits page with an exact selector hit, a near-duplicate picture and a TLP:RED item waiting for the owner's decision;
 * deconfliction and a message to the other agency from the hit; what a case shares; the item badge; the admin's
 * matching screen. Pictures are generated shapes; every text is neutral and written here.
 */

const PASSWORD = 'correct horse battery staple';
let net: MatchingNetwork;
let browser: Browser;
const contexts: BrowserContext[] = [];
const errors: string[][] = [];
const ids: Record<string, string> = {};

const visible = (locator: Locator, timeout = 30_000) => locator.first().waitFor({ state: 'visible', timeout });

async function signedIn(node: TestNode, username: string, landmark: RegExp): Promise<Page> {
  const signed = await signedInPage(browser, node.url, { username, password: PASSWORD }, (page) => page.getByRole('link', { name: landmark }), { timeout: 30_000 });
  contexts.push(signed.context);
  errors.push(signed.errors);
  return signed.page;
}

describe('hits in the browser', () => {
  let pt: Page;

  beforeAll(async () => {
    net = await startMatchingNetwork({ web: true });
    for (const [node, agencyId, username, roles] of [
      [net.a, net.pt, 'pt.analyst', ['investigator', 'analyst']],
      [net.a, net.pt, 'pt.admin', ['admin']],
      [net.b, net.es, 'es.investigator', ['investigator']],
    ] as const) {
      await node.services.users.create(system(), { agencyId, username, roles: [...roles], password: PASSWORD });
    }
    ids.ptCase = await addCase(net.a, net.pt, 'PT-E2E-7');
    ids.esCase = await addCase(net.b, net.es, 'ES-E2E-3');
    ids.handle = await addSelector(net.a, net.pt, ids.ptCase, 'handle', 'https://t.me/Example_Admin_7', 'TLP:AMBER');
    await addSelector(net.b, net.es, ids.esCase, 'handle', '@example_admin_7', 'TLP:GREEN', 'telegram');
    ids.red = await addSelector(net.a, net.pt, ids.ptCase, 'email', 'Example.Admin7@Proton.me', 'TLP:RED');
    await net.a.services.matching.sharing.setItemSharing(userCtx(net.pt), ids.ptCase, 'selector', ids.red, true);
    await addSelector(net.b, net.es, ids.esCase, 'email', 'example.admin7@proton.me', 'TLP:AMBER');
    const original = await noisyJpeg(800, 600, 7, 92, 4);
    await addImage(net.b, ids.esCase, original);
    ids.media = (await addImage(net.a, ids.ptCase, await sharp(original).resize(480, 360).jpeg({ quality: 55 }).toBuffer())).id;
    await net.syncAll([net.es, net.pt]);
    await net.syncAll([net.pt, net.es]);
    browser = await launchBrowser();
    pt = await signedIn(net.a, 'pt.analyst', /^Hits/);
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await net?.close();
  });

  it('lists the hits, the one waiting for our decision first, with the count in the navigation', async () => {
    await expect.poll(async () => pt.getByRole('link', { name: /^Hits/ }).locator('.hit-count').innerText(), { timeout: 30_000 }).toBe('!');
    await pt.getByRole('link', { name: /^Hits/ }).click();
    await visible(pt.getByRole('heading', { name: '3 hits' }));
    const cards = pt.locator('.hit-card');
    await expect.poll(() => cards.count()).toBe(3);
    await expect.poll(() => cards.first().innerText()).toMatch(/e-mail address[\s\S]*Keep it to us/);
    await visible(pt.locator('.hit-card', { hasText: 'online handle on telegram' }).getByText(/case ES-E2E-3/));
    await visible(pt.locator('.hit-card', { hasText: /Near-duplicate · distance \d+/ }).getByText('Policía Nacional (test)'));
    await screenshot(pt, 'hits-01-list', { fullPage: true });
  });

  it('keeps the TLP:RED item to us, and moves the handle hit forward', async () => {
    const red = pt.locator('.hit-card', { hasText: 'e-mail address' });
    await red.getByRole('button', { name: 'Keep it to us' }).click();
    await visible(red.getByText(/your agency declined to reveal it/));
    const handle = pt.locator('.hit-card', { hasText: 'online handle on telegram' });
    await handle.getByRole('button', { name: 'Mark acknowledged' }).click();
    await visible(handle.locator('.hit-status', { hasText: 'Acknowledged' }));
    await screenshot(pt, 'hits-02-decided', { fullPage: true });
    // The other agency never learns of the declined hit.
    await net.b.services.matching.sync.pullHits(net.es);
    const atEs = await net.b.services.matching.hits.list(userCtx(net.es), {});
    expect(atEs.items.map((h) => h.mine.label).sort()).toEqual(['image (image/jpeg, 800×600)', 'online handle on telegram']);
  });

  it('writes to the other agency from a hit, naming both items, and the hit is then in contact', async () => {
    const handle = pt.locator('.hit-card', { hasText: 'online handle on telegram' });
    await handle.getByRole('button', { name: 'Message Policía Nacional (test)' }).click();
    const dialog = pt.getByRole('dialog', { name: 'Message Policía Nacional (test)' });
    await visible(dialog.getByLabel('Subject'));
    expect(await dialog.getByLabel('Subject').inputValue()).toBe('Network hit: online handle on telegram');
    const text = await dialog.getByLabel('Text').inputValue();
    expect(text).toContain('PT-E2E-7');
    expect(text).toContain('ES-E2E-3');
    await screenshot(pt, 'hits-03-message');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await visible(pt.getByRole('heading', { name: 'Network hit: online handle on telegram' }));
    const hit = (await net.a.services.matching.hits.list(userCtx(net.pt), {})).items.find((h) => h.mine.label === 'online handle on telegram');
    expect(hit?.status).toBe('in-contact');
  });

  it('shows what a case shares, with the choice per item, and the badge on the media item', async () => {
    await pt.goto(`/cases/${ids.ptCase}`);
    await visible(pt.getByRole('heading', { name: 'Network matching' }));
    await pt.getByRole('link', { name: 'What we share' }).click();
    await visible(pt.getByRole('heading', { name: 'What we share for network matching' }));
    await visible(pt.getByRole('cell', { name: 'e-mail address' }));
    const email = pt.getByRole('combobox', { name: 'Sharing of e-mail address' });
    expect(await email.inputValue()).toBe('on');
    await screenshot(pt, 'hits-04-case-sharing', { fullPage: true });
    await email.selectOption('default');
    await expect.poll(async () => (await net.a.services.matching.sharing.caseSharing(userCtx(net.pt), ids.ptCase!, { kind: 'selector' })).items.find((i) => i.itemId === ids.red)?.override).toBe(null);

    await pt.goto(`/cases/${ids.ptCase}/media/${ids.media}`);
    await visible(pt.getByRole('note', { name: '1 network hit' }));
    await visible(pt.getByRole('note', { name: '1 network hit' }).getByRole('link', { name: 'Policía Nacional (test)' }));
    await screenshot(pt, 'hits-05-media-badge');
  });

  it('gives the admin the key, the disclosure policy and publishing', async () => {
    const admin = await signedIn(net.a, 'pt.admin', /^Network matching/);
    await admin.getByRole('link', { name: /^Network matching/ }).click();
    await visible(admin.getByRole('heading', { name: 'Network match key' }));
    const key = (await net.a.services.matching.keys.current(net.pt))!;
    await visible(admin.getByText(key.fingerprint));
    await visible(admin.getByRole('button', { name: 'Rotate the key' }));
    expect(await admin.getByLabel('TLP:RED').inputValue()).toBe('owner');
    await admin.getByLabel('TLP:AMBER', { exact: true }).selectOption('contact');
    await expect.poll(async () => (await net.a.services.matching.sharing.policy(userCtx(net.pt, ['admin'])))['TLP:AMBER']).toBe('contact');
    await admin.getByRole('button', { name: 'Synchronise now' }).click();
    await visible(admin.getByText(/published, \d+ withdrawn/));
    await screenshot(admin, 'hits-06-admin', { fullPage: true });
  });

  it('logged no page error', () => {
    expect(errors.flat()).toEqual([]);
  });
});
