/** A node's services over a fresh test store, with one agency and one case to ingest into. */
import { loadConfig } from '../../../src/config/config.js';
import { ephemeralMasterKey } from '../../../src/exchange/crypto/master-key.js';
import { systemActor } from '../../../src/identity/actor.js';
import { createServices, type Services } from '../../../src/server/services.js';
import type { Dialect } from '../../../src/store/database.js';
import { newId, nowIso } from '../../../src/store/ids.js';
import { createTestStore, type TestStore } from '../../support/stores.js';

export interface TestNode {
  services: Services;
  store: TestStore;
  agencyId: string;
  caseId: string;
  ctx: { actor: ReturnType<typeof systemActor> };
  newCase(reference?: string): Promise<string>;
  close(): Promise<void>;
}

export async function createTestNode(dialect: Dialect): Promise<TestNode> {
  const store = await createTestStore(dialect);
  const config = loadConfig({ TESSERA_DATA_DIR: store.dataDir, TESSERA_LOG_LEVEL: 'silent' });
  const services = createServices({ db: store.db, dialect, config, masterKey: ephemeralMasterKey() });
  const ctx = { actor: systemActor('test') };
  const agencyId = (await services.agencies.create(ctx, { name: `Agency ${newId().slice(-6)}`, country: 'PT' })).id;
  const newCase = async (reference = `CASE-${newId().slice(-8)}`) => {
    const id = newId();
    const now = nowIso();
    await store.db
      .insertInto('cases')
      .values({ id, lead_agency_id: agencyId, reference, title: reference, description: '', status: 'open', legal_authority: null, review_date: null, created_by: 'test', created_at: now, updated_at: now })
      .execute();
    await store.db.insertInto('case_participants').values({ case_id: id, agency_id: agencyId, access: 'lead', added_at: now, added_by: null }).execute();
    return id;
  };
  const caseId = await newCase('PT-2024-0001');
  return {
    services,
    store,
    agencyId,
    caseId,
    ctx,
    newCase,
    async close() {
      await services.jobs.stop();
      await store.dispose();
    },
  };
}
