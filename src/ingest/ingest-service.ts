/**
 * Ingest as the faces use it: the CLI runs an ingest in its own process (`tessera ingest`), the web app uploads files
 * that a background job ingests (`ingest.run`). Both go through `runIngest`, so both resume the same way.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { CaseAccessPolicy } from '../cases/case-access.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { Actor } from '../identity/actor.js';
import type { RequestContext } from '../identity/context.js';
import type { BlobStore } from '../store/blob-store.js';
import { newId } from '../store/ids.js';
import type { JobQueue } from '../store/job-queue.js';
import type { Database } from '../store/schema.js';
import { estimateInputs } from './estimate.js';
import type { Ingest, IngestIssue, IngestSummary } from './ingest-schemas.js';
import { runIngest, type RunOptions, type RunOutcome } from './ingest-runner.js';
import { findOrCreateIngest, ingestSummary, toIngest, type IngestRecord } from './ingest-store.js';
import type { KnownHashIndex, MediaIndex } from './media-index.js';
import type { ProblemCode } from './problems.js';

export const INGEST_JOB = 'ingest.run';

export interface UploadedFile {
  filename: string;
  stream: NodeJS.ReadableStream;
}

interface IngestJobPayload {
  ingestId: string;
  actor: Actor;
}

/** A client-supplied file name made safe to be one path component: never a separator, never "..", never empty. */
export function safeUploadName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned : 'upload';
}

export type IngestService = ReturnType<typeof createIngestService>;

export function createIngestService(deps: {
  db: Kysely<Database>;
  audit: AuditLog;
  access: CaseAccessPolicy;
  blobs: BlobStore;
  mediaIndex: MediaIndex;
  knownIndex: KnownHashIndex;
  jobs: JobQueue;
  dataDir: string;
  /** Worker threads for ingest jobs run by the server (the CLI chooses its own). */
  jobWorkers?: number;
}) {
  const { db, access } = deps;
  const uploadsDir = path.join(deps.dataDir, 'uploads');
  const runDeps = { db, audit: deps.audit, blobs: deps.blobs, mediaIndex: deps.mediaIndex, knownIndex: deps.knownIndex };

  async function loadIngest(caseId: string, ingestId: string): Promise<Ingest> {
    const row = await db.selectFrom('ingests').selectAll().where('id', '=', ingestId).where('case_id', '=', caseId).executeTakeFirst();
    if (!row) throw new NotFoundError('The ingest');
    return toIngest(row);
  }

  const service = {
    /** The case an examiner names on the command line: its id, or its reference (unique per lead agency). */
    async resolveCase(ref: string, agencyId?: string): Promise<{ id: string; reference: string }> {
      let q = db.selectFrom('cases').select(['id', 'reference', 'lead_agency_id']).where((eb) => eb.or([eb('id', '=', ref), eb('reference', '=', ref)]));
      if (agencyId) q = q.where('lead_agency_id', '=', agencyId);
      const rows = await q.execute();
      if (rows.length === 0) throw new NotFoundError(`The case "${ref}"`);
      if (rows.length > 1) throw new BadRequestError(`Several agencies have a case "${ref}": give the case id, or --agency with the lead agency's id.`, 'ambiguous-case');
      return { id: rows[0]!.id, reference: rows[0]!.reference };
    },

    /** Finds the ingest of these inputs in the case (to resume it) or creates it. Inputs are made absolute. */
    async prepare(ctx: RequestContext, init: { caseId: string; inputs: string[]; source?: string }): Promise<{ record: IngestRecord; created: boolean }> {
      await access.require(ctx.actor, 'case.contribute', [init.caseId]);
      if (init.inputs.length === 0) throw new BadRequestError('Give at least one folder or archive to ingest.');
      const inputs = init.inputs.map((p) => path.resolve(p));
      const source = (init.source ?? inputs.map((p) => path.basename(p)).join(', ')).trim().slice(0, 200) || 'device';
      return findOrCreateIngest(db, {
        caseId: init.caseId,
        inputs,
        source,
        origin: 'cli',
        agencyId: ctx.actor.agencyId ?? null,
        createdBy: ctx.actor.kind === 'user' ? ctx.actor.userId : `system:${ctx.actor.name}`,
      });
    },

    /** Runs (or resumes) an ingest in this process. */
    run(ctx: RequestContext, ingestId: string, options: RunOptions = {}): Promise<RunOutcome> {
      return runIngest(runDeps, ingestId, ctx.actor, options);
    },

    /**
     * Takes uploaded files into the data directory and queues their ingest as a background job. Files are written
     * under generated folder names; a client's file name is kept only as a single, cleaned path component.
     */
    async upload(ctx: RequestContext, caseId: string, files: AsyncIterable<UploadedFile>, source?: string): Promise<Ingest> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const uploadId = newId();
      const dir = path.join(uploadsDir, uploadId);
      const inputs: string[] = [];
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        let n = 0;
        for await (const f of files) {
          const sub = path.join(dir, String(++n));
          await mkdir(sub, { mode: 0o700 });
          const target = path.join(sub, safeUploadName(f.filename));
          await pipeline(f.stream, createWriteStream(target, { mode: 0o600, flags: 'wx' }));
          inputs.push(target);
        }
        if (inputs.length === 0) throw new BadRequestError('The upload holds no file.', 'no-files');
      } catch (e) {
        await rm(dir, { recursive: true, force: true });
        throw e;
      }
      const label = (source ?? (inputs.length === 1 ? `upload ${path.basename(inputs[0]!)}` : `upload of ${inputs.length} files`)).slice(0, 200);
      const { record } = await findOrCreateIngest(db, {
        caseId,
        inputs,
        source: label,
        origin: 'upload',
        agencyId: ctx.actor.agencyId ?? null,
        createdBy: ctx.actor.kind === 'user' ? ctx.actor.userId : `system:${ctx.actor.name}`,
        fingerprint: `upload:${uploadId}`,
      });
      const jobId = `ingest:${record.id}`;
      await db.updateTable('ingests').set({ job_id: jobId }).where('id', '=', record.id).execute();
      await deps.jobs.enqueue<IngestJobPayload>(INGEST_JOB, { ingestId: record.id, actor: ctx.actor }, { id: jobId, agencyId: ctx.actor.agencyId ?? null, createdBy: ctx.actor.kind === 'user' ? ctx.actor.userId : null, maxAttempts: 5 });
      await deps.audit.record(db, {
        actor: ctx.actor,
        operation: 'collection',
        action: 'ingest.upload',
        object: { type: 'ingest', id: record.id },
        caseId,
        details: { files: inputs.length, source: label },
        requestId: ctx.requestId ?? null,
        ip: ctx.ip ?? null,
      });
      const row = await db.selectFrom('ingests').selectAll().where('id', '=', record.id).executeTakeFirstOrThrow();
      return toIngest(row);
    },
  };

  // The background job: runs the upload's ingest and removes the uploaded copies once it is done.
  deps.jobs.register<IngestJobPayload, IngestSummary>(INGEST_JOB, async (job) => {
    const inputs = await db.selectFrom('ingests').select('inputs').where('id', '=', job.payload.ingestId).executeTakeFirst();
    // Uploads are a few files: counting them first gives the page a progress bar with an end.
    const estimate = inputs ? await estimateInputs(JSON.parse(inputs.inputs) as string[]) : undefined;
    const outcome = await runIngest(runDeps, job.payload.ingestId, job.payload.actor, {
      ...(estimate ? { estimate } : {}),
      workers: deps.jobWorkers ?? Math.max(1, availableParallelism() - 1),
      signal: job.signal,
      progressIntervalMs: 1000,
      onProgress: (p) => void job.progress({ ...p }).catch(() => {}),
    });
    if (!outcome.interrupted) {
      const row = await db.selectFrom('ingests').select(['inputs', 'origin']).where('id', '=', job.payload.ingestId).executeTakeFirst();
      if (row?.origin === 'upload') {
        const first = (JSON.parse(row.inputs) as string[])[0];
        if (first && first.startsWith(uploadsDir + path.sep)) await rm(path.dirname(path.dirname(first)), { recursive: true, force: true });
      }
    }
    return outcome.summary;
  });

  return {
    ...service,

    async list(ctx: RequestContext, caseId: string): Promise<Ingest[]> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const rows = await db.selectFrom('ingests').selectAll().where('case_id', '=', caseId).orderBy('created_at', 'desc').limit(200).execute();
      return rows.map(toIngest);
    },

    async get(ctx: RequestContext, caseId: string, ingestId: string): Promise<Ingest> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const ingest = await loadIngest(caseId, ingestId);
      // A finished summary is stored; a running one is computed from the ledger so the page sees it grow.
      if (!ingest.summary && ingest.status !== 'queued') ingest.summary = await ingestSummary(db, ingestId);
      return ingest;
    },

    /** Files of an ingest that were refused or stored with a caveat. */
    async issues(ctx: RequestContext, caseId: string, ingestId: string, page: { offset?: number; limit?: number } = {}): Promise<IngestIssue[]> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      await loadIngest(caseId, ingestId);
      const rows = await db
        .selectFrom('ingest_items')
        .select(['path', 'outcome', 'problem', 'problem_detail', 'media_id'])
        .where('ingest_id', '=', ingestId)
        .where('problem', 'is not', null)
        .orderBy('path')
        .offset(page.offset ?? 0)
        .limit(Math.min(page.limit ?? 100, 1000))
        .execute();
      return rows.map((r) => ({ path: r.path, outcome: r.outcome as IngestIssue['outcome'], problem: r.problem as ProblemCode, detail: r.problem_detail, mediaId: r.media_id }));
    },
  };
}
