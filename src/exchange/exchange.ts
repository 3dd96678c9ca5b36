import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { CaseAccessPolicy } from '../cases/case-access.js';
import type { Config } from '../config/config.js';
import type { Agency } from '../identity/agency-service.js';
import type { Dialect } from '../store/database.js';
import type { JobQueue } from '../store/job-queue.js';
import type { Database } from '../store/schema.js';
import type { MasterKey } from './crypto/master-key.js';
import { createKeyStore } from './key-store.js';

export interface ExchangeDeps {
  db: Kysely<Database>;
  dialect: Dialect;
  config: Config;
  masterKey: MasterKey;
  audit: AuditLog;
  jobs: JobQueue;
  caseAccess: CaseAccessPolicy;
}

export type Exchange = ReturnType<typeof createExchange>;

/** Secure exchange between agencies: agency keys, the hub (on a hub node), and the node's side of the network. */
export function createExchange(deps: ExchangeDeps) {
  const keys = createKeyStore({ db: deps.db, masterKey: deps.masterKey });
  return {
    keys,
    /** Gives a newly created hosted agency its key pairs, inside the creating transaction. */
    async onAgencyCreated(trx: Kysely<Database>, agency: Agency): Promise<void> {
      if (agency.hosted) await keys.ensure(agency.id, trx);
    },
    async start(): Promise<void> {},
    async stop(): Promise<void> {},
  };
}
