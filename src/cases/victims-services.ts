/**
 * The victim-identification side of a node, built once in the composition root: series (with their proposals,
 * triage and VICS exchange), victims, identification clues, the case dashboard, and the identification status
 * shared across the network.
 */
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { MasterKey } from '../exchange/crypto/master-key.js';
import type { Exchange } from '../exchange/exchange.js';
import type { BlobStore } from '../store/blob-store.js';
import type { JobQueue } from '../store/job-queue.js';
import type { Database } from '../store/schema.js';
import type { CaseAccessPolicy } from './case-access.js';
import { createClueService } from './clues-service.js';
import { createSeriesPropagation } from './series-propagation.js';
import { createSeriesProposalService } from './series-proposal-service.js';
import { createSeriesService } from './series-service.js';
import { createSeriesTriageService } from './series-triage.js';
import { createSeriesVicsService } from './series-vics.js';
import { createDashboardService } from './victims-dashboard.js';
import { createVictimService } from './victims-service.js';

export function createVictimIdentification(deps: { db: Kysely<Database>; audit: AuditLog; caseAccess: CaseAccessPolicy; exchange: Exchange; blobs: BlobStore; jobs: JobQueue; masterKey: MasterKey }) {
  const { db, audit } = deps;
  const access = deps.caseAccess;
  const seriesPropagation = createSeriesPropagation({ db, audit, exchange: deps.exchange });
  const series = createSeriesService({ db, audit, access, onIdentificationChange: () => seriesPropagation.kick() });
  return {
    series,
    seriesProposals: createSeriesProposalService({ db, audit, access, series, blobs: deps.blobs, jobs: deps.jobs }),
    seriesTriage: createSeriesTriageService({ db, audit, access, series }),
    seriesVics: createSeriesVicsService({ db, audit, access, series }),
    seriesPropagation,
    victims: createVictimService({ db, audit, access, series, masterKey: deps.masterKey }),
    clues: createClueService({ db, audit, access, blobs: deps.blobs, exchange: deps.exchange }),
    dashboard: createDashboardService({ db, audit, access }),
  };
}
