import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { repoRoot } from './node-process.js';

/** Debian's Chromium, never a downloaded one; no network side-channels (updates, sync, QUIC). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The laptop the app is designed for. */
export const LAPTOP = { width: 1366, height: 768 };

export async function newLaptopContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({ viewport: LAPTOP, baseURL, locale: 'en-GB', timezoneId: 'Europe/Lisbon' });
}

/** Waits until the first element the locator finds is visible. */
export const visible = (locator: Locator, timeout = 20_000) => locator.first().waitFor({ state: 'visible', timeout });

export interface SignedInPage {
  context: BrowserContext;
  page: Page;
  /** What the page logged as errors (see collectPageErrors). */
  errors: string[];
}

/**
 * A fresh laptop-sized context on `baseURL`, signed in through the login page as the user; resolves once the
 * `landmark` the signed-in page shows is visible.
 */
export async function signedInPage(
  browser: Browser,
  baseURL: string,
  user: { username: string; password: string },
  landmark: (page: Page) => Locator,
  options: { defaultTimeout?: number; timeout?: number } = {},
): Promise<SignedInPage> {
  const context = await newLaptopContext(browser, baseURL);
  if (options.defaultTimeout) context.setDefaultTimeout(options.defaultTimeout);
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto('/login');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByLabel('Password').press('Enter');
  await visible(landmark(page), options.timeout);
  return { context, page, errors };
}

export const screenshotDir = path.join(repoRoot, 'e2e', 'screenshots');

/** Screenshots of each screen, to look at (they are not compared). */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  // A full-page capture draws sticky bars where the page is scrolled to: from the top they sit where people see them.
  if (options.fullPage) await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: options.fullPage ?? false });
  return file;
}

/** Fails on anything the page logged as an error or any request the page could not make (e.g. a CSP violation). */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // 401/4xx responses the app expects (session probe, wrong password) are logged by Chromium as resource errors.
    if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
      errors.push(`console: ${message.text()}`);
    }
  });
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? '';
    if (!failure.includes('ERR_ABORTED')) errors.push(`requestfailed: ${request.url()} ${failure}`);
  });
  return errors;
}
