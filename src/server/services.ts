import type { Kysely } from 'kysely';
import { createAuditLog } from '../audit/audit-log.js';
import { createCaseAccess } from '../cases/case-access.js';
import { createCaseService } from '../cases/case-service.js';
import { createVictimIdentification } from '../cases/victims-services.js';
import type { Config } from '../config/config.js';
import type { MasterKey } from '../exchange/crypto/master-key.js';
import { createExchange } from '../exchange/exchange.js';
import { createLocationAssessmentService } from '../geo/assessment-service.js';
import { createAgencyService } from '../identity/agency-service.js';
import { createAuthService } from '../identity/auth-service.js';
import { createAuditCheckpoints } from '../audit/audit-checkpoints.js';
import { createNodeSigner } from '../exchange/node-signer.js';
import { createSetupService } from '../identity/setup-service.js';
import { createUserService } from '../identity/user-service.js';
import { createMediaServices } from '../ingest/media-services.js';
import { createMatching } from '../matching/matching.js';
import { createSelectorService } from '../intel/correlation/selector-service.js';
import { createChartService } from '../intel/graph/chart-service.js';
import { createGraphService } from '../intel/graph/graph-service.js';
import { createPostImportService } from '../intel/posts/import-service.js';
import { createRecordSending } from '../intel/records/record-sending.js';
import { createRecordService } from '../intel/records/record-service.js';
import { createMispService } from '../interop/misp/misp-service.js';
import { createStixService } from '../interop/stix/stix-service.js';
import type { Dialect } from '../store/database.js';
import { createJobQueue } from '../store/job-queue.js';
import type { Database } from '../store/schema.js';

/**
 * The composition root: every service is built here from its dependencies, once. Faces (HTTP routes, CLI commands,
 * jobs) receive this object; tests build services directly with the parts they need.
 */
export function createServices(deps: { db: Kysely<Database>; dialect: Dialect; config: Config; masterKey: MasterKey }) {
  const { db, config, masterKey } = deps;
  const audit = createAuditLog({ db, masterKey });
  const caseAccess = createCaseAccess({ db });
  const users = createUserService({ db, audit });
  const jobs = createJobQueue({ db, dialect: deps.dialect });
  const graph = createGraphService({ db, audit, access: caseAccess });
  const exchange = createExchange({ db, dialect: deps.dialect, config, masterKey, audit, jobs, caseAccess });
  const agencies = createAgencyService({ db, audit, onCreated: exchange.onAgencyCreated });
  const auditCheckpoints = createAuditCheckpoints({ db, signer: createNodeSigner({ db, keys: exchange.keys }) });
  const records = createRecordService({ db, audit, access: caseAccess });
  const media = createMediaServices({ db, audit, caseAccess, jobs, dataDir: config.dataDir, masterKey });
  return {
    db,
    dialect: deps.dialect,
    config,
    audit,
    auditCheckpoints,
    jobs,
    caseAccess,
    agencies,
    users,
    auth: createAuthService({ db, audit, masterKey, idleMinutes: config.sessionIdleMinutes }),
    setup: createSetupService({ db, audit, agencies, users }),
    cases: createCaseService({ db, audit, access: caseAccess }),
    exchange,
    matching: createMatching({ db, audit, caseAccess, exchange, masterKey, config }),
    records,
    recordSending: createRecordSending({ db, audit, access: caseAccess, records, messages: exchange.messages }),
    selectors: createSelectorService({ db, audit, access: caseAccess }),
    postImports: createPostImportService({ db, audit, access: caseAccess, jobs }),
    graph,
    charts: createChartService({ db, audit, access: caseAccess, graph }),
    stix: createStixService({ db, audit, access: caseAccess }),
    misp: createMispService({ db, audit, access: caseAccess }),
    locationAssessments: createLocationAssessmentService({ db, audit, access: caseAccess }),
    ...media,
    ...createVictimIdentification({ db, audit, caseAccess, exchange, blobs: media.blobs, jobs, masterKey }),
  };
}

export type Services = ReturnType<typeof createServices>;
