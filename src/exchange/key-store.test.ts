import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.js';
import { testDialects } from '../../test/support/stores.js';
import { decryptForRecipient, encryptToRecipients } from './crypto/encryption.js';

describe.each(testDialects)('agency keys on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t.close());

  it('gives a hosted agency a signing and an encryption key when it is created, private halves sealed', async () => {
    const id = await t.agency('Keys agency', 'PT');
    const keys = await t.services.exchange.keys.publicKeys(id);
    expect(keys.map((k) => [k.use, k.status, k.jwk.crv]).sort()).toEqual([
      ['enc', 'current', 'X25519'],
      ['sig', 'current', 'Ed25519'],
    ]);
    const rows = await t.services.db.selectFrom('exchange_keys').selectAll().where('owner_id', '=', id).execute();
    for (const row of rows) {
      expect(row.public_jwk).not.toContain('"d"');
      expect(Buffer.from(row.private_sealed).toString('latin1')).not.toContain('"d"');
    }
  });

  it('does not give keys to agencies known only from the network', async () => {
    const agency = await t.services.agencies.create({ actor: { kind: 'system', name: 'test' } }, { name: 'Remote agency', country: 'ES', hosted: false });
    expect(await t.services.exchange.keys.publicKeys(agency.id)).toEqual([]);
  });

  it('rotates to new keys and keeps the old ones for opening what was sealed to them', async () => {
    const id = await t.agency('Rotating agency', 'ES');
    const [oldEnc] = (await t.services.exchange.keys.publicKeys(id)).filter((k) => k.use === 'enc');
    const sealed = await encryptToRecipients(new TextEncoder().encode('before rotation'), [{ kid: oldEnc!.kid, jwk: oldEnc!.jwk }], { typ: 't', cty: 'c' });
    const rotated = await t.services.exchange.keys.rotate(id);
    const after = await t.services.exchange.keys.publicKeys(id);
    expect(after.filter((k) => k.status === 'current').map((k) => k.kid).sort()).toEqual([rotated.enc, rotated.sig].sort());
    expect(after.find((k) => k.kid === oldEnc!.kid)?.status).toBe('retired');
    expect((await t.services.exchange.keys.currentKey(id, 'enc')).kid).toBe(rotated.enc);
    const keys = await t.services.exchange.keys.decryptionKeys(id);
    const opened = await decryptForRecipient(sealed, (kid) => keys.get(kid), { typ: 't' });
    expect(new TextDecoder().decode(opened.plaintext)).toBe('before rotation');
  });
});
