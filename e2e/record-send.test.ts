import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetwork, system, userCtx, type TestNetwork } from '../test/network/support.js';
import { launchBrowser, screenshot, signedInPage, visible } from './support/browser.js';

/*
 * "Send to agency…" on a record, in the browser, against a real hub and two agency nodes on 127.0.0.1: PT sends an
 * AMBER record of a case ES takes part in, and opens the sent message; a TLP:RED record is refused in words; ES finds
 * the record in its inbox. Every text is neutral and generated here.
 */

const PASSWORD = 'correct horse battery staple';
let net: TestNetwork;
let browser: Browser;
const contexts: BrowserContext[] = [];
const errors: string[][] = [];

async function signedIn(url: string, username: string): Promise<Page> {
  const signed = await signedInPage(browser, url, { username, password: PASSWORD }, (page) => page.getByRole('link', { name: /^Messages/ }), { timeout: 30_000 });
  contexts.push(signed.context);
  errors.push(signed.errors);
  return signed.page;
}

describe('sending a record to another agency', () => {
  let pt: Page;
  let caseId = '';

  beforeAll(async () => {
    net = await startNetwork({ sqliteOnly: true, web: true });
    await net.a.services.users.create(system(), { agencyId: net.pt, username: 'pt.analyst', roles: ['investigator', 'analyst'], password: PASSWORD });
    await net.b.services.users.create(system(), { agencyId: net.es, username: 'es.investigator', roles: ['investigator'], password: PASSWORD });
    const ctx = userCtx(net.pt, ['investigator', 'analyst'], 'pt.analyst');
    caseId = (await net.a.services.cases.create(ctx, { reference: 'OP-E2E-SEND', title: 'Forum administrator', participants: [{ agencyId: net.es, access: 'contribute' }] })).id;
    await net.a.services.records.create(ctx, caseId, { kind: 'observation', text: 'Observation E2E-SEND-1: the forum administrator posts between 21:00 and 23:00 UTC on weekdays.', handlingCode: 'TLP:AMBER', handlingRestrictions: [{ code: 'H1' }], dataSubject: 'suspect', grading: { scheme: 'europol-4x4', source: 'B', information: '2' } });
    await net.a.services.records.create(ctx, caseId, { kind: 'note', text: 'Note E2E-SEND-RED: the source of the observation.', handlingCode: 'TLP:RED', dataSubject: 'other' });
    browser = await launchBrowser();
    pt = await signedIn(net.a.url, 'pt.analyst');
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await net?.close();
  });

  it('sends an AMBER record to an agency of the case and links to the sent message', async () => {
    await pt.goto(`/cases/${caseId}/records`);
    const item = pt.getByRole('listitem').filter({ hasText: 'E2E-SEND-1' });
    await visible(item);
    const action = item.getByRole('button', { name: 'Send to agency…' });
    await expect.poll(() => action.isEnabled()).toBe(true);
    await action.click();
    const dialog = pt.getByRole('dialog', { name: 'Send this observation to agencies' });
    await visible(dialog);
    await visible(dialog.getByText('takes part in this case'));
    await dialog.getByLabel(/Policía Nacional \(test\)/).check();
    await dialog.getByLabel('Note (optional)').fill('For your forum investigation: compare with your posting times.');
    await screenshot(pt, 'record-send-01-dialog');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await visible(pt.getByRole('dialog', { name: 'The observation was sent' }));
    await visible(pt.getByText('Sent to Policía Nacional (test)'));
    await screenshot(pt, 'record-send-02-sent');
    await pt.getByRole('link', { name: 'Open the sent message' }).click();
    await visible(pt.getByRole('heading', { name: 'Record (observation) — OP-E2E-SEND' }));
    await visible(pt.getByText(/the forum administrator posts between 21:00 and 23:00 UTC/));
    await screenshot(pt, 'record-send-03-message', { fullPage: true });
  });

  it('shows the refusal of a TLP:RED record in words, and sends nothing', async () => {
    await pt.goto(`/cases/${caseId}/records`);
    const item = pt.getByRole('listitem').filter({ hasText: 'E2E-SEND-RED' });
    await visible(item);
    await item.getByRole('button', { name: 'Send to agency…' }).click();
    const dialog = pt.getByRole('dialog', { name: 'Send this note to agencies' });
    await dialog.getByLabel(/Policía Nacional \(test\)/).check();
    await dialog.getByRole('button', { name: 'Send' }).click();
    await visible(dialog.getByText('The record was not sent'));
    await visible(dialog.getByText(/TLP:RED is never sent/));
    await screenshot(pt, 'record-send-04-refused');
    const out = await net.a.services.db.selectFrom('exchange_messages').select('subject').where('box', '=', 'out').execute();
    expect(out.map((m) => m.subject)).toEqual(['Record (observation) — OP-E2E-SEND']);
  });

  it('delivers the record to the other agency', async () => {
    const es = await signedIn(net.b.url, 'es.investigator');
    await es.getByRole('link', { name: /^Messages/ }).click();
    await visible(es.getByText('Record (observation) — OP-E2E-SEND'), 60_000);
    await es.getByText('Record (observation) — OP-E2E-SEND').first().click();
    await visible(es.getByText(/Observation E2E-SEND-1/));
    await visible(es.getByText('TLP:AMBER').first());
    await screenshot(es, 'record-send-05-received', { fullPage: true });
    expect(errors.flat()).toEqual([]);
  });
});
