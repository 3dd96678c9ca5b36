import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestStore, testDialects, type TestStore } from '../../test/support/stores.js';
import { ephemeralMasterKey } from '../exchange/crypto/master-key.js';
import { systemActor } from '../identity/actor.js';
import { createAuditLog, type AuditLog } from './audit-log.js';

describe.each(testDialects)('audit chain on %s', (dialect) => {
  let store: TestStore;
  let audit: AuditLog;
  const masterKey = ephemeralMasterKey();

  beforeEach(async () => {
    store = await createTestStore(dialect);
    audit = createAuditLog({ db: store.db, masterKey });
    for (let i = 0; i < 5; i++) {
      await audit.record(store.db, {
        actor: systemActor('test'),
        operation: 'collection',
        action: 'case.create',
        object: { type: 'case', id: `case-${i}` },
        details: { i },
      });
    }
  });
  afterEach(async () => store.dispose());

  it('verifies an intact chain and names its head', async () => {
    const result = await audit.verify();
    expect(result).toMatchObject({ ok: true, checked: 5 });
    expect(result.head?.seq).toBeGreaterThan(0);
  });

  it('names the first broken event when a row was edited', async () => {
    await sql`update audit_events set object_id = 'case-x' where seq = 3`.execute(store.db);
    expect(await audit.verify()).toMatchObject({ ok: false, checked: 2, firstBroken: { seq: 3, reason: expect.stringMatching(/altered/) } });
  });

  it('names the first broken event when a row was deleted', async () => {
    await sql`delete from audit_events where seq = 2`.execute(store.db);
    expect(await audit.verify()).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: expect.stringMatching(/deleted/) } });
  });

  it('names the first broken event when rows were reordered', async () => {
    const rows = await store.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
    const [, b, c] = rows;
    // Swap the contents of events 2 and 3, keeping their sequence numbers.
    await store.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('audit_events').where('seq', 'in', [b!.seq, c!.seq]).execute();
      await trx.insertInto('audit_events').values({ ...c!, seq: b!.seq } as never).execute();
      await trx.insertInto('audit_events').values({ ...b!, seq: c!.seq } as never).execute();
    });
    expect(await audit.verify()).toMatchObject({ ok: false, firstBroken: { seq: b!.seq } });
  });

  it('detects a chain rebuilt without the master key', async () => {
    const other = createAuditLog({ db: store.db, masterKey: ephemeralMasterKey() });
    expect(await other.verify()).toMatchObject({ ok: false, firstBroken: { reason: expect.stringMatching(/seal/) } });
  });

  it('keeps one chain when many events are recorded at once', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        audit.record(store.db, { actor: systemActor('test'), operation: 'consultation', action: 'case.read', object: { type: 'case', id: `c${i}` } }),
      ),
    );
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 25 });
  });

  it('filters by case, operation and time, newest first', async () => {
    const events = await audit.list({ operation: 'collection', limit: 3 });
    expect(events).toHaveLength(3);
    expect(events[0]!.seq).toBeGreaterThan(events[1]!.seq);
    expect(await audit.list({ caseId: 'none' })).toEqual([]);
  });
});
