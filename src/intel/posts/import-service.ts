import type { Kysely, Selectable } from 'kysely';
import { Type, type Static } from 'typebox';
import type { AuditLog } from '../../audit/audit-log.js';
import type { CaseAccessPolicy } from '../../cases/case-access.js';
import { Id } from '../../cases/case-schemas.js';
import { BadRequestError, NotFoundError } from '../../errors.js';
import { systemActor, type Actor } from '../../identity/actor.js';
import type { RequestContext } from '../../identity/context.js';
import { newId, nowIso } from '../../store/ids.js';
import type { JobQueue } from '../../store/job-queue.js';
import type { Database, PostImportsTable } from '../../store/schema.js';
import { actorLabel, agencyOf, caseRegion } from '../records/record-service.js';
import { findPlatform } from '../selectors/platforms.js';
import { DataSubjectCategory, HandlingCode } from '../vocabulary.js';
import { importPosts, type ImportError, type ImportProgress, type ImportResult } from './post-importer.js';
import { detectFormat, parsePosts, type PostFormat } from './post-parser.js';

export const IMPORT_POSTS_JOB = 'intel.import-posts';

export const PostImportOptionsSchema = Type.Object(
  {
    fileName: Type.String({ minLength: 1, maxLength: 255 }),
    format: Type.Optional(Type.Enum(['csv', 'jsonl'])),
    platform: Type.Optional(Type.String({ minLength: 1, maxLength: 253, description: 'Platform or site of authors written as bare names (e.g. telegram, a forum host)' })),
    handlingCode: Type.Optional(HandlingCode),
    dataSubject: Type.Optional(DataSubjectCategory),
    naiveTimesAreUtc: Type.Optional(Type.Boolean({ description: 'Read times without a zone as UTC instead of refusing them' })),
  },
  { additionalProperties: false },
);
export type PostImportOptions = Static<typeof PostImportOptionsSchema>;

const ProgressSchema = Type.Object({
  lines: Type.Integer(),
  imported: Type.Integer(),
  malformed: Type.Integer(),
  identities: Type.Integer(),
  selectors: Type.Integer(),
  committedLine: Type.Integer(),
  bytesRead: Type.Integer(),
  totalBytes: Type.Union([Type.Integer(), Type.Null()]),
});

export const PostImportSchema = Type.Object({
  id: Id,
  caseId: Id,
  fileName: Type.String(),
  format: Type.Enum(['csv', 'jsonl']),
  status: Type.Enum(['queued', 'running', 'done', 'failed']),
  createdBy: Type.String(),
  createdAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  progress: ProgressSchema,
  errors: Type.Array(Type.Object({ line: Type.Integer(), message: Type.String() }), { description: 'Malformed lines (the first 1000)' }),
  failure: Type.Union([Type.String(), Type.Null()], { description: 'Why the import stopped, when it failed as a whole' }),
});
export type PostImport = Static<typeof PostImportSchema>;

type Progress = ImportProgress & { bytesRead: number; totalBytes: number | null };

const EMPTY: Progress = { lines: 0, imported: 0, malformed: 0, identities: 0, selectors: 0, committedLine: 0, bytesRead: 0, totalBytes: null };

interface StoredOptions extends PostImportOptions {
  format: PostFormat;
  handlingCode: HandlingCode;
  dataSubject: DataSubjectCategory;
  totalBytes: number | null;
  failure?: string;
}

function toImport(row: Selectable<PostImportsTable>): PostImport {
  const options = JSON.parse(row.options) as StoredOptions;
  return {
    id: row.id,
    caseId: row.case_id,
    fileName: row.file_name,
    format: row.format as PostFormat,
    status: row.status as PostImport['status'],
    createdBy: row.created_by,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    progress: { ...EMPTY, totalBytes: options.totalBytes ?? null, ...(JSON.parse(row.progress) as Partial<Progress>) },
    errors: JSON.parse(row.errors) as ImportError[],
    failure: options.failure ?? null,
  };
}

/** Counts the bytes that pass, for a progress bar over the file's size. */
async function* counting(input: AsyncIterable<Buffer>, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of input) {
    onBytes(chunk.length);
    yield chunk;
  }
}

async function* ofBuffer(buffer: Buffer, size = 1 << 20): AsyncGenerator<Buffer> {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

export type PostImportService = ReturnType<typeof createPostImportService>;

/**
 * Imports of captured posts into a case, from the web (an upload that a background job works through, its progress
 * polled) or the command line (a file streamed in the foreground with a progress bar). Both run importPosts.
 */
export function createPostImportService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy; jobs: JobQueue }) {
  const { db, audit, access, jobs } = deps;

  function checkOptions(options: PostImportOptions): void {
    if (options.platform && !findPlatform(options.platform) && !/^[a-z0-9][a-z0-9.-]*$/i.test(options.platform)) {
      throw new BadRequestError('platform must be a known platform (telegram, x, …) or a host name.', 'invalid-platform');
    }
  }

  async function create(ctx: RequestContext, caseId: string, options: PostImportOptions, format: PostFormat, upload: Buffer | null, totalBytes: number | null): Promise<Selectable<PostImportsTable>> {
    await access.require(ctx.actor, 'case.contribute', [caseId]);
    checkOptions(options);
    const { leadAgencyId } = await caseRegion(db, caseId);
    const stored: StoredOptions = { ...options, format, handlingCode: options.handlingCode ?? 'TLP:AMBER', dataSubject: options.dataSubject ?? 'other', totalBytes };
    const row: PostImportsTable = {
      id: newId(),
      case_id: caseId,
      agency_id: agencyOf(ctx.actor) ?? leadAgencyId,
      created_by: actorLabel(ctx.actor),
      file_name: options.fileName,
      format,
      options: JSON.stringify(stored),
      status: 'queued',
      progress: JSON.stringify({ ...EMPTY, totalBytes }),
      errors: '[]',
      upload,
      created_at: nowIso(),
      finished_at: null,
    };
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('post_imports').values(row).execute();
      await audit.record(trx, {
        actor: ctx.actor,
        operation: 'collection',
        action: 'import.start',
        object: { type: 'import', id: row.id },
        caseId,
        details: { fileName: options.fileName, format, bytes: totalBytes, platform: options.platform ?? null, handlingCode: stored.handlingCode },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
    });
    return row;
  }

  /** Runs (or resumes) an import over a byte stream; progress is stored after every committed batch. */
  async function run(importId: string, input: AsyncIterable<Buffer>, actor: Actor, hooks: { signal?: AbortSignal; onProgress?: (p: Progress) => void | Promise<void>; requestId?: string; ip?: string } = {}): Promise<PostImport> {
    const row = await db.selectFrom('post_imports').selectAll().where('id', '=', importId).executeTakeFirst();
    if (!row) throw new NotFoundError('The import');
    const options = JSON.parse(row.options) as StoredOptions;
    const previous = { ...EMPTY, ...(JSON.parse(row.progress) as Partial<Progress>) };
    const { region } = await caseRegion(db, row.case_id);
    await db.updateTable('post_imports').set({ status: 'running' }).where('id', '=', importId).execute();
    let bytesRead = 0;
    const totalBytes = options.totalBytes ?? null;
    let result: ImportResult;
    try {
      result = await importPosts(db, audit, parsePosts(counting(input, (n) => (bytesRead += n)), options.format, { naiveTimesAreUtc: options.naiveTimesAreUtc ?? false }), {
        caseId: row.case_id,
        importId,
        agencyId: row.agency_id,
        actor,
        region,
        platform: options.platform,
        handlingCode: options.handlingCode,
        dataSubject: options.dataSubject,
        fileName: row.file_name,
        resume: previous.committedLine > 0 ? { progress: previous, errors: JSON.parse(row.errors) as ImportError[] } : undefined,
        signal: hooks.signal,
        requestId: hooks.requestId,
        ip: hooks.ip,
        onProgress: async (p) => {
          const full = { ...p, bytesRead, totalBytes };
          await db.updateTable('post_imports').set({ progress: JSON.stringify(full) }).where('id', '=', importId).execute();
          await hooks.onProgress?.(full);
        },
      });
    } catch (err) {
      if (hooks.signal?.aborted) throw err; // shutdown: the job resumes later from the committed line
      const failure = err instanceof Error ? err.message : String(err);
      await db.updateTable('post_imports').set({ status: 'failed', finished_at: nowIso(), upload: null, options: JSON.stringify({ ...options, failure }) }).where('id', '=', importId).execute();
      throw err;
    }
    const { errors, errorsTruncated: _truncated, ...progress } = result;
    await db
      .updateTable('post_imports')
      .set({ status: 'done', finished_at: nowIso(), upload: null, progress: JSON.stringify({ ...progress, bytesRead: totalBytes ?? bytesRead, totalBytes: totalBytes ?? bytesRead }), errors: JSON.stringify(errors) })
      .where('id', '=', importId)
      .execute();
    return toImport(await db.selectFrom('post_imports').selectAll().where('id', '=', importId).executeTakeFirstOrThrow());
  }

  jobs.register<{ importId: string }, { imported: number; malformed: number }>(IMPORT_POSTS_JOB, async (job) => {
    const row = await db.selectFrom('post_imports').select(['status', 'upload', 'agency_id']).where('id', '=', job.payload.importId).executeTakeFirst();
    if (!row || row.status === 'done' || row.status === 'failed' || !row.upload) return { imported: 0, malformed: 0 };
    const done = await run(job.payload.importId, ofBuffer(Buffer.from(row.upload)), systemActor('job:import-posts', row.agency_id), {
      signal: job.signal,
      onProgress: (p) => job.progress({ ...p }),
    });
    return { imported: done.progress.imported, malformed: done.progress.malformed };
  });

  return {
    /** Web: keeps the uploaded file with the import and queues the job that works through it. */
    async upload(ctx: RequestContext, caseId: string, content: Buffer, options: PostImportOptions): Promise<PostImport> {
      if (content.length === 0) throw new BadRequestError('The file is empty.', 'empty-file');
      const format = options.format ?? detectFormat(options.fileName, content.subarray(0, 64).toString('utf8'));
      const row = await create(ctx, caseId, options, format, content, content.length);
      await jobs.enqueue(IMPORT_POSTS_JOB, { importId: row.id }, { id: row.id, agencyId: row.agency_id, createdBy: row.created_by, maxAttempts: 3 });
      return toImport(row);
    },

    /** Command line: streams a file in the foreground. */
    async importStream(
      ctx: RequestContext,
      caseId: string,
      input: AsyncIterable<Buffer>,
      options: PostImportOptions & { totalBytes?: number | null; head?: string },
      onProgress?: (p: Progress) => void,
    ): Promise<PostImport> {
      const { totalBytes = null, head = '', ...rest } = options;
      const format = rest.format ?? detectFormat(rest.fileName, head);
      const row = await create(ctx, caseId, rest, format, null, totalBytes);
      return run(row.id, input, ctx.actor, { ...(onProgress ? { onProgress } : {}), ...(ctx.requestId ? { requestId: ctx.requestId } : {}), ...(ctx.ip ? { ip: ctx.ip } : {}) });
    },

    async get(ctx: RequestContext, caseId: string, importId: string): Promise<PostImport> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const row = await db.selectFrom('post_imports').selectAll().where('id', '=', importId).where('case_id', '=', caseId).executeTakeFirst();
      if (!row) throw new NotFoundError('The import');
      return toImport(row);
    },

    async list(ctx: RequestContext, caseId: string): Promise<PostImport[]> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const rows = await db.selectFrom('post_imports').selectAll().where('case_id', '=', caseId).orderBy('created_at', 'desc').limit(50).execute();
      return rows.map(toImport);
    },
  };
}
