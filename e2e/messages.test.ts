import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetwork, system, type TestNetwork, type TestNode } from '../test/network/support.js';
import { launchBrowser, screenshot, signedInPage } from './support/browser.js';

/*
 * Messages between agencies in the browser, against a real hub and two agency nodes on 127.0.0.1 (in this process,
 * serving the built web app): compose to two agencies with handling codes, a request-for-information deadline and an
 * attachment; the recipient's unread count, inbox threads per case, the message and its attachment, a reply; the
 * sender's view of each recipient's receipts and of an overdue request. Every text is neutral and generated here.
 */

const PASSWORD = 'correct horse battery staple';
let net: TestNetwork;
let browser: Browser;
const contexts: BrowserContext[] = [];
const errors: string[][] = [];

const visible = (locator: Locator, timeout = 30_000) => locator.first().waitFor({ state: 'visible', timeout });

async function user(node: TestNode, agencyId: string, username: string, roles: ('investigator' | 'analyst')[]) {
  await node.services.users.create(system(), { agencyId, username, roles, password: PASSWORD });
}

async function signedIn(node: TestNode, username: string, landmark: RegExp = /^Messages/): Promise<Page> {
  const signed = await signedInPage(browser, node.url, { username, password: PASSWORD }, (page) => page.getByRole('link', { name: landmark }), { timeout: 30_000 });
  contexts.push(signed.context);
  errors.push(signed.errors);
  return signed.page;
}

describe('messages between agencies', () => {
  let pt: Page;
  let es: Page;
  let subjectId = '';

  beforeAll(async () => {
    net = await startNetwork({ sqliteOnly: true, web: true });
    await user(net.a, net.pt, 'pt.investigator', ['investigator']);
    await user(net.b, net.es, 'es.investigator', ['investigator']);
    await user(net.b, net.fr, 'fr.analyst', ['analyst']);
    browser = await launchBrowser();
    pt = await signedIn(net.a, 'pt.investigator');
    es = await signedIn(net.b, 'es.investigator');
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await net?.close();
  });

  it('composes to two agencies with handling, a deadline and an attachment', async () => {
    await pt.getByRole('link', { name: /^Messages/ }).click();
    await visible(pt.getByRole('heading', { name: 'Messages' }));
    await pt.getByRole('link', { name: 'New message' }).click();
    await visible(pt.getByRole('heading', { name: 'New message' }));
    await pt.getByLabel(/Policía Nacional \(test\)/).check();
    await pt.getByLabel(/OFMIN \(test\)/).check();
    await pt.getByLabel('Case reference').fill('OP-E2E-1');
    await pt.getByLabel('Priority').selectOption('high');
    await pt.getByLabel('Subject').fill('Request for information: forum handle example_handle_7');
    await pt.getByLabel('Text').fill('We observed the handle example_handle_7 on a forum. Do you hold records on it? Posting times attached.');
    await pt.getByLabel('Handling code (TLP 2.0)').selectOption('TLP:AMBER');
    await pt.getByLabel('Handling restriction (SIENA)').selectOption('H2');
    await pt.getByLabel('Request for information').check();
    const deadline = new Date(Date.now() + 3 * 86_400_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    await pt.getByLabel(/^Answer by/).fill(`${deadline.getFullYear()}-${pad(deadline.getMonth() + 1)}-${pad(deadline.getDate())}T17:00`);
    await pt.getByLabel('Add attachments').setInputFiles({ name: 'posting-times.csv', mimeType: 'text/csv', buffer: Buffer.from('posted_at_utc,handle\n2025-01-12T21:04:00Z,example_handle_7\n2025-01-13T20:47:00Z,example_handle_7\n') });
    await visible(pt.getByText('encrypted', { exact: true }));
    await screenshot(pt, 'messages-01-compose', { fullPage: true });
    await pt.getByRole('button', { name: 'Send' }).click();
    await visible(pt.getByRole('heading', { name: /Request for information: forum handle/ }));
    await visible(pt.getByRole('table', { name: /Receipts of each recipient/ }));
    subjectId = new URL(pt.url()).pathname.split('/').pop()!;
    expect(subjectId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('shows the recipient an unread message in its case thread, opens it with its attachment, and replies', async () => {
    // Wait for the envelope to reach ES's node, then open the mailbox (the page also looks again every 20 s).
    await expect.poll(async () => (await net.b.services.db.selectFrom('exchange_messages').select('id').where('agency_id', '=', net.es).where('box', '=', 'in').execute()).length, { timeout: 30_000 }).toBe(1);
    await es.goto('/messages');
    await visible(es.locator('.message-row.is-unread'));
    await expect.poll(async () => es.getByRole('link', { name: /^Messages/ }).locator('.count').innerText(), { timeout: 30_000 }).toBe('1');
    await visible(es.getByRole('link', { name: /OP-E2E-1/ }));
    await screenshot(es, 'messages-02-inbox-unread');

    await es.getByRole('link', { name: /Request for information: forum handle/ }).click();
    await visible(es.getByText(/Do you hold records on it\?/));
    await visible(es.getByRole('link', { name: /posting-times\.csv/ }));
    const download = await es.request.get(await es.getByRole('link', { name: /posting-times\.csv/ }).getAttribute('href').then((h) => h!));
    expect(await download.text()).toContain('example_handle_7');
    await screenshot(es, 'messages-03-message', { fullPage: true });

    await es.getByRole('link', { name: 'Reply' }).click();
    await visible(es.getByRole('heading', { name: 'Reply' }));
    expect(await es.getByLabel('Subject').inputValue()).toBe('Re: Request for information: forum handle example_handle_7');
    expect(await es.getByLabel('Case reference').inputValue()).toBe('OP-E2E-1');
    await es.getByLabel('Text').fill('Yes: two accounts with this handle in our holdings. Details to follow.');
    await es.getByRole('button', { name: 'Send' }).click();
    await visible(es.getByRole('heading', { name: /^Re: Request for information/ }));
  });

  it('shows the sender each recipient’s receipts, the answer in the thread, and an overdue request', async () => {
    const sender = net.a.services.db;
    await expect
      .poll(
        async () => {
          const rows = await sender.selectFrom('exchange_recipients').selectAll().where('message_row_id', '=', subjectId).execute();
          return rows.map((r) => [r.agency_id, Boolean(r.delivered_at), Boolean(r.read_at), Boolean(r.answered_at)]).sort();
        },
        { timeout: 30_000 },
      )
      .toEqual([
        [net.es, true, true, true],
        [net.fr, true, false, false],
      ].sort());
    // The deadline passes without FR answering (moved into the past here rather than waiting for it).
    const message = await sender.selectFrom('exchange_messages').select('message_id').where('id', '=', subjectId).executeTakeFirstOrThrow();
    await sender.updateTable('exchange_messages').set({ rfi_deadline: new Date(Date.now() - 60_000).toISOString() }).where('message_id', '=', message.message_id).execute();

    await pt.goto('/messages/outbox');
    await visible(pt.locator('.message-row').getByText('RFI overdue'));
    await screenshot(pt, 'messages-04-sent-receipts');
    await pt.goto(`/messages/${subjectId}`);
    await visible(pt.getByText('Request for information overdue'));
    const frRow = pt.getByRole('row', { name: /OFMIN/ });
    await visible(frRow.getByText('RFI overdue'));
    await visible(pt.getByRole('listitem').filter({ hasText: 'Re: Request for information' }));
    await screenshot(pt, 'messages-05-sent-message', { fullPage: true });

    await pt.goto('/messages');
    await visible(pt.locator('.message-row.is-unread').getByText(/Re: Request for information/));
    await pt.getByLabel('Search', { exact: true }).fill('two accounts');
    await pt.getByRole('button', { name: 'Search' }).click();
    await expect.poll(async () => pt.locator('.message-row').count()).toBe(1);
    await screenshot(pt, 'messages-06-inbox-search');
  });

  it('lets a hub administrator enrol and approve an agency whose administrator joins from the web', async () => {
    const operator = await net.hub.services.agencies.create(system(), { name: 'Network operator (test)', country: 'INT', hosted: true });
    await net.hub.services.users.create(system(), { agencyId: operator.id, username: 'hub.admin', roles: ['admin'], password: PASSWORD });
    const belgium = await net.a.services.agencies.create(system(), { name: 'Police fédérale (test)', country: 'BE', hosted: true });
    await net.a.services.users.create(system(), { agencyId: belgium.id, username: 'be.admin', roles: ['admin'], password: PASSWORD });

    const hubAdmin = await signedIn(net.hub, 'hub.admin', /^Exchange network/);
    await hubAdmin.getByRole('link', { name: /^Exchange network/ }).click();
    await visible(hubAdmin.getByRole('heading', { name: 'Enrol an agency' }));
    await hubAdmin.getByLabel(/^Agency name/).fill('Police fédérale');
    await hubAdmin.getByLabel(/^Country/).selectOption('BE');
    await hubAdmin.getByRole('button', { name: 'Issue token' }).click();
    const token = (await hubAdmin.locator('code.token-value').innerText()).trim();
    expect(token).toMatch(/^tsn1\./);

    const beAdmin = await signedIn(net.a, 'be.admin', /^Exchange network/);
    await beAdmin.goto('/admin/network');
    await beAdmin.getByLabel(/^Hub address/).fill(net.hub.url);
    await beAdmin.getByLabel(/^Enrolment token/).fill(token);
    await beAdmin.getByRole('button', { name: 'Join' }).click();
    await visible(beAdmin.getByText(/waiting for the hub administrator/));

    await hubAdmin.reload();
    const row = hubAdmin.getByRole('row', { name: /Police fédérale/ });
    await visible(row.getByText('pending'));
    await screenshot(hubAdmin, 'messages-07-hub-members', { fullPage: true });
    await row.getByRole('button', { name: 'Approve' }).click();
    await visible(row.getByText('active'));

    // The node learns of the approval from the hub's directory (it looks every few seconds while pending).
    await expect
      .poll(
        async () => {
          await beAdmin.reload();
          await visible(beAdmin.getByRole('heading', { name: 'Membership' }));
          return beAdmin.getByRole('region', { name: 'Membership' }).locator('.badge').first().innerText();
        },
        { timeout: 30_000 },
      )
      .toBe('active');
    await visible(beAdmin.getByRole('heading', { name: 'Keys of your agency' }));
    await screenshot(beAdmin, 'messages-08-agency-network', { fullPage: true });
  });

  it('logged no page errors', () => {
    expect(errors.flat()).toEqual([]);
  });
});
