import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchBrowser, newLaptopContext, screenshot } from './support/browser.js';
import { startNode, type RunningNode } from './support/node-process.js';

/*
 * The web app end to end, against a real node on a fresh SQLite data directory: what a newcomer does on the first
 * day, then what each role sees. The steps share one browser session and build on each other, in order.
 */

const ADMIN = { username: 'ana.admin', displayName: 'Ana Admin', password: 'correct horse battery staple' };
const AUDITOR = { username: 'dora.dpo', displayName: 'Dora DPO', password: 'a long auditor passphrase' };
const ADMIN_ONLY = { username: 'adam.it', displayName: 'Adam IT', password: 'another long passphrase' };
const ANALYST = { username: 'alex.analyst', displayName: 'Alex Analyst', password: 'an analyst passphrase' };
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

let node: RunningNode;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
let totpSecret = '';
let caseId = '';

const visible = (locator: Locator, timeout = 10_000) => locator.first().waitFor({ state: 'visible', timeout });
const hidden = (locator: Locator, timeout = 10_000) => locator.first().waitFor({ state: 'hidden', timeout });
// Runs in the page; the test project has no DOM typings, hence the casts.
const filterOf = (locator: Locator) => locator.evaluate((el) => (globalThis as any).getComputedStyle(el).filter as string);
const mainNav = () => page.getByRole('navigation', { name: 'Main' });

async function fromUserMenu(displayName: string, item: string) {
  await page.getByRole('button', { name: displayName }).click();
  await page.getByRole('navigation', { name: 'Account menu' }).getByRole(item === 'Sign out' ? 'button' : 'link', { name: item }).click();
}

async function signOut(displayName: string) {
  await fromUserMenu(displayName, 'Sign out');
  await visible(page.getByText('You are signed out'));
}

async function signIn(username: string, password: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
}

describe('web app', () => {
  beforeAll(async () => {
    node = await startNode();
    browser = await launchBrowser();
    context = await newLaptopContext(browser, node.url);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: node.url });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await node?.stop();
  });

  it('sets up the first agency and its admin from the one-time link', async () => {
    await page.goto(node.setupUrl);
    await visible(page.getByRole('heading', { name: 'Set up this node' }));
    // The first user gets admin and investigator by default (explained on the page); nothing else.
    expect(await page.getByRole('checkbox', { name: /^Agency admin/ }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: /^Investigator/ }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: /^Auditor/ }).isChecked()).toBe(false);

    await page.getByLabel('Agency name').fill('Polícia Judiciária – UNC3T');
    await page.getByLabel('Country').selectOption('PT');
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Display name').fill(ADMIN.displayName);
    await page.getByLabel(/^Password/).fill('too short');
    await page.getByLabel('Repeat password').fill('too short');
    await page.getByRole('button', { name: 'Create agency and administrator' }).click();
    await visible(page.getByText('Use at least 12 characters'));

    await page.getByLabel(/^Password/).fill(ADMIN.password);
    await page.getByLabel('Repeat password').fill(ADMIN.password);
    await screenshot(page, '01-setup');
    await page.getByRole('button', { name: 'Create agency and administrator' }).click();

    await visible(page.getByText('The agency and its administrator are ready'));
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByLabel('Username').inputValue()).toBe(ADMIN.username);
  });

  it('signs in with Enter, shows a wrong password as such, and lands on the cases', async () => {
    await page.getByLabel('Password').fill('not the password');
    await page.getByLabel('Password').press('Enter');
    await visible(page.getByRole('alert').getByText('Wrong username or password.'));
    await screenshot(page, '02-login-error');

    await signIn(ADMIN.username, ADMIN.password);
    await visible(page.getByRole('heading', { name: 'Cases', level: 1 }));
    expect(new URL(page.url()).pathname).toBe('/cases');
    // Admin + investigator: case work, administration and the audit trail.
    for (const name of ['Cases', 'Users', 'Agencies', 'Audit trail']) {
      await visible(mainNav().getByRole('link', { name }));
    }
    await visible(page.getByText('No cases yet.'));
    await screenshot(page, '03-cases-empty');
  });

  it('opens a case, with field errors shown beside the field', async () => {
    await page.getByRole('link', { name: 'New case' }).click();
    await visible(page.getByRole('heading', { name: 'New case' }));
    await page.getByLabel('Reference').fill('bad ref');
    await page.getByLabel('Title').fill('Forum administrator “nightowl”');
    await page.getByRole('button', { name: 'Open case' }).click();
    await visible(page.getByText('contains characters that are not allowed here'));
    expect(await page.getByLabel('Reference').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Reference').fill('PT-2026-0042');
    await page.getByLabel('Description').fill('Administrator of a hidden-service forum. Handles and onion addresses shared by three agencies.');
    await page.getByLabel('Legal authority').fill('Inquérito 123/26.0JAPRT');
    await page.getByLabel('Review date').fill('2027-01-31');
    await screenshot(page, '04-case-new');
    await page.getByRole('button', { name: 'Open case' }).click();

    await page.waitForURL(new RegExp(`/cases/${UUID}$`));
    caseId = new URL(page.url()).pathname.split('/')[2]!;
    await visible(page.getByRole('heading', { name: /PT-2026-0042/, level: 1 }));
    const trail = page.getByRole('region', { name: 'Audit trail' });
    await visible(trail.getByText('Opened the case'));
    await visible(trail.getByText('Read the case'));
    await screenshot(page, '05-case-page');
  });

  it('lists the case, and searches and filters the list', async () => {
    // A second case, so the search has something to leave out.
    await mainNav().getByRole('link', { name: 'Cases' }).click();
    await page.getByRole('link', { name: 'New case' }).click();
    await page.getByLabel('Reference').fill('PT-2026-0043');
    await page.getByLabel('Title').fill('Camera serial lead');
    await page.getByRole('button', { name: 'Open case' }).click();
    await page.waitForURL(new RegExp(`/cases/${UUID}$`));

    await mainNav().getByRole('link', { name: 'Cases' }).click();
    const rows = page.locator('table tbody tr');
    await visible(page.getByRole('link', { name: 'PT-2026-0042' }));
    expect(await rows.count()).toBe(2);
    await screenshot(page, '06-case-list');

    await page.getByRole('searchbox', { name: 'Search' }).fill('nightowl');
    await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
    await page.waitForURL(/q=nightowl/);
    await hidden(page.getByRole('link', { name: 'PT-2026-0043' }));
    expect(await rows.count()).toBe(1);
    await visible(page.getByRole('link', { name: 'PT-2026-0042' }));

    await page.getByLabel('Status').selectOption('closed');
    await page.getByRole('button', { name: 'Search' }).click();
    await visible(page.getByText('No case matches these filters.'));
    await page.getByRole('button', { name: 'Clear' }).click();
    await visible(page.getByRole('link', { name: 'PT-2026-0043' }));
  });

  it('hosts a second agency; Escape closes the dialog', async () => {
    await mainNav().getByRole('link', { name: 'Agencies' }).click();
    await page.getByRole('button', { name: 'Host an agency' }).click();
    const dialog = page.getByRole('dialog', { name: 'Host another agency' });
    await visible(dialog);
    await page.keyboard.press('Escape');
    await hidden(dialog);

    await page.getByRole('button', { name: 'Host an agency' }).click();
    await dialog.getByLabel('Agency name').fill('Guardia Civil – EMUME');
    await dialog.getByLabel('Country').selectOption('ES');
    await screenshot(page, '07-agency-dialog');
    await dialog.getByRole('button', { name: 'Add agency' }).click();
    await hidden(dialog);
    await visible(page.getByRole('cell', { name: 'Guardia Civil – EMUME' }));
    await screenshot(page, '08-agencies');
  });

  it('lets the lead add, change and remove a participant, and edit the case', async () => {
    await page.goto(`/cases/${caseId}`);
    const participants = page.getByRole('region', { name: 'Participants' });
    await participants.getByRole('button', { name: 'Add agency' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a participating agency' });
    await dialog.getByLabel('Access').selectOption('read');
    await dialog.getByRole('button', { name: 'Add agency' }).click();
    await hidden(dialog);
    await visible(participants.getByText('Guardia Civil – EMUME'));
    await visible(participants.getByText('Read', { exact: true }));

    await participants.getByRole('button', { name: 'Allow Guardia Civil – EMUME to contribute' }).click();
    await visible(participants.getByText('Contribute', { exact: true }));
    await visible(page.getByRole('region', { name: 'Audit trail' }).getByText('Set a participant’s access'));
    await screenshot(page, '09-case-participants', { fullPage: true });

    await participants.getByRole('button', { name: 'Remove Guardia Civil – EMUME' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove Guardia Civil – EMUME?' });
    await confirm.getByRole('button', { name: 'Remove agency' }).click();
    await hidden(confirm);
    await hidden(participants.getByText('Guardia Civil – EMUME'));
    await visible(page.getByRole('region', { name: 'Audit trail' }).getByText('Removed a participant'));

    await page.getByRole('link', { name: 'Edit case' }).click();
    await visible(page.getByRole('heading', { name: 'Edit PT-2026-0042' }));
    expect(await page.getByLabel('Reference').getAttribute('readonly')).not.toBeNull();
    await page.getByLabel('Status').selectOption('handed-over');
    await screenshot(page, '10-case-edit');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(new RegExp(`/cases/${caseId}$`));
    await visible(page.getByRole('region', { name: 'Details' }).getByText('Handed over'));
    await visible(page.getByRole('region', { name: 'Audit trail' }).getByText('Changed the case'));
  });

  it('shows media protected: blurred by default, one revealed at a time, re-blurred when the window loses focus', async () => {
    await fromUserMenu(ADMIN.displayName, 'Wellness preferences');
    const first = page.getByRole('img', { name: 'Sample picture 1' });
    const second = page.getByRole('img', { name: 'Sample picture 2' });
    await visible(first);
    expect(await filterOf(first)).toBe('blur(24px) grayscale(1)');
    expect(await filterOf(second)).toBe('blur(24px) grayscale(1)');

    await page.getByRole('button', { name: 'Reveal Sample picture 1' }).click();
    await expect.poll(() => filterOf(first)).toBe('none');
    expect(await filterOf(second)).toBe('blur(24px) grayscale(1)');

    // Keyboard: Enter on the second's Reveal; the first goes back under protection.
    await page.getByRole('button', { name: 'Reveal Sample picture 2' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => filterOf(second)).toBe('none');
    expect(await filterOf(first)).toBe('blur(24px) grayscale(1)');
    await screenshot(page, '11-preferences');

    await page.evaluate(() => (globalThis as any).dispatchEvent(new Event('blur')));
    await expect.poll(() => filterOf(second)).toBe('blur(24px) grayscale(1)');

    // The preview follows the unsaved settings; saved ones survive a reload.
    await page.getByLabel(/Blur strength/).fill('40');
    await page.getByLabel('Show media in greyscale until revealed').uncheck();
    await expect.poll(() => filterOf(first)).toBe('blur(40px)');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await visible(page.getByText('Preferences saved'));
    await page.reload();
    await visible(page.getByRole('img', { name: 'Sample picture 1' }));
    expect(await filterOf(page.getByRole('img', { name: 'Sample picture 1' }))).toBe('blur(40px)');
    expect(await page.getByLabel(/Blur strength/).inputValue()).toBe('40');

    await page.getByRole('button', { name: 'Restore defaults' }).click();
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await visible(page.getByText('Preferences saved'));
  });

  it('enrols two-factor sign-in with the manual key, shows recovery codes once, then asks for a code at sign-in', async () => {
    await fromUserMenu(ADMIN.displayName, 'Two-factor sign-in');
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    const qr = page.getByRole('img', { name: /QR code/ });
    await visible(qr);
    expect(await qr.evaluate((img) => (img as any).naturalWidth as number)).toBeGreaterThan(0);
    totpSecret = (await page.getByLabel('Manual setup key').inputValue()).replace(/\s+/g, '');
    expect(totpSecret).toMatch(/^[A-Z2-7]{16,}$/);
    await screenshot(page, '12-totp-enrol');

    await page.getByLabel('6-digit code').fill('000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await visible(page.getByText('That code does not match'));

    await page.getByLabel('6-digit code').fill(TOTP.generate({ secret: Secret.fromBase32(totpSecret), period: 30 }));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await visible(codes);
    expect(await codes.count()).toBeGreaterThanOrEqual(8);
    const recoveryCodes = (await codes.allInnerTexts()).map((c) => c.trim());
    await screenshot(page, '13-recovery-codes');
    expect(await page.getByRole('button', { name: 'Done' }).isDisabled()).toBe(true);
    await page.getByLabel('I have stored these codes').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await visible(page.getByText('Two-factor sign-in is on'));

    await signOut(ADMIN.displayName);
    await signIn(ADMIN.username, ADMIN.password);
    await visible(page.getByRole('heading', { name: 'Two-factor sign-in' }));
    await screenshot(page, '14-login-totp');
    // The code just used for enrolment is spent; the authenticator's next one is accepted (one step of drift).
    await page.getByLabel('Authentication code').fill(TOTP.generate({ secret: Secret.fromBase32(totpSecret), period: 30, timestamp: Date.now() + 30_000 }));
    await page.getByLabel('Authentication code').press('Enter');
    await visible(page.getByRole('heading', { name: 'Cases', level: 1 }));

    // Without the phone: a recovery code signs in once.
    await signOut(ADMIN.displayName);
    await signIn(ADMIN.username, ADMIN.password);
    await page.getByLabel('Authentication code').fill(recoveryCodes[0]!);
    await page.getByLabel('Authentication code').press('Enter');
    await visible(page.getByRole('heading', { name: 'Cases', level: 1 }));

    // Turning it off needs the password; a wrong one is an answer beside the field, not the end of the session.
    await fromUserMenu(ADMIN.displayName, 'Two-factor sign-in');
    await page.getByLabel('Password').fill('not my password');
    await page.getByRole('button', { name: 'Turn off two-factor sign-in' }).click();
    await visible(page.getByText('Wrong password.'));
    expect(new URL(page.url()).pathname).toBe('/account/security');
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Turn off two-factor sign-in' }).click();
    await visible(page.getByRole('button', { name: 'Set up two-factor sign-in' }));
  });

  it('creates an API token shown once with a copy button; it works as a Bearer token until revoked', async () => {
    // The user menu closes on Escape and gives focus back to its button.
    const menuButton = page.getByRole('button', { name: ADMIN.displayName });
    await menuButton.click();
    await visible(page.getByRole('navigation', { name: 'Account menu' }));
    await page.keyboard.press('Escape');
    await hidden(page.getByRole('navigation', { name: 'Account menu' }));
    expect(await menuButton.evaluate((el) => el === (globalThis as any).document.activeElement)).toBe(true);

    await fromUserMenu(ADMIN.displayName, 'API tokens');
    await page.getByLabel('Token name').fill('nightly hash-set import');
    await page.getByRole('button', { name: 'Create token' }).click();
    const value = page.getByLabel('New API token');
    await visible(value);
    const token = await value.inputValue();
    await visible(page.getByText('This is the only time it is shown.'));
    await page.getByRole('button', { name: 'Copy token' }).click();
    await visible(page.getByRole('button', { name: 'Copied' }));
    expect(await page.evaluate(() => (globalThis as any).navigator.clipboard.readText() as Promise<string>)).toBe(token);
    await screenshot(page, '15-token-created');

    const me = await fetch(`${node.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe(ADMIN.username);

    await page.getByRole('button', { name: 'I have copied it' }).click();
    await hidden(value);
    expect(await page.content()).not.toContain(token);

    await page.getByRole('button', { name: 'Revoke nightly hash-set import' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await visible(page.getByRole('cell', { name: 'Revoked' }));
    const after = await fetch(`${node.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });

  it('lets the admin create users with roles; each sees only what the roles allow', async () => {
    await mainNav().getByRole('link', { name: 'Users' }).click();
    for (const [person, role] of [
      [AUDITOR, /^Auditor \/ DPO/],
      [ADMIN_ONLY, /^Agency admin/],
      [ANALYST, /^Analyst/],
    ] as const) {
      await page.getByRole('button', { name: 'New user' }).click();
      const dialog = page.getByRole('dialog', { name: 'New user' });
      await dialog.getByLabel('Username').fill(person.username);
      await dialog.getByLabel('Display name').fill(person.displayName);
      await dialog.getByLabel('Initial password').fill(person.password);
      await dialog.getByRole('checkbox', { name: /^Investigator/ }).uncheck();
      await dialog.getByRole('checkbox', { name: role }).check();
      if (person === AUDITOR) await screenshot(page, '16-new-user');
      await dialog.getByRole('button', { name: 'Create user' }).click();
      await hidden(dialog);
      await visible(page.getByRole('cell', { name: new RegExp(person.username) }));
    }
    await screenshot(page, '17-users');

    // Five wrong passwords lock an account; the person is told so, and their admin can unlock it.
    for (let i = 0; i < 5; i++) {
      await fetch(`${node.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: ADMIN_ONLY.username, password: 'wrong password' }) });
    }
    const elsewhere = await newLaptopContext(browser, node.url);
    const other = await elsewhere.newPage();
    await other.goto('/login');
    await other.getByLabel('Username').fill(ADMIN_ONLY.username);
    await other.getByLabel('Password').fill(ADMIN_ONLY.password);
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.getByText('Account locked').waitFor({ state: 'visible' });
    expect(await other.getByText(/Try again in \d+ minutes?/).count()).toBe(1);
    await screenshot(other, '17b-login-locked');
    await elsewhere.close();

    await page.reload();
    const adamRow = page.getByRole('row', { name: new RegExp(ADMIN_ONLY.username) });
    await visible(adamRow.getByText('Locked', { exact: true }));
    await adamRow.getByRole('button', { name: 'Unlock' }).click();
    await visible(page.getByText(`${ADMIN_ONLY.username} is unlocked.`));
    expect(await adamRow.getByText('Locked', { exact: true }).count()).toBe(0);

    // An admin without a case role administers, and sees no case content: no Cases in the navigation, nor by address.
    await signOut(ADMIN.displayName);
    await signIn(ADMIN_ONLY.username, ADMIN_ONLY.password);
    await visible(page.getByRole('heading', { name: 'Users', level: 1 }));
    await visible(mainNav().getByRole('link', { name: 'Audit trail' }));
    expect(await mainNav().getByRole('link', { name: 'Cases' }).count()).toBe(0);
    await page.goto('/cases');
    await visible(page.getByRole('heading', { name: 'Not available for your roles' }));
    await signOut(ADMIN_ONLY.displayName);

    await signIn(AUDITOR.username, AUDITOR.password);
    await visible(page.getByRole('heading', { name: 'Audit trail', level: 1 }));
    expect(await mainNav().getByRole('link', { name: 'Cases' }).count()).toBe(0);
    expect(await mainNav().getByRole('link', { name: 'Users' }).count()).toBe(0);
  });

  it('browses the audit trail: filters by operation, user and case, and pages back', async () => {
    const rows = page.locator('table.table-audit > tbody > tr:not(.audit-details-row)');
    await visible(rows);
    await screenshot(page, '18-audit');

    await page.getByLabel('Operation').selectOption('collection');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/operation=collection/);
    await visible(page.getByRole('cell', { name: 'Opened the case' }));
    const operations = await page.locator('table.table-audit td:nth-child(4)').allInnerTexts();
    expect(operations.length).toBeGreaterThan(0);
    expect(new Set(operations)).toEqual(new Set(['Collection']));

    await page.getByLabel('Operation').selectOption('');
    await page.getByLabel('User').fill(ADMIN.username);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/user=ana.admin/);
    await visible(page.getByRole('cell', { name: 'Signed in' }));
    expect(new Set(await page.locator('table.table-audit td:nth-child(3)').allInnerTexts())).toEqual(new Set([ADMIN.username]));

    // Clicking a case (shown by its reference) keeps the other filters and narrows to that case.
    await page.getByRole('button', { name: /^PT-2026-/ }).first().click();
    await page.waitForURL(/caseId=/);
    expect(new URL(page.url()).searchParams.get('user')).toBe(ADMIN.username);
    await visible(rows);

    await page.getByRole('button', { name: 'Details of event' }).first().click();
    await visible(page.getByText('Chain hash'));
    await screenshot(page, '19-audit-details');

    // Paging: the unfiltered trail is longer than one page of 25 by now.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL((url) => url.search === '');
    await page.getByLabel('Per page').selectOption('25');
    await page.waitForURL(/limit=25/);
    await expect.poll(() => rows.count()).toBe(25);
    const firstSeq = async () => Number(await page.locator('table.table-audit td:nth-child(1)').first().innerText());
    const newest = await firstSeq();
    await page.getByRole('button', { name: 'Older' }).click();
    await page.waitForURL(/before=/);
    await expect.poll(firstSeq).toBeLessThanOrEqual(newest - 25);
    await page.getByRole('button', { name: 'Newer' }).click();
    await expect.poll(firstSeq).toBe(newest);
  });

  it('sends a person whose session ended to sign-in, and back to the same page afterwards', async () => {
    await page.goto('/audit?operation=authentication');
    await visible(page.getByRole('cell', { name: 'Signed in' }));
    await context.clearCookies();
    await page.getByLabel('Operation').selectOption('collection');
    await page.getByRole('button', { name: 'Apply' }).click();
    await visible(page.getByText('Your session ended'));
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByLabel('Username').inputValue()).toBe(AUDITOR.username);
    expect(new URL(page.url()).searchParams.get('next')).toBe('/audit?operation=collection');
    await screenshot(page, '20-session-ended');

    await signIn(AUDITOR.username, AUDITOR.password);
    await page.waitForURL((url) => url.pathname === '/audit' && url.search === '?operation=collection');
    await visible(page.getByRole('cell', { name: 'Opened the case' }));
  });

  it('shows an analyst the cases without the controls only the lead’s investigators may use', async () => {
    await signOut(AUDITOR.displayName);
    await signIn(ANALYST.username, ANALYST.password);
    await visible(page.getByRole('heading', { name: 'Cases', level: 1 }));
    expect(await mainNav().getByRole('link', { name: 'Audit trail' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'New case' }).count()).toBe(0);
    await page.getByRole('link', { name: 'PT-2026-0042' }).click();
    await visible(page.getByRole('region', { name: 'Participants' }));
    await visible(page.getByRole('region', { name: 'Audit trail' }).getByText('Read the case'));
    expect(await page.getByRole('link', { name: 'Edit case' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add agency' }).count()).toBe(0);
    await screenshot(page, '21-case-read-only');
    // The edit address itself explains instead of offering a form the API would refuse.
    await page.goto(`/cases/${caseId}/edit`);
    await visible(page.getByText('You cannot edit this case'));
  });

  it('used no resource the CSP refused and logged no script error', () => {
    expect(pageErrors).toEqual([]);
  });
});
