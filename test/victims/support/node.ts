/** A node's services over a fresh test store with one agency, a case, and user contexts for calling services directly. */
import path from 'node:path';
import { loadConfig } from '../../../src/config/config.js';
import { ephemeralMasterKey } from '../../../src/exchange/crypto/master-key.js';
import { systemActor, type UserActor } from '../../../src/identity/actor.js';
import type { RequestContext } from '../../../src/identity/context.js';
import type { Role } from '../../../src/identity/roles.js';
import { createServices, type Services } from '../../../src/server/services.js';
import type { Dialect } from '../../../src/store/database.js';
import { createTestStore, type TestStore } from '../../support/stores.js';

export interface VictimTestNode {
  services: Services;
  store: TestStore;
  agencyId: string;
  caseId: string;
  /** A victim-ID specialist of the agency. */
  specialist: RequestContext & { actor: UserActor };
  as(roles: Role[], username?: string): RequestContext & { actor: UserActor };
  /** Ingests a folder into the case in this process; returns media id → file name. */
  ingest(dir: string, caseId?: string): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export async function createVictimTestNode(dialect: Dialect): Promise<VictimTestNode> {
  const store = await createTestStore(dialect);
  const config = loadConfig({ TESSERA_DATA_DIR: store.dataDir, TESSERA_LOG_LEVEL: 'silent' });
  const services = createServices({ db: store.db, dialect, config, masterKey: ephemeralMasterKey() });
  const system = { actor: systemActor('test') };
  const agencyId = (await services.agencies.create(system, { name: 'Polícia Judiciária (test)', country: 'PT' })).id;
  const as = (roles: Role[], username = roles.join('-')): RequestContext & { actor: UserActor } => ({
    actor: { kind: 'user', userId: `00000000-0000-7000-8000-${String(username.length).padStart(12, '0')}`, username, agencyId, roles, via: 'session' },
    requestId: 'test',
  });
  const caseId = (await services.cases.create(as(['investigator']), { reference: 'PT-2024-VID', title: 'Seized laptop' })).id;
  return {
    services,
    store,
    agencyId,
    caseId,
    specialist: as(['victim-id'], 'specialist'),
    as,
    async ingest(dir, target = caseId) {
      const ctx = as(['investigator'], 'examiner');
      const { record } = await services.ingest.prepare(ctx, { caseId: target, inputs: [dir], source: 'laptop' });
      await services.ingest.run(ctx, record.id, { workers: 0 });
      const rows = await store.db.selectFrom('media_occurrences').select(['media_id', 'path']).where('case_id', '=', target).execute();
      return new Map(rows.map((r) => [r.media_id, path.basename(r.path)]));
    },
    async close() {
      await services.jobs.stop();
      await store.dispose();
    },
  };
}
