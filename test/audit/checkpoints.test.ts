import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/stores.js';

/**
 * Signed checkpoints of the audit trail's head, through the node's services: signed once per head, checked against
 * the trail, and refused when altered, signed by another node, or past the end of a trail whose tail was cut.
 */
describe.each(testDialects)('audit checkpoints on %s', (dialect) => {
  let t: TestApp;
  let other: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    other = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t.close();
    await other.close();
  });

  it('signs the head once, and again only after it moved', async () => {
    await t.agency('Polícia Judiciária', 'PT');
    const first = await t.services.auditCheckpoints.checkpoint();
    const head = (await t.services.audit.verify()).head!;
    expect(first).toMatchObject({ seq: head.seq, hash: head.hash, node: await t.services.auditCheckpoints.latest().then((c) => c!.node) });
    expect(await t.services.auditCheckpoints.checkpoint()).toBeNull();
    await t.agency('Policía Nacional', 'ES');
    const second = await t.services.auditCheckpoints.checkpoint();
    expect(second!.seq).toBeGreaterThan(first!.seq);
    expect((await t.services.auditCheckpoints.verifyStored()).map((c) => c.ok)).toEqual([true, true]);
  });

  it("refuses a stored checkpoint that was altered, and one signed by another node's key", async () => {
    const latest = (await t.services.auditCheckpoints.latest())!;
    await t.store.db.updateTable('audit_checkpoints').set({ hash: '0'.repeat(64) }).where('seq', '=', latest.seq).execute();
    const checks = await t.services.auditCheckpoints.verifyStored();
    expect(checks.at(-1)).toMatchObject({ ok: false, reason: 'its stored copy differs from what was signed' });
    await t.store.db.updateTable('audit_checkpoints').set({ hash: latest.hash }).where('seq', '=', latest.seq).execute();

    await other.agency('OFMIN', 'FR');
    const foreign = (await other.services.auditCheckpoints.checkpoint())!;
    const check = await t.services.auditCheckpoints.verifyExternal(foreign.jws);
    expect(check.ok).toBe(false);
    expect(check.reason).toMatch(/signature is not this node's/);
    expect((await t.services.auditCheckpoints.verifyExternal(latest.jws)).ok).toBe(true);
  });

  it('proves a cut tail: the shortened chain verifies, a checkpoint kept elsewhere does not fit it', async () => {
    const kept = (await t.services.auditCheckpoints.latest())!;
    await t.store.db.deleteFrom('audit_events').where('seq', '>=', kept.seq).execute();
    await t.store.db.deleteFrom('audit_checkpoints').where('seq', '>=', kept.seq).execute();
    expect((await t.services.audit.verify()).ok).toBe(true);
    expect((await t.services.auditCheckpoints.verifyStored()).every((c) => c.ok)).toBe(true);
    const check = await t.services.auditCheckpoints.verifyExternal(kept.jws);
    expect(check).toMatchObject({ ok: false, seq: kept.seq });
    expect(check.reason).toMatch(/events were removed from its end/);
  });
});
