/**
 * The media side of a node, built once in the composition root: the encrypted media store, the in-memory PDQ indexes,
 * and the ingest, media library and hash-set services over them.
 */
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { CaseAccessPolicy } from '../cases/case-access.js';
import type { MasterKey } from '../exchange/crypto/master-key.js';
import { blobRoot, createBlobStore } from '../store/blob-store.js';
import type { JobQueue } from '../store/job-queue.js';
import type { Database } from '../store/schema.js';
import { createHashSetService } from './hashset-service.js';
import { createIngestService } from './ingest-service.js';
import { createKnownHashIndex, createMediaIndex } from './media-index.js';
import { createMediaService } from './media-service.js';

export function createMediaServices(deps: { db: Kysely<Database>; audit: AuditLog; caseAccess: CaseAccessPolicy; jobs: JobQueue; dataDir: string; masterKey: MasterKey }) {
  const { db, audit } = deps;
  const blobs = createBlobStore({ root: blobRoot(path.resolve(deps.dataDir)), masterKey: deps.masterKey });
  const mediaIndex = createMediaIndex({ db });
  const knownIndex = createKnownHashIndex({ db });
  const ingest = createIngestService({ db, audit, access: deps.caseAccess, blobs, mediaIndex, knownIndex, jobs: deps.jobs, dataDir: deps.dataDir });
  const hashSets = createHashSetService({ db, audit, access: deps.caseAccess, mediaIndex, knownIndex });
  const media = createMediaService({ db, audit, access: deps.caseAccess, blobs });
  return { blobs, mediaIndex, knownIndex, ingest, hashSets, media };
}
