/**
 * Captured posts → records. Each post becomes a record of kind `post` under the online identity of its author (one
 * identity record per handle and case, created on first sight), and its selectors are extracted and linked as
 * suggestions. Work goes in batches, one transaction each with its audit event, and each batch also moves the
 * import's committed line forward: a run that stops half way (crash, shutdown) resumes after the last committed line
 * instead of importing the first half twice.
 */
import type { Kysely, Transaction } from 'kysely';
import type { CountryCode } from 'libphonenumber-js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Actor } from '../../identity/actor.js';
import { newId, nowIso } from '../../store/ids.js';
import type { Database, RecordsTable } from '../../store/schema.js';
import { ensureSelectors, insertSources, selectorKey, type SelectorValue, type SourceRow } from '../correlation/selector-store.js';
import { DEFAULT_GRADING, actorLabel, platformOfHandle } from '../records/record-service.js';
import { extractSelectors } from '../selectors/extract.js';
import { normaliseHandle } from '../selectors/handle.js';
import type { DataSubjectCategory, Grading, HandlingCode } from '../vocabulary.js';
import type { CapturedPost, ParsedLine } from './post-parser.js';

export interface ImportProgress {
  /** Lines (CSV records) read so far, good or bad. */
  lines: number;
  imported: number;
  malformed: number;
  /** Online identities created by this import. */
  identities: number;
  /** Selector occurrences linked. */
  selectors: number;
  /** The last line whose batch is committed: a resumed run starts after it. */
  committedLine: number;
}

export interface ImportError {
  line: number;
  message: string;
}

export interface ImportResult extends ImportProgress {
  errors: ImportError[];
  /** More malformed lines than `errors` holds. */
  errorsTruncated: boolean;
}

export interface ImportPostsOptions {
  caseId: string;
  importId: string;
  /** The originator agency of the records. */
  agencyId: string;
  actor: Actor;
  region: CountryCode | undefined;
  /** Platform of authors written as bare names; without it, the host of the post's URL. */
  platform?: string | undefined;
  handlingCode: HandlingCode;
  dataSubject: DataSubjectCategory;
  grading?: Grading | undefined;
  fileName: string;
  batchSize?: number;
  /** Resume: what an earlier run committed (its progress and the malformed lines it reported). */
  resume?: { progress: ImportProgress; errors: ImportError[] } | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: (progress: ImportProgress) => void | Promise<void>;
  requestId?: string | undefined;
  ip?: string | undefined;
}

export const MAX_REPORTED_ERRORS = 1000;
const CHUNK = 250;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function hostOf(url: string | null): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}

/** The author's handle: "name@platform", "platform:name" and profile links carry their platform; bare names take the given one. */
export function authorHandle(post: Pick<CapturedPost, 'author' | 'url'>, platform: string | undefined): { handle: string } | { error: string } {
  const hint = platform ?? hostOf(post.url);
  const n = normaliseHandle(post.author, hint);
  if (n.valid) return { handle: n.normalised };
  if (n.reason === 'no platform') return { error: `author "${post.author.slice(0, 60)}" has no platform: give the platform of the import, or write authors as name@platform` };
  return { error: `author "${post.author.slice(0, 60)}": ${n.reason ?? 'not a valid handle'}` };
}

export async function importPosts(db: Kysely<Database>, audit: AuditLog, lines: AsyncIterable<ParsedLine>, options: ImportPostsOptions): Promise<ImportResult> {
  const batchSize = options.batchSize ?? 1000;
  const afterLine = options.resume?.progress.committedLine ?? 0;
  const who = actorLabel(options.actor);
  const grading = JSON.stringify(options.grading ?? DEFAULT_GRADING);
  const source = `import:${options.importId}`;
  const progress: ImportProgress = options.resume ? { ...options.resume.progress } : { lines: 0, imported: 0, malformed: 0, identities: 0, selectors: 0, committedLine: 0 };
  const errors: ImportError[] = options.resume ? [...options.resume.errors] : [];
  const fail = (line: number, message: string) => {
    progress.malformed++;
    if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line, message });
  };

  // Identities already in the case, and selector ids resolved so far (filled only after a batch commits).
  const identities = new Map<string, string>();
  for (const row of await db.selectFrom('records').select(['id', 'subject']).where('case_id', '=', options.caseId).where('kind', '=', 'online-identity').where('deleted_at', 'is', null).execute()) {
    if (row.subject) identities.set(row.subject, row.id);
  }
  const selectorIds = new Map<string, string>();

  const baseRow = (now: string): Omit<RecordsTable, 'id' | 'kind' | 'text' | 'subject' | 'identity_id' | 'occurred_at' | 'thread' | 'url'> => ({
    case_id: options.caseId,
    originator_agency_id: options.agencyId,
    author_id: options.actor.kind === 'user' ? options.actor.userId : null,
    author_name: who,
    grading,
    handling_code: options.handlingCode,
    handling_restrictions: '[]',
    data_subject: options.dataSubject,
    fact_or_assessment: 'fact',
    review_date: null,
    source,
    version: 1,
    created_at: now,
    updated_at: now,
    updated_by: who,
    deleted_at: null,
    deleted_by: null,
    deletion_reason: null,
  });

  let batch: { line: number; post: CapturedPost }[] = [];
  let lastLine = afterLine;

  async function flush(): Promise<void> {
    const items = batch;
    batch = [];
    if (items.length === 0 && lastLine === progress.committedLine) return;
    const now = nowIso();
    const base = baseRow(now);
    const newIdentities = new Map<string, RecordsTable>();
    const posts: RecordsTable[] = [];
    const found: { recordId: string; values: (SelectorValue & { start: number; end: number })[] }[] = [];
    for (const { line, post } of items) {
      const author = authorHandle(post, options.platform);
      if ('error' in author) {
        fail(line, author.error);
        continue;
      }
      let identityId = identities.get(author.handle) ?? newIdentities.get(author.handle)?.id;
      if (!identityId) {
        identityId = newId();
        const identity: RecordsTable = {
          ...base,
          id: identityId,
          kind: 'online-identity',
          text: `Online identity ${author.handle}, first seen in the import of ${options.fileName}`,
          subject: author.handle,
          identity_id: null,
          occurred_at: null,
          thread: null,
          url: null,
        };
        newIdentities.set(author.handle, identity);
        found.push({ recordId: identityId, values: [{ type: 'handle', normalised: author.handle, raw: post.author, valid: true, start: -1, end: -1 }] });
      }
      const id = newId();
      posts.push({ ...base, id, kind: 'post', text: post.text, subject: null, identity_id: identityId, occurred_at: post.time, thread: post.thread, url: post.url });
      const platform = platformOfHandle(author.handle);
      const extracted = extractSelectors(post.text, { ...(options.region ? { defaultRegion: options.region } : {}), ...(platform ? { defaultPlatform: platform } : {}) });
      if (extracted.length > 0) {
        found.push({
          recordId: id,
          values: extracted.map((f) => ({ type: f.type, normalised: f.normalised, raw: f.raw, valid: f.valid, reason: f.reason, note: f.note, start: f.start, end: f.end })),
        });
      }
    }

    const committed = await db.transaction().execute(async (trx: Transaction<Database>) => {
      for (const part of chunks([...newIdentities.values()])) await trx.insertInto('records').values(part).execute();
      for (const part of chunks(posts)) await trx.insertInto('records').values(part).execute();
      const values = found.flatMap((f) => f.values);
      const ids = await ensureSelectors(trx, options.caseId, values, { origin: 'extracted', status: 'suggested', agencyId: options.agencyId, handlingCode: options.handlingCode }, selectorIds);
      const sources: SourceRow[] = found.flatMap((f) =>
        f.values.map((v) => ({ selectorId: ids.get(selectorKey(v.type, v.normalised))!, sourceType: 'record' as const, sourceId: f.recordId, start: v.start, end: v.end, raw: v.raw })),
      );
      await insertSources(trx, sources);
      const next = { ...progress, imported: progress.imported + posts.length, identities: progress.identities + newIdentities.size, selectors: progress.selectors + sources.length, committedLine: lastLine };
      await trx
        .updateTable('post_imports')
        .set({ progress: JSON.stringify(next), errors: JSON.stringify(errors) })
        .where('id', '=', options.importId)
        .execute();
      if (posts.length > 0 || newIdentities.size > 0) {
        await audit.record(trx, {
          actor: options.actor,
          operation: 'collection',
          action: 'record.import',
          object: { type: 'import', id: options.importId },
          caseId: options.caseId,
          details: { posts: posts.length, identities: newIdentities.size, selectors: sources.length, lines: [items[0]?.line ?? null, lastLine] },
          requestId: options.requestId ?? null,
          ip: options.ip ?? null,
        });
      }
      return { next, ids };
    });
    Object.assign(progress, committed.next);
    for (const [handle, row] of newIdentities) identities.set(handle, row.id);
    for (const [key, id] of committed.ids) selectorIds.set(key, id);
    await options.onProgress?.({ ...progress });
  }

  for await (const parsed of lines) {
    if (parsed.line <= afterLine) continue;
    options.signal?.throwIfAborted();
    progress.lines++;
    lastLine = parsed.line;
    if (parsed.error !== undefined) fail(parsed.line, parsed.error);
    else batch.push({ line: parsed.line, post: parsed.post });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return { ...progress, errors, errorsTruncated: progress.malformed > errors.length };
}
