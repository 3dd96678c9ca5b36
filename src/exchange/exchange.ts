import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { CaseAccessPolicy } from '../cases/case-access.js';
import type { Config } from '../config/config.js';
import type { Agency } from '../identity/agency-service.js';
import type { Dialect } from '../store/database.js';
import type { JobQueue } from '../store/job-queue.js';
import type { Database } from '../store/schema.js';
import type { MasterKey } from './crypto/master-key.js';
import { createHubService } from './hub/hub-service.js';
import { createKeyStore } from './key-store.js';
import type { ExchangeLog } from './log.js';
import { createAttachmentStore } from './node/attachment-store.js';
import { createInbox } from './node/inbox.js';
import { createNodeMembership } from './node/membership.js';
import { createMessages } from './node/messages.js';
import { createOutbox } from './node/outbox.js';
import { createReceipts } from './node/receipts.js';

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

/**
 * Secure exchange between agencies (DESIGN §8): agency keys; on a hub node, the hub (membership, directory,
 * mailbox); on every node, its agencies' side of the network (membership, outbox, inbox, receipts, messages).
 */
export function createExchange(deps: ExchangeDeps) {
  const { db, audit, masterKey } = deps;
  let sink: ExchangeLog | undefined;
  const log: ExchangeLog = {
    info: (o, m) => sink?.info(o, m),
    warn: (o, m) => sink?.warn(o, m),
    error: (o, m) => sink?.error(o, m),
  };

  const keys = createKeyStore({ db, masterKey });
  const hub = createHubService({ db, audit, keys, dataDir: deps.config.dataDir, requestsPerMinute: deps.config.hubRequestsPerMinute });
  // The inbox is built below; a join only happens once everything is built.
  const membership = createNodeMembership({ db, audit, keys, log, onJoined: (agencyId) => inbox.ensureLoop(agencyId) });
  const attachments = createAttachmentStore({ db, masterKey, dataDir: deps.config.dataDir });
  const outbox = createOutbox({ db, jobs: deps.jobs, membership, attachments, log });
  const receipts = createReceipts({ db, keys, membership, outbox, log });
  const inbox = createInbox({ db, audit, keys, masterKey, membership, attachments, receipts, log });
  const messages = createMessages({ db, audit, keys, masterKey, caseAccess: deps.caseAccess, membership, attachments, outbox, receipts });

  return {
    keys,
    hub,
    membership,
    outbox,
    inbox,
    messages,

    /** Gives a newly created hosted agency its key pairs, inside the creating transaction. */
    async onAgencyCreated(trx: Kysely<Database>, agency: Agency): Promise<void> {
      if (agency.hosted) await keys.ensure(agency.id, trx);
    },

    /**
     * Background work of a running node: the hub's housekeeping (hub role), keys for agencies created before the
     * exchange existed, the inbox loops of joined agencies, and another try for envelopes left in the outbox.
     */
    async start(logger?: ExchangeLog): Promise<void> {
      sink = logger;
      if (deps.config.role === 'hub') await hub.start();
      const hosted = await db.selectFrom('agencies').select('id').where('hosted', '=', 1).execute();
      for (const a of hosted) await keys.ensure(a.id);
      await inbox.start();
      for (const agencyId of await outbox.agenciesWithPending()) await outbox.kick(agencyId);
    },

    async stop(): Promise<void> {
      await inbox.stop();
      await hub.stop();
    },
  };
}
