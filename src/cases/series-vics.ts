/**
 * Series and victim-identified flags in VICS (issue 9). Export: each media item of a case carries its series' name
 * and whether its victim is identified (the series is, or a victim linked to it is), next to its category, in the
 * VICS export the media library already makes (interop/vics). Import: a VICS file from another node or tool, read by
 * the same parser as known hash sets, is applied to a case: its items are found among the case's media by digest,
 * uncategorised items take the file's category, and its series become series of the case (or extend the series of
 * that name), identified when the file says the victim is, each change in the series history.
 */
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { BadRequestError } from '../errors.js';
import type { RequestContext } from '../identity/context.js';
import type { HashSetEntryInput } from '../ingest/hash-set-entry.js';
import { parseVics, VicsFormatError } from '../interop/vics/vics-import.js';
import { nowIso } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import type { CaseAccessPolicy } from './case-access.js';
import type { Op, SeriesFields } from './series-history.js';
import type { VicsImportBody, VicsImportResult } from './series-schemas.js';
import { actorLabel, type SeriesService } from './series-service.js';

const MAX_VICS_BYTES = 256 * 2 ** 20;

/** Each media item of the case that is in a series: the series' name (unique in the file) and the victim flag. */
export async function vicsSeriesFlags(db: Kysely<Database>, caseId: string): Promise<Map<string, { series: string; victimIdentified: boolean }>> {
  const rows = await db
    .selectFrom('series_media as sm')
    .innerJoin('series as s', 's.id', 'sm.series_id')
    .select(['sm.media_id', 's.id', 's.code', 's.name', 's.status'])
    .where('sm.case_id', '=', caseId)
    .execute();
  const victims = await db
    .selectFrom('victim_series as vs')
    .innerJoin('victims as v', 'v.id', 'vs.victim_id')
    .select('vs.series_id')
    .distinct()
    .where('v.case_id', '=', caseId)
    .where('v.status', 'in', ['identified', 'safeguarded'])
    .execute();
  const withIdentifiedVictim = new Set(victims.map((v) => v.series_id));
  const names = new Map<string, Set<string>>();
  for (const r of rows) names.set(r.name.toLowerCase(), (names.get(r.name.toLowerCase()) ?? new Set()).add(r.id));
  const out = new Map<string, { series: string; victimIdentified: boolean }>();
  for (const r of rows) {
    const ambiguous = (names.get(r.name.toLowerCase())?.size ?? 0) > 1;
    out.set(r.media_id, { series: ambiguous ? `${r.name} (${r.code})` : r.name, victimIdentified: r.status === 'identified' || withIdentifiedVictim.has(r.id) });
  }
  return out;
}

export type SeriesVicsService = ReturnType<typeof createSeriesVicsService>;

export function createSeriesVicsService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy; series: SeriesService }) {
  const { db, audit, access, series } = deps;

  return {
    async importIntoCase(ctx: RequestContext, caseId: string, input: VicsImportBody): Promise<VicsImportResult> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      if (Buffer.byteLength(input.content) > MAX_VICS_BYTES) throw new BadRequestError('The file is too large to apply to a case; import it as a known hash set instead.', 'too-large');
      const fileName = (input.fileName ?? 'VICS file').replace(/[^\w .()-]+/g, '_').slice(0, 80);
      let parsed;
      try {
        parsed = parseVics(input.content);
      } catch (e) {
        if (e instanceof VicsFormatError) throw new BadRequestError(`The file is not a VICS JSON file: ${e.message}`, 'bad-vics');
        throw e;
      }
      const media = await db
        .selectFrom('case_media as cm')
        .innerJoin('media as m', 'm.id', 'cm.media_id')
        .leftJoin('series_media as sm', (j) => j.onRef('sm.case_id', '=', 'cm.case_id').onRef('sm.media_id', '=', 'cm.media_id'))
        .select(['m.id', 'm.md5', 'm.sha1', 'm.sha256', 'cm.category', 'cm.category_source', 'sm.series_id'])
        .where('cm.case_id', '=', caseId)
        .execute();
      const by = { sha256: new Map<string, (typeof media)[number]>(), sha1: new Map<string, (typeof media)[number]>(), md5: new Map<string, (typeof media)[number]>() };
      for (const m of media) {
        by.sha256.set(m.sha256.toLowerCase(), m);
        by.sha1.set(m.sha1.toLowerCase(), m);
        by.md5.set(m.md5.toLowerCase(), m);
      }
      const find = (e: HashSetEntryInput) => (e.sha256 && by.sha256.get(e.sha256)) || (e.sha1 && by.sha1.get(e.sha1)) || (e.md5 && by.md5.get(e.md5)) || undefined;
      const matched = new Map<string, { m: (typeof media)[number]; e: HashSetEntryInput }>();
      for (const e of parsed.entries) {
        const m = find(e);
        if (m && !matched.has(m.id)) matched.set(m.id, { m, e });
      }
      const result: VicsImportResult = { entries: parsed.entries.length, matched: matched.size, categorised: 0, categoryConflicts: 0, seriesCreated: 0, seriesExtended: 0, seriesIdentified: 0, warnings: parsed.warnings };

      // Categories: the file's grading for what nobody here graded yet; an examiner's own grading stays.
      const now = nowIso();
      const categorise = [...matched.values()].filter(({ m, e }) => e.category !== 'uncategorised' && m.category !== e.category);
      await db.transaction().execute(async (trx) => {
        for (const { m, e } of categorise) {
          if (m.category_source !== 'none' && m.category !== 'uncategorised') {
            result.categoryConflicts++;
            continue;
          }
          await trx
            .updateTable('case_media')
            .set({ category: e.category, category_scheme: e.scheme, category_code: e.code, category_source: `vics:${fileName}`, categorised_by: actorLabel(ctx), categorised_at: now })
            .where('case_id', '=', caseId)
            .where('media_id', '=', m.id)
            .execute();
          result.categorised++;
        }
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'collection',
          action: 'series.vics.import',
          object: { type: 'case', id: caseId },
          caseId,
          details: { file: fileName, entries: parsed.entries.length, matched: matched.size, categorised: result.categorised, conflicts: result.categoryConflicts },
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
        });
      });

      // Series: one per name in the file (a series of that name in the case is extended).
      const groups = new Map<string, { name: string; ids: string[]; identified: boolean }>();
      for (const { m, e } of matched.values()) {
        if (!e.series) continue;
        const k = e.series.trim().toLowerCase();
        const g = groups.get(k) ?? { name: e.series.trim(), ids: [], identified: false };
        g.ids.push(m.id);
        if (e.victimIdentified) g.identified = true;
        groups.set(k, g);
      }
      const reason = `imported from ${fileName}`;
      for (const g of groups.values()) {
        const existing = await db.selectFrom('series').selectAll().where('case_id', '=', caseId).where('state', '=', 'active').where(db.fn('lower', ['name']), '=', g.name.toLowerCase()).orderBy('created_at').executeTakeFirst();
        const identifyOps = (seriesId: string, before: SeriesFields): Op[] =>
          g.identified && before.status !== 'identified'
            ? [{ op: 'series', seriesId, before, after: { status: 'identified', identified_by: null, identified_on: null, identified_country: null, identification_source: 'import' } }]
            : [];
        const unidentified: SeriesFields = { status: 'unidentified', identified_by: null, identified_on: null, identified_country: null, identification_source: null };
        if (existing) {
          const before: SeriesFields = { status: existing.status, identified_by: existing.identified_by, identified_on: existing.identified_on, identified_country: existing.identified_country, identification_source: existing.identification_source };
          const moves = async (trx: Kysely<Database>) => series.moveOps(await series.requireMedia(caseId, g.ids, trx), existing.id);
          const probe = await moves(db);
          const ident = identifyOps(existing.id, before);
          if (probe.length === 0 && ident.length === 0) continue;
          await series.change(ctx, caseId, existing.id, 'series.add', reason, async (trx) => ({ ops: [...(await moves(trx)), ...ident], summary: `applied ${fileName} to ${existing.code}` }));
          result.seriesExtended++;
          if (ident.length) result.seriesIdentified++;
        } else {
          await series.change(ctx, caseId, '', 'series.create', reason, async (trx) => {
            const current = await series.requireMedia(caseId, g.ids, trx);
            const row = await series.insertSeries(trx, ctx, caseId, g.name.slice(0, 120), `From ${fileName}.`);
            return {
              subjectId: row.id,
              ops: [{ op: 'series', seriesId: row.id, before: { state: 'dissolved' }, after: { state: 'active' } }, ...series.moveOps(current, row.id), ...identifyOps(row.id, unidentified)],
              summary: `created ${row.code} "${row.name}" from ${fileName} with ${current.size} items`,
            };
          });
          result.seriesCreated++;
          if (g.identified) result.seriesIdentified++;
        }
      }
      return result;
    },
  };
}
