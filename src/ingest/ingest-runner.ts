/**
 * Runs (or resumes) one ingest: walks its inputs, processes files on the worker pool, and commits results in batches.
 *
 * Exactly once, whenever the process dies:
 * - a file counts as done only when its ledger row is committed, in the same transaction as everything it produced;
 * - blobs are written staged and promoted after that commit; a resume first sweeps the ingest's staging folder
 *   (promoting blobs whose rows exist, deleting the rest), so no blob is lost and none is orphaned;
 * - media are unique by sha256 and occurrences keyed by (case, source, path), so redoing a file adds nothing twice;
 * - an archive is marked done only after all its members are, so a resume skips finished archives unread and walks
 *   unfinished ones skipping finished members.
 */
import { unlink } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { Actor } from '../identity/actor.js';
import type { BlobStore } from '../store/blob-store.js';
import type { Database } from '../store/schema.js';
import { IngestPool } from './ingest-pool.js';
import type { IngestProgress, IngestSummary } from './ingest-schemas.js';
import { commitBatch, doneKeys, ingestSummary, lockIngest, lockOwner, releaseIngest, type CommitEntry, type IngestRecord } from './ingest-store.js';
import type { KnownHashIndex, MediaIndex } from './media-index.js';
import { DEFAULT_PROCESS_OPTIONS, type ProcessOptions, type StageTimings } from './process-file.js';
import { DEFAULT_LIMITS, walkArchiveFile, walkInputs, type FileItem, type WalkContext, type WalkItem, type WalkLimits } from './walk.js';

export interface IngestDeps {
  db: Kysely<Database>;
  audit: AuditLog;
  blobs: BlobStore;
  mediaIndex: MediaIndex;
  knownIndex: KnownHashIndex;
}

export interface RunOptions {
  /** Worker threads (default: all cores). 0 processes on this thread. */
  workers?: number;
  perWorker?: number;
  limits?: Partial<WalkLimits>;
  process?: Partial<ProcessOptions>;
  /** Files per database transaction. */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: IngestProgress) => void;
  progressIntervalMs?: number;
  /** Totals counted beforehand, for the ETA. */
  estimate?: { files: number; bytes: number };
  /** Per-file time limit for the worker pool, ms. */
  fileTimeoutMs?: number;
  /** Skip decoding bytes the node already holds (default true; the benchmark turns it off to compare). */
  skipKnown?: boolean;
}

/** Where the time went, summed over files (worker stages) and over batches (database, promotion). */
export interface RunTimings extends StageTimings {
  database: number;
  promote: number;
  wallMs: number;
}

export interface RunOutcome {
  summary: IngestSummary;
  interrupted: boolean;
  timings: RunTimings;
  /** Files whose bytes were already held, recorded without decoding them again. */
  skippedDecodes: number;
}

/** Time between commits when files trickle in. */
const FLUSH_MS = 250;

export async function runIngest(deps: IngestDeps, ingestId: string, actor: Actor, options: RunOptions = {}): Promise<RunOutcome> {
  const { db, blobs } = deps;
  const owner = lockOwner();
  const started = performance.now();
  let ingest: IngestRecord = await lockIngest(db, ingestId, owner);
  const timings: RunTimings = { read: 0, digest: 0, store: 0, decode: 0, pdq: 0, thumbnail: 0, metadata: 0, database: 0, promote: 0, wallMs: 0 };
  const progress: IngestProgress = { filesDone: 0, bytesDone: 0, errors: 0, elapsedMs: 0, filesPerSecond: 0, bytesPerSecond: 0, walkDone: false };
  if (options.estimate) {
    progress.estimatedFiles = options.estimate.files;
    progress.estimatedBytes = options.estimate.bytes;
  }
  let pool: IngestPool | undefined;
  let skippedDecodes = 0;
  const iterators: AsyncIterator<WalkItem>[] = [];
  try {
    const mediaExists = async (shas: string[]) => {
      const found = new Set<string>();
      for (let i = 0; i < shas.length; i += 300) {
        const rows = await db.selectFrom('media').select('sha256').where('sha256', 'in', shas.slice(i, i + 300)).execute();
        for (const r of rows) found.add(r.sha256);
      }
      return found;
    };
    // Whatever a killed run left staged: promoted if its row was committed, else removed.
    await blobs.sweep(ingest.id, mediaExists);
    const done = await doneKeys(db, ingest.id);
    const alreadyDone = done.size;
    await Promise.all([deps.mediaIndex.refresh(), deps.knownIndex.refresh()]);

    const limits: WalkLimits = { ...DEFAULT_LIMITS, ...options.limits };
    const stagingDir = blobs.stagingDir(ingest.id);
    const walkCtx: WalkContext = { limits, spoolDir: stagingDir, isDone: (k) => done.has(k) };
    const processOptions: ProcessOptions = { ...DEFAULT_PROCESS_OPTIONS, ...options.process };
    // Bytes seen whole in this run (their item is committed or in the queue to be), and bytes the node held before:
    // a copy of them is recorded without being decoded again.
    const seen = new Set<string>();
    const isKnown = async (sha256: string) => {
      if (seen.has(sha256)) return true;
      const row = await db.selectFrom('media').select('id').where('sha256', '=', sha256).executeTakeFirst();
      if (row) seen.add(sha256);
      return !!row;
    };
    pool = new IngestPool({
      size: options.workers ?? availableParallelism(),
      perWorker: options.perWorker ?? 2,
      ...(options.skipKnown === false ? {} : { isKnown }),
      ...(options.fileTimeoutMs ? { timeoutMs: options.fileTimeoutMs } : {}),
    });
    const maxInFlight = pool.capacity * 2;
    const batchSize = options.batchSize ?? 64;

    iterators.push(walkInputs(walkCtx, ingest.inputs)[Symbol.asyncIterator]());
    const outstanding = new Map<string, number>();
    const pendingEnds = new Map<string, CommitEntry>();
    let queue: CommitEntry[] = [];
    const inFlight = new Set<Promise<void>>();
    let lastFlush = performance.now();
    let lastProgress = 0;
    let walkDone = false;
    let fatal: unknown;

    const report = (force = false) => {
      const now = performance.now();
      if (!force && now - lastProgress < (options.progressIntervalMs ?? 250)) return;
      lastProgress = now;
      progress.elapsedMs = now - started;
      const secs = Math.max(progress.elapsedMs / 1000, 0.001);
      progress.filesPerSecond = progress.filesDone / secs;
      progress.bytesPerSecond = progress.bytesDone / secs;
      progress.walkDone = walkDone;
      if (progress.estimatedBytes && progress.bytesPerSecond > 0) {
        progress.etaSeconds = Math.max(0, (progress.estimatedBytes - progress.bytesDone) / progress.bytesPerSecond);
      }
      options.onProgress?.({ ...progress });
    };

    const track = (containers: string[], delta: number) => {
      for (const c of containers) outstanding.set(c, (outstanding.get(c) ?? 0) + delta);
    };

    const flush = async () => {
      if (queue.length === 0) return;
      const batch = queue;
      queue = [];
      const t0 = performance.now();
      // A hash set imported while this ingest runs is matched against what it commits from now on.
      await deps.knownIndex.refresh();
      const result = await commitBatch(db, { ingest, owner, actor, audit: deps.audit, mediaIndex: deps.mediaIndex, knownIndex: deps.knownIndex, progress }, batch);
      const t1 = performance.now();
      timings.database += t1 - t0;
      for (const p of result.staged) await blobs.promote(p);
      timings.promote += performance.now() - t1;
      lastFlush = performance.now();
      for (const e of batch) {
        track(e.name.containers, -1);
        if (e.kind === 'file') {
          progress.filesDone++;
          progress.bytesDone += e.result.size;
          if (e.result.problems.length || e.warnings.length) progress.errors++;
        } else if (e.kind === 'error') {
          progress.filesDone++;
          progress.errors++;
        }
      }
      // Archives whose last member just landed are done now.
      for (const [key, end] of pendingEnds) {
        if ((outstanding.get(key) ?? 0) === 0) {
          pendingEnds.delete(key);
          queue.push(end);
        }
      }
      report();
    };

    const enqueue = (entry: CommitEntry) => {
      queue.push(entry);
    };

    const dispatch = (item: FileItem) => {
      track(item.containers, +1);
      const { node, ...name } = item;
      const p = pool!
        .run({ source: item.source, stagingDir, grants: { media: blobs.issueGrant(), thumb: blobs.issueGrant() }, options: processOptions, fromFolder: item.source.kind === 'path' })
        .then(async (result) => {
          if (item.source.kind === 'spooled') await unlink(item.source.path).catch(() => {});
          if (result.status === 'archive') {
            // A folder file that is an archive: walked now; its own end item marks it done.
            track(item.containers, -1);
            if (item.source.kind === 'path' && node) iterators.push(walkArchiveFile(walkCtx, item.source.path, node, result.format)[Symbol.asyncIterator]());
            return;
          }
          if (result.status === 'error') {
            enqueue({ kind: 'error', name: { key: name.key, path: name.path, containers: name.containers, ...(name.pathRaw ? { pathRaw: name.pathRaw } : {}) }, problem: result.problem, ...(item.size !== undefined ? { size: item.size } : {}) });
            return;
          }
          for (const k of Object.keys(result.timings) as (keyof StageTimings)[]) timings[k] += result.timings[k];
          if (!result.skipped) seen.add(result.sha256);
          else skippedDecodes++;
          enqueue({ kind: 'file', name: { key: name.key, path: name.path, containers: name.containers, ...(name.pathRaw ? { pathRaw: name.pathRaw } : {}) }, times: item.times, warnings: item.warnings, result });
        })
        .catch((e: unknown) => {
          fatal ??= e;
        });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    };

    const nextItem = async (): Promise<WalkItem | undefined> => {
      while (iterators.length) {
        const top = iterators[iterators.length - 1]!;
        const r = await top.next();
        if (!r.done) return r.value;
        iterators.pop();
      }
      return undefined;
    };

    for (;;) {
      if (fatal) throw fatal;
      if (options.signal?.aborted) break;
      while (inFlight.size < maxInFlight && queue.length < batchSize && !options.signal?.aborted) {
        const item = await nextItem();
        if (!item) break;
        if (item.kind === 'file') dispatch(item);
        else if (item.kind === 'error') {
          track(item.containers, +1);
          enqueue({ kind: 'error', name: item, problem: item.problem, ...(item.size !== undefined ? { size: item.size } : {}) });
        } else {
          const entry: CommitEntry = { kind: 'archive', name: item };
          track(item.containers, +1);
          if ((outstanding.get(item.key) ?? 0) === 0) enqueue(entry);
          else pendingEnds.set(item.key, entry);
        }
      }
      walkDone = iterators.length === 0;
      const idle = walkDone && inFlight.size === 0;
      if (queue.length >= batchSize || (queue.length > 0 && (idle || performance.now() - lastFlush >= FLUSH_MS))) {
        await flush();
        if (fatal) throw fatal;
      }
      // Files in flight may still turn out to be archives (pushing a walk), and a flush may release archive ends.
      if (iterators.length === 0 && inFlight.size === 0 && queue.length === 0) break;
      if (inFlight.size > 0 && (iterators.length === 0 || inFlight.size >= maxInFlight || queue.length >= batchSize)) {
        await Promise.race([...inFlight, new Promise((r) => setTimeout(r, FLUSH_MS))]);
      }
    }
    walkDone = iterators.length === 0;

    const interrupted = !!options.signal?.aborted && !(walkDone && inFlight.size === 0 && queue.length === 0 && pendingEnds.size === 0);
    if (interrupted) {
      // Let what is in flight finish and land; the rest is redone on resume.
      await Promise.allSettled([...inFlight]);
      await flush();
    }
    await pool.close();
    pool = undefined;
    await blobs.sweep(ingest.id, mediaExists);
    progress.walkDone = walkDone;
    report(true);
    const summary = await ingestSummary(db, ingest.id);
    const final: IngestSummary = { ...summary, status: interrupted ? 'interrupted' : 'done', finishedAt: interrupted ? null : new Date().toISOString() };
    if (!interrupted) {
      await deps.audit.record(db, {
        actor,
        operation: 'collection',
        action: 'ingest.complete',
        object: { type: 'ingest', id: ingest.id },
        caseId: ingest.caseId,
        details: { source: ingest.source, filesSeen: final.filesSeen, newMedia: final.newMedia, duplicates: final.duplicates, known: final.known, refused: final.refused, resumedAfter: alreadyDone },
      });
    }
    await releaseIngest(db, ingest.id, owner, { status: final.status, summary: final, progress });
    ingest = { ...ingest, status: final.status };
    timings.wallMs = performance.now() - started;
    return { summary: final, interrupted, timings, skippedDecodes };
  } catch (e) {
    await releaseIngest(db, ingestId, owner, { status: 'failed', error: e instanceof Error ? e.message : String(e), progress }).catch(() => {});
    throw e;
  } finally {
    for (const it of iterators) await it.return?.().catch(() => {});
    await pool?.close();
  }
}
