/**
 * Known hash sets (Project VIC VICS JSON, CSV digest lists): imported node-wide, matched against every media item of
 * the node at once (retroactively) and against each new item at ingest. Deleting a set removes its matches and the
 * categories it had precategorised.
 */
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { CaseAccessPolicy } from '../cases/case-access.js';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import type { RequestContext } from '../identity/context.js';
import { formatHashSetCsv, HashSetCsvError, parseHashSetCsv } from '../interop/hashset-csv.js';
import { vicsSeriesFlags } from '../cases/series-vics.js';
import { exportVics, type VicsExportMedia } from '../interop/vics/vics-export.js';
import { parseVics, VicsFormatError } from '../interop/vics/vics-import.js';
import type { MediaCategory } from '../intel/vocabulary.js';
import { newId, nowIso } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import { matchSetAgainstMedia, precategorise } from './hash-matching.js';
import type { ParsedHashSet } from './hash-set-entry.js';
import type { HashSet, HashSetFormat, HashSetImportResult } from './ingest-schemas.js';
import type { KnownHashIndex, MediaIndex } from './media-index.js';

export type HashSetService = ReturnType<typeof createHashSetService>;

const MAX_IMPORT_BYTES = 512 * 2 ** 20;

function mayManage(ctx: RequestContext): boolean {
  return ctx.actor.kind === 'system' || ctx.actor.roles.includes('victim-id') || ctx.actor.roles.includes('admin');
}

export function createHashSetService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy; mediaIndex: MediaIndex; knownIndex: KnownHashIndex }) {
  const { db, audit } = deps;

  async function list(): Promise<HashSet[]> {
    const sets = await db.selectFrom('hash_sets').selectAll().orderBy('name').execute();
    const counts = await db.selectFrom('media_hash_matches').select(['set_id', sql<number>`count(distinct media_id)`.as('n')]).groupBy('set_id').execute();
    const matched = new Map(counts.map((c) => [c.set_id, Number(c.n)]));
    return sets.map((s) => ({
      id: s.id,
      name: s.name,
      format: s.format as HashSetFormat,
      sourceFile: s.source_file,
      entries: s.entry_count,
      matchedMedia: matched.get(s.id) ?? 0,
      importedBy: s.imported_by,
      importedAt: s.imported_at,
    }));
  }

  async function find(idOrName: string) {
    const row = await db.selectFrom('hash_sets').selectAll().where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)])).executeTakeFirst();
    if (!row) throw new NotFoundError(`The hash set "${idOrName}"`);
    return row;
  }

  return {
    list: async (ctx: RequestContext) => {
      void ctx;
      return list();
    },

    /** Imports a set and matches it against all media of the node. */
    async import(ctx: RequestContext, input: { name: string; format: HashSetFormat; content: Buffer; fileName?: string }): Promise<HashSetImportResult> {
      if (!mayManage(ctx)) throw new ForbiddenError('Importing hash sets needs the victim-id or admin role.');
      const name = input.name.trim();
      if (!name || name.length > 120) throw new BadRequestError('A hash set needs a name of 1 to 120 characters.', 'bad-name');
      if (input.content.length > MAX_IMPORT_BYTES) throw new BadRequestError(`The file is larger than ${MAX_IMPORT_BYTES} bytes; split it into several sets.`, 'too-large');
      let parsed: ParsedHashSet;
      try {
        parsed = input.format === 'vics' ? parseVics(input.content) : parseHashSetCsv(input.content);
      } catch (e) {
        if (e instanceof VicsFormatError || e instanceof HashSetCsvError) throw new BadRequestError(`The file is not a ${input.format === 'vics' ? 'VICS JSON' : 'hash-set CSV'} file: ${e.message}`, 'bad-hash-set');
        throw e;
      }
      if (parsed.entries.length === 0) throw new BadRequestError(`The file holds no entry with a usable digest (${parsed.skipped} skipped).`, 'empty-hash-set');
      if (await db.selectFrom('hash_sets').select('id').where('name', '=', name).executeTakeFirst()) {
        throw new ConflictError(`A hash set named "${name}" exists already: delete it first, or choose another name.`, 'hash-set-exists');
      }
      const id = newId();
      const now = nowIso();
      const importedBy = ctx.actor.kind === 'user' ? ctx.actor.username : `system:${ctx.actor.name}`;
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('hash_sets')
          .values({ id, name, format: input.format, source_file: input.fileName ? path.basename(input.fileName).slice(0, 200) : null, entry_count: parsed.entries.length, imported_by: importedBy, imported_at: now })
          .execute();
        for (let i = 0; i < parsed.entries.length; i += 500) {
          await trx
            .insertInto('hash_set_entries')
            .values(
              parsed.entries.slice(i, i + 500).map((e) => ({
                set_id: id,
                md5: e.md5 ?? null,
                sha1: e.sha1 ?? null,
                sha256: e.sha256 ?? null,
                pdq: e.pdq ?? null,
                category: e.category,
                category_scheme: e.scheme,
                category_code: e.code,
                series: e.series ?? null,
                victim_identified: e.victimIdentified === undefined ? null : e.victimIdentified ? 1 : 0,
                extra: e.extra ? JSON.stringify(e.extra) : null,
              })),
            )
            .execute();
        }
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'collection',
          action: 'hashset.import',
          object: { type: 'hash-set', id },
          details: { name, format: input.format, entries: parsed.entries.length, skipped: parsed.skipped },
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
        });
      });
      await Promise.all([deps.knownIndex.refresh(), deps.mediaIndex.refresh()]);
      const matches = await db.transaction().execute(async (trx) => {
        const m = await matchSetAgainstMedia(trx, deps.mediaIndex, id);
        await precategorise(trx, m.mediaIds);
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'combination',
          action: 'hashset.match',
          object: { type: 'hash-set', id },
          details: { name, exact: m.exact, near: m.near, media: m.media },
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
        });
        return { exact: m.exact, near: m.near, media: m.media };
      });
      const set = (await list()).find((s) => s.id === id)!;
      return { set, skipped: parsed.skipped, warnings: parsed.warnings, matches };
    },

    /** Deletes a set with its matches; categories it had set are cleared (or taken from another set's match). */
    async remove(ctx: RequestContext, idOrName: string): Promise<void> {
      if (!mayManage(ctx)) throw new ForbiddenError('Deleting hash sets needs the victim-id or admin role.');
      const set = await find(idOrName);
      await db.transaction().execute(async (trx) => {
        const matched = (await trx.selectFrom('media_hash_matches').select('media_id').distinct().where('set_id', '=', set.id).execute()).map((r) => r.media_id);
        await trx.deleteFrom('media_hash_matches').where('set_id', '=', set.id).execute();
        await trx.deleteFrom('hash_set_entries').where('set_id', '=', set.id).execute();
        await trx.deleteFrom('hash_sets').where('id', '=', set.id).execute();
        await trx
          .updateTable('case_media')
          .set({ category: 'uncategorised', category_scheme: 'tessera', category_code: 'uncategorised', category_source: 'none', categorised_at: null, categorised_by: null })
          .where('category_source', '=', `hashset:${set.name}`)
          .execute();
        await precategorise(trx, matched);
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'erasure',
          action: 'hashset.delete',
          object: { type: 'hash-set', id: set.id },
          details: { name: set.name, entries: set.entry_count },
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
        });
      });
      await deps.knownIndex.refresh();
    },

    /** A case's media as a VICS JSON or CSV hash set (a disclosure: it is made to leave the node). */
    async exportCase(ctx: RequestContext, caseId: string, format: HashSetFormat): Promise<{ contentType: string; fileName: string; body: string }> {
      await deps.access.require(ctx.actor, 'case.read', [caseId]);
      const kase = await db.selectFrom('cases').select(['id', 'reference']).where('id', '=', caseId).executeTakeFirstOrThrow();
      const rows = await db
        .selectFrom('case_media as cm')
        .innerJoin('media as m', 'm.id', 'cm.media_id')
        .select(['m.id', 'm.md5', 'm.sha1', 'm.sha256', 'm.pdq', 'm.size', 'm.mime', 'm.camera_make', 'm.camera_model', 'm.camera_serial', 'm.capture_time', 'cm.category', 'cm.category_scheme', 'cm.category_code', 'cm.category_source'])
        .where('cm.case_id', '=', caseId)
        .orderBy('m.sha256')
        .execute();
      const occ = await db.selectFrom('media_occurrences').select(['media_id', 'path', 'modified_at', 'accessed_at', 'born_at']).where('case_id', '=', caseId).orderBy('path').execute();
      const files = new Map<string, VicsExportMedia['files']>();
      for (const o of occ) files.set(o.media_id, [...(files.get(o.media_id) ?? []), { path: o.path, modified: o.modified_at, accessed: o.accessed_at, created: o.born_at }]);
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'disclosure',
        action: 'media.export',
        object: { type: 'case', id: caseId },
        caseId,
        justification: ctx.justification ?? null,
        details: { format, media: rows.length },
        requestId: ctx.requestId ?? null,
        ip: ctx.ip ?? null,
      });
      const safeRef = kase.reference.replace(/[^A-Za-z0-9._-]+/g, '_');
      if (format === 'csv') {
        return {
          contentType: 'text/csv; charset=utf-8',
          fileName: `${safeRef}-media.csv`,
          body: formatHashSetCsv(rows.map((r) => ({ md5: r.md5, sha1: r.sha1, sha256: r.sha256, pdq: r.pdq, category: r.category }))),
        };
      }
      const series = await vicsSeriesFlags(db, caseId);
      const doc = exportVics({
        caseId: kase.id,
        caseNumber: kase.reference,
        media: rows.map((r) => ({
          md5: r.md5,
          sha1: r.sha1,
          sha256: r.sha256,
          pdq: r.pdq,
          size: Number(r.size),
          mime: r.mime,
          category: r.category as MediaCategory,
          categoryScheme: r.category_scheme,
          categoryCode: r.category_code,
          ...(r.category_source.startsWith('hashset:') ? { precategorisedFrom: r.category_source.slice('hashset:'.length) } : {}),
          exif: { Make: r.camera_make ?? undefined, Model: r.camera_model ?? undefined, BodySerialNumber: r.camera_serial ?? undefined, DateTimeOriginal: r.capture_time ?? undefined },
          files: files.get(r.id) ?? [],
          ...(series.get(r.id) ?? {}),
        })),
      });
      return { contentType: 'application/json; charset=utf-8', fileName: `${safeRef}-vics.json`, body: `${JSON.stringify(doc, null, 2)}\n` };
    },
  };
}
