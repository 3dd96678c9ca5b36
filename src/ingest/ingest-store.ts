/**
 * The database side of an ingest: the run record (found again by its fingerprint, locked to one process at a time),
 * the ledger of files dealt with, and the batch commit that writes media, occurrences, case membership, near-duplicate
 * pairs, hash-set matches, the ledger rows and the audit event in one transaction — so a file is recorded entirely or
 * not at all, whenever the process dies.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Actor } from '../identity/actor.js';
import { PDQ_MATCH_DISTANCE, PDQ_MIN_QUALITY } from '../media/pdq.js';
import { newId, nowIso } from '../store/ids.js';
import type { Database, IngestsTable } from '../store/schema.js';
import { matchMediaAgainstSets, precategorise } from './hash-matching.js';
import type { Ingest, IngestProgress, IngestStatus, IngestSummary } from './ingest-schemas.js';
import type { KnownHashIndex, MediaIndex } from './media-index.js';
import type { ProcessedFile } from './process-file.js';
import type { Problem } from './problems.js';
import type { FileTimes, ItemName } from './walk.js';

export interface IngestRecord {
  id: string;
  caseId: string;
  fingerprint: string;
  source: string;
  inputs: string[];
  origin: 'cli' | 'upload';
  status: IngestStatus;
  jobId: string | null;
  runs: number;
  agencyId: string | null;
  createdBy: string;
  createdAt: string;
}

export function toRecord(row: IngestsTable): IngestRecord {
  return {
    id: row.id,
    caseId: row.case_id,
    fingerprint: row.fingerprint,
    source: row.source,
    inputs: JSON.parse(row.inputs) as string[],
    origin: row.origin as IngestRecord['origin'],
    status: row.status as IngestStatus,
    jobId: row.job_id,
    runs: row.runs,
    agencyId: row.agency_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

export function toIngest(row: IngestsTable): Ingest {
  return {
    id: row.id,
    caseId: row.case_id,
    source: row.source,
    origin: row.origin as Ingest['origin'],
    status: row.status as IngestStatus,
    jobId: row.job_id,
    progress: row.progress ? (JSON.parse(row.progress) as IngestProgress) : null,
    summary: row.summary ? (JSON.parse(row.summary) as IngestSummary) : null,
    error: row.error,
    runs: row.runs,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

/** The same inputs (in the same order) under the same source label in the same case are the same ingest. */
export function ingestFingerprint(inputs: string[], source: string): string {
  return createHash('sha256').update(JSON.stringify({ inputs, source })).digest('hex');
}

/** Deterministic: the same file (case, source label, raw path) is one occurrence however often it is ingested. */
export function occurrenceId(caseId: string, source: string, itemKey: string): string {
  return createHash('sha256').update(`${caseId}\0${source}\0${itemKey}`).digest('hex').slice(0, 32);
}

/** Finds the ingest with this fingerprint in the case, or creates it. */
export async function findOrCreateIngest(
  db: Kysely<Database>,
  init: { caseId: string; inputs: string[]; source: string; origin: 'cli' | 'upload'; agencyId: string | null; createdBy: string; fingerprint?: string },
): Promise<{ record: IngestRecord; created: boolean }> {
  const fingerprint = init.fingerprint ?? ingestFingerprint(init.inputs, init.source);
  const existing = await db.selectFrom('ingests').selectAll().where('case_id', '=', init.caseId).where('fingerprint', '=', fingerprint).executeTakeFirst();
  if (existing) return { record: toRecord(existing), created: false };
  const now = nowIso();
  const id = newId();
  await db
    .insertInto('ingests')
    .values({
      id,
      case_id: init.caseId,
      fingerprint,
      source: init.source,
      inputs: JSON.stringify(init.inputs),
      origin: init.origin,
      status: 'queued',
      job_id: null,
      locked_by: null,
      locked_until: null,
      progress: null,
      summary: null,
      error: null,
      runs: 0,
      agency_id: init.agencyId,
      created_by: init.createdBy,
      created_at: now,
      updated_at: now,
      finished_at: null,
    })
    .onConflict((oc) => oc.columns(['case_id', 'fingerprint']).doNothing())
    .execute();
  const row = await db.selectFrom('ingests').selectAll().where('case_id', '=', init.caseId).where('fingerprint', '=', fingerprint).executeTakeFirstOrThrow();
  return { record: toRecord(row), created: row.id === id };
}

const LOCK_MS = 60_000;

/** "host:pid:random": lets a rerun on the same machine see that the holder died (kill -9) without waiting. */
export function lockOwner(): string {
  return `${hostname()}:${process.pid}:${newId().slice(-8)}`;
}

function holderIsDead(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Takes the ingest for this process. Refused while another live process holds it; taken over when the holder's lease
 * ran out or the holder is a dead process on this machine.
 */
export async function lockIngest(db: Kysely<Database>, ingestId: string, owner: string): Promise<IngestRecord> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('ingests').selectAll().where('id', '=', ingestId).executeTakeFirst();
    if (!row) throw new NotFoundError('The ingest');
    const now = nowIso();
    if (row.locked_by && row.locked_by !== owner && row.locked_until && row.locked_until > now && !holderIsDead(row.locked_by)) {
      throw new ConflictError(`This ingest is running in another process (${row.locked_by.split(':').slice(0, 2).join(' pid ')}); wait for it to finish or stop it first.`, 'ingest-running');
    }
    await trx
      .updateTable('ingests')
      .set({ locked_by: owner, locked_until: new Date(Date.now() + LOCK_MS).toISOString(), status: 'running', runs: row.runs + 1, error: null, updated_at: now, finished_at: null })
      .where('id', '=', ingestId)
      .execute();
    return toRecord({ ...row, runs: row.runs + 1, status: 'running' });
  });
}

export async function releaseIngest(db: Kysely<Database>, ingestId: string, owner: string, changes: { status: IngestStatus; summary?: IngestSummary; error?: string | null; progress?: IngestProgress }): Promise<void> {
  const now = nowIso();
  await db
    .updateTable('ingests')
    .set({
      status: changes.status,
      locked_by: null,
      locked_until: null,
      updated_at: now,
      ...(changes.summary ? { summary: JSON.stringify(changes.summary) } : {}),
      ...(changes.progress ? { progress: JSON.stringify(changes.progress) } : {}),
      ...(changes.error !== undefined ? { error: changes.error } : {}),
      ...(changes.status === 'done' || changes.status === 'failed' ? { finished_at: now } : {}),
    })
    .where('id', '=', ingestId)
    .where('locked_by', '=', owner)
    .execute();
}

/** Keys of the files (and archives) this ingest has already recorded. */
export async function doneKeys(db: Kysely<Database>, ingestId: string): Promise<Set<string>> {
  const keys = new Set<string>();
  let after = '';
  for (;;) {
    const rows = await db.selectFrom('ingest_items').select('item_key').where('ingest_id', '=', ingestId).where('item_key', '>', after).orderBy('item_key').limit(50_000).execute();
    for (const r of rows) keys.add(r.item_key);
    if (rows.length < 50_000) break;
    after = rows[rows.length - 1]!.item_key;
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------------------------
// Batch commit
// ---------------------------------------------------------------------------------------------------------------

export type CommitEntry =
  | { kind: 'file'; name: ItemName; times: FileTimes; warnings: Problem[]; result: ProcessedFile }
  | { kind: 'error'; name: ItemName; problem: Problem; size?: number }
  | { kind: 'archive'; name: ItemName };

export interface CommitContext {
  ingest: IngestRecord;
  owner: string;
  actor: Actor;
  audit: AuditLog;
  mediaIndex: MediaIndex;
  knownIndex: KnownHashIndex;
  progress: IngestProgress;
}

export interface CommitResult {
  /** Staged blobs to promote now that their rows are committed. */
  staged: string[];
  newMedia: number;
}

const CHUNK = 100;
function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The problem a ledger row records: a problem of the content (undecodable …) comes from the media item, so every copy
 * of the same bytes carries it whether or not it was decoded again; else a problem of this file (its name).
 */
function ledgerProblem(entry: CommitEntry, media: { problem: string | null; problem_detail: string | null } | undefined): { code: string; detail: string } | undefined {
  if (entry.kind === 'error') return { code: entry.problem.code, detail: entry.problem.detail };
  if (entry.kind !== 'file') return undefined;
  const details = [...(media?.problem ? [`${media.problem}: ${media.problem_detail ?? ''}`] : []), ...entry.warnings.map((w) => `${w.code}: ${w.detail}`)];
  const code = media?.problem ?? entry.warnings[0]?.code;
  return code ? { code, detail: details.join('; ').slice(0, 1000) } : undefined;
}

function mediaRow(id: string, ingestId: string, r: ProcessedFile, now: string) {
  const cam = r.camera;
  const metadata = r.kind === 'video' ? { ...(r.video ?? {}) } : { ...(cam ?? {}) };
  return {
    id,
    sha256: r.sha256,
    md5: r.md5,
    sha1: r.sha1,
    size: r.size,
    type: r.type,
    mime: r.mime,
    kind: r.kind,
    width: r.width ?? null,
    height: r.height ?? null,
    duration: r.duration ?? null,
    pdq: r.pdq ?? null,
    pdq_quality: r.quality ?? null,
    vpdq: r.frames ? JSON.stringify(r.frames) : null,
    camera_make: cam?.make ?? null,
    camera_model: cam?.model ?? null,
    camera_serial: cam?.serial ?? null,
    capture_time: cam?.captureTime ?? (r.video?.creationTime ? r.video.creationTime : null),
    capture_offset: cam?.captureOffset ?? null,
    gps_lat: cam?.gps?.lat ?? null,
    gps_lon: cam?.gps?.lon ?? null,
    metadata: JSON.stringify(metadata),
    has_thumbnail: r.thumbStaged ? 1 : 0,
    problem: r.problems[0]?.code ?? null,
    problem_detail: r.problems[0]?.detail ?? null,
    near_group: null,
    first_ingest_id: ingestId,
    created_at: now,
  };
}

/** Links new pictures to their near-duplicates in the node (pairs both ways) and merges their groups. */
async function recordNearDuplicates(trx: Transaction<Database>, index: MediaIndex, fresh: { id: string; seq: number; pdq: string; quality: number }[]): Promise<number> {
  let linked = 0;
  for (const m of fresh) {
    const hits = index.search(m.pdq, PDQ_MATCH_DISTANCE).filter((h) => h.id !== m.seq);
    index.add(m.seq, m.pdq, m.quality);
    if (hits.length === 0) continue;
    linked++;
    const others = await trx.selectFrom('media').select(['id', 'seq', 'near_group']).where('seq', 'in', hits.map((h) => h.id)).execute();
    const distance = new Map(hits.map((h) => [h.id, h.distance]));
    const pairs = others.flatMap((o) => [
      { media_id: m.id, other_id: o.id, distance: distance.get(o.seq)! },
      { media_id: o.id, other_id: m.id, distance: distance.get(o.seq)! },
    ]);
    for (const part of chunks(pairs)) await trx.insertInto('media_near_duplicates').values(part).onConflict((oc) => oc.columns(['media_id', 'other_id']).doNothing()).execute();
    // A group is named after its oldest member (UUIDv7 ids sort by creation), so merging groups is deterministic.
    const groups = new Set<string>([m.id, ...others.map((o) => o.near_group ?? o.id)]);
    const target = [...groups].sort()[0]!;
    await trx
      .updateTable('media')
      .set({ near_group: target })
      .where((eb) => eb.or([eb('id', 'in', [m.id, ...others.map((o) => o.id)]), eb('near_group', 'in', [...groups])]))
      .execute();
  }
  return linked;
}

export async function commitBatch(db: Kysely<Database>, ctx: CommitContext, entries: CommitEntry[]): Promise<CommitResult> {
  const { ingest } = ctx;
  const now = nowIso();
  return db.transaction().execute(async (trx) => {
    const owned = await trx
      .updateTable('ingests')
      .set({ progress: JSON.stringify(ctx.progress), locked_until: new Date(Date.now() + LOCK_MS).toISOString(), updated_at: now })
      .where('id', '=', ingest.id)
      .where('locked_by', '=', ctx.owner)
      .executeTakeFirst();
    if (Number(owned.numUpdatedRows) === 0) throw new ConflictError('This process no longer holds the ingest (another process took it over).', 'ingest-lost');

    const files = entries.filter((e): e is Extract<CommitEntry, { kind: 'file' }> => e.kind === 'file');
    const shas = [...new Set(files.map((f) => f.result.sha256))];
    type Known = { id: string; seq: number; problem: string | null; problem_detail: string | null };
    const known = new Map<string, Known>();
    for (const part of chunks(shas, 300)) {
      for (const r of await trx.selectFrom('media').select(['id', 'seq', 'sha256', 'problem', 'problem_detail']).where('sha256', 'in', part).execute()) known.set(r.sha256, r);
    }
    const outcome = new Map<CommitEntry, 'new' | 'duplicate'>();
    const fresh: ReturnType<typeof mediaRow>[] = [];
    const freshBySha = new Map<string, CommitEntry>();
    for (const f of files) {
      if (known.has(f.result.sha256) || freshBySha.has(f.result.sha256)) outcome.set(f, 'duplicate');
      else if (f.result.skipped) {
        // The reader skipped decoding because the bytes were known; the item they belong to must be here by now.
        throw new Error(`internal: ${f.name.path} was skipped as a duplicate but no media item holds its bytes`);
      } else {
        const row = mediaRow(newId(), ingest.id, f.result, now);
        fresh.push(row);
        freshBySha.set(f.result.sha256, f);
        outcome.set(f, 'new');
      }
    }
    const inserted: { id: string; seq: number; pdq: string | null; quality: number | null; sha256: string; problem: string | null; problem_detail: string | null }[] = [];
    for (const part of chunks(fresh, 50)) {
      // Another process may have added the same bytes a moment ago: its row stands and ours is a duplicate.
      const rows = await trx.insertInto('media').values(part).onConflict((oc) => oc.column('sha256').doNothing()).returning(['id', 'seq', 'sha256', 'pdq', 'pdq_quality', 'problem', 'problem_detail']).execute();
      for (const r of rows) inserted.push({ id: r.id, seq: r.seq, sha256: r.sha256, pdq: r.pdq, quality: r.pdq_quality, problem: r.problem, problem_detail: r.problem_detail });
    }
    const insertedShas = new Set(inserted.map((r) => r.sha256));
    for (const r of inserted) known.set(r.sha256, r);
    const lost = fresh.filter((r) => !insertedShas.has(r.sha256));
    if (lost.length) {
      for (const r of await trx.selectFrom('media').select(['id', 'seq', 'sha256', 'problem', 'problem_detail']).where('sha256', 'in', lost.map((l) => l.sha256)).execute()) known.set(r.sha256, r);
      for (const l of lost) outcome.set(freshBySha.get(l.sha256)!, 'duplicate');
    }

    const mediaIds = [...new Set(files.map((f) => known.get(f.result.sha256)!.id))];
    for (const part of chunks(mediaIds)) {
      await trx
        .insertInto('case_media')
        .values(part.map((media_id) => ({ case_id: ingest.caseId, media_id, category: 'uncategorised', category_scheme: 'tessera', category_code: 'uncategorised', category_source: 'none', categorised_by: null, categorised_at: null, first_ingest_id: ingest.id, added_at: now })))
        .onConflict((oc) => oc.columns(['case_id', 'media_id']).doNothing())
        .execute();
    }
    const occurrences = files.map((f) => ({
      id: occurrenceId(ingest.caseId, ingest.source, f.name.key),
      case_id: ingest.caseId,
      media_id: known.get(f.result.sha256)!.id,
      ingest_id: ingest.id,
      source: ingest.source,
      path: f.name.path,
      path_raw: f.name.pathRaw ?? null,
      size: f.result.size,
      modified_at: f.times.modified ?? f.result.times.modified ?? null,
      accessed_at: f.times.accessed ?? f.result.times.accessed ?? null,
      changed_at: f.times.changed ?? f.result.times.changed ?? null,
      born_at: f.times.born ?? f.result.times.born ?? null,
      recorded_at: now,
    }));
    for (const part of chunks(occurrences)) await trx.insertInto('media_occurrences').values(part).onConflict((oc) => oc.column('id').doNothing()).execute();

    const ledger = entries.map((e) => {
      const p = ledgerProblem(e, e.kind === 'file' ? known.get(e.result.sha256) : undefined);
      return {
        ingest_id: ingest.id,
        item_key: e.name.key,
        path: e.name.path,
        outcome: e.kind === 'file' ? outcome.get(e)! : e.kind,
        media_id: e.kind === 'file' ? known.get(e.result.sha256)!.id : null,
        size: e.kind === 'file' ? e.result.size : e.kind === 'error' ? (e.size ?? null) : null,
        problem: p?.code ?? null,
        problem_detail: p?.detail ?? null,
        recorded_at: now,
      };
    });
    for (const part of chunks(ledger)) await trx.insertInto('ingest_items').values(part).onConflict((oc) => oc.columns(['ingest_id', 'item_key']).doNothing()).execute();

    const pictures = inserted.filter((r) => r.pdq && (r.quality ?? 0) >= PDQ_MIN_QUALITY).map((r) => ({ id: r.id, seq: r.seq, pdq: r.pdq!, quality: r.quality! }));
    await recordNearDuplicates(trx, ctx.mediaIndex, pictures);
    const insertedRows = fresh.filter((r) => insertedShas.has(r.sha256));
    await matchMediaAgainstSets(
      trx,
      ctx.knownIndex,
      insertedRows.map((r) => ({ id: known.get(r.sha256)!.id, md5: r.md5, sha1: r.sha1, sha256: r.sha256, pdq: r.pdq, pdq_quality: r.pdq_quality })),
    );
    // Media new to this case (new to the node, or known from elsewhere) take the category of an exact match.
    await precategorise(trx, mediaIds, ingest.caseId);

    const errors = entries.filter((e) => e.kind === 'error').length;
    await ctx.audit.record(trx, {
      actor: ctx.actor,
      operation: 'collection',
      action: 'media.ingest',
      object: { type: 'ingest', id: ingest.id },
      caseId: ingest.caseId,
      details: { source: ingest.source, files: files.length, newMedia: inserted.length, refused: errors, media: inserted.map((r) => r.id) },
    });

    const staged: string[] = [];
    for (const f of files) {
      if (f.result.staged) staged.push(f.result.staged);
      if (f.result.thumbStaged) staged.push(f.result.thumbStaged);
    }
    return { staged, newMedia: inserted.length };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------------------------

export async function ingestSummary(db: Kysely<Database>, ingestId: string): Promise<IngestSummary> {
  const row = await db.selectFrom('ingests').selectAll().where('id', '=', ingestId).executeTakeFirst();
  if (!row) throw new NotFoundError('The ingest');
  const groups = await db
    .selectFrom('ingest_items')
    .select(['outcome', 'problem', sql<number>`count(*)`.as('n'), sql<number | null>`sum(size)`.as('bytes')])
    .where('ingest_id', '=', ingestId)
    .groupBy(['outcome', 'problem'])
    .execute();
  const by = (o: string) => groups.filter((g) => g.outcome === o).reduce((s, g) => s + Number(g.n), 0);
  const errors: Record<string, number> = {};
  for (const g of groups) if (g.problem) errors[g.problem] = (errors[g.problem] ?? 0) + Number(g.n);
  const bytes = groups.filter((g) => g.outcome === 'new' || g.outcome === 'duplicate').reduce((s, g) => s + Number(g.bytes ?? 0), 0);

  const knownRow = await db
    .selectFrom('ingest_items as i')
    .where('i.ingest_id', '=', ingestId)
    .where('i.media_id', 'is not', null)
    .where((eb) => eb.exists(eb.selectFrom('media_hash_matches as h').select('h.media_id').whereRef('h.media_id', '=', 'i.media_id')))
    .select([sql<number>`count(*)`.as('files'), sql<number>`count(distinct i.media_id)`.as('media')])
    .executeTakeFirst();
  const inNode = await db
    .selectFrom('ingest_items as i')
    .innerJoin('media as m', 'm.id', 'i.media_id')
    .where('i.ingest_id', '=', ingestId)
    .where((eb) => eb.or([eb('m.first_ingest_id', 'is', null), eb('m.first_ingest_id', '!=', ingestId)]))
    .select(sql<number>`count(distinct i.media_id)`.as('n'))
    .executeTakeFirst();
  const near = await db
    .selectFrom('media as m')
    .where('m.first_ingest_id', '=', ingestId)
    .where((eb) => eb.exists(eb.selectFrom('media_near_duplicates as d').select('d.media_id').whereRef('d.media_id', '=', 'm.id')))
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirst();
  return {
    ingestId,
    caseId: row.case_id,
    source: row.source,
    status: row.status as IngestStatus,
    filesSeen: by('new') + by('duplicate') + by('error'),
    newMedia: by('new'),
    duplicates: by('duplicate'),
    alreadyInNode: Number(inNode?.n ?? 0),
    known: Number(knownRow?.files ?? 0),
    knownMedia: Number(knownRow?.media ?? 0),
    nearDuplicates: Number(near?.n ?? 0),
    archives: by('archive'),
    bytes,
    refused: by('error'),
    errors,
    runs: row.runs,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}
