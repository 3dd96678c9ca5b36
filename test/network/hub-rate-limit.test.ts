import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubRefusedError } from '../../src/exchange/node/hub-client.js';
import { eventually, startNetwork, userCtx, type TestNetwork } from './support.js';

// One request per second per member, bursts of 60: small enough to reach in a test, large enough for the setup.
const PER_MINUTE = 60;

describe('request allowance per member at the hub', () => {
  let net: TestNetwork;
  beforeAll(async () => {
    net = await startNetwork({ hubEnv: { TESSERA_HUB_REQUESTS_PER_MINUTE: String(PER_MINUTE) } });
  }, 180_000);
  afterAll(async () => net?.close());

  it('refuses a member over its allowance with 429 and Retry-After, records it once, and the member loses nothing', async () => {
    const client = await net.b.services.exchange.membership.client(net.es);
    let refusal: HubRefusedError | undefined;
    for (let i = 0; i < PER_MINUTE + 10 && !refusal; i++) {
      try {
        await client.directory();
      } catch (err) {
        if (!(err instanceof HubRefusedError)) throw err;
        refusal = err;
      }
    }
    expect(refusal?.status).toBe(429);
    expect(refusal?.code).toBe('rate-limited');
    expect(refusal?.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(refusal?.message).toMatch(/60 requests per minute/);

    // Another member is not held back by ES's flood.
    const ptClient = await net.a.services.exchange.membership.client(net.pt);
    await expect(ptClient.directory()).resolves.toHaveProperty('version');

    // Messages ES sends while over its allowance wait in its outbox and go when the hub lets them.
    const sender = userCtx(net.es);
    const sent: string[] = [];
    for (let i = 1; i <= 5; i++) {
      sent.push((await net.b.services.exchange.messages.send(sender, { to: [net.pt], subject: `Throttled ${i}`, body: `number ${i}`, handling: { tlp: 'TLP:AMBER' } })).messageId);
    }
    const received = await eventually(async () => {
      const rows = await net.a.services.db.selectFrom('exchange_messages').select(['message_id']).where('agency_id', '=', net.pt).where('box', '=', 'in').where('subject', 'like', 'Throttled %').execute();
      return rows.length >= 5 ? rows : undefined;
    }, 'PT to receive the five messages ES sent while throttled', 60_000);
    expect(received.map((r) => r.message_id).sort()).toEqual([...sent].sort());

    const events = await net.hub.services.audit.list({ action: 'hub.member.throttled' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ operation: 'authentication', objectType: 'hub-member', objectId: net.es, details: { requestsPerMinute: PER_MINUTE } });
  }, 90_000);
});
