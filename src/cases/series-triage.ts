/**
 * Keyboard triage of a case's media: the queue (filtered by status, category, series, tag), with each item's series,
 * tags and clue count, and analyst tags set on a selection at once. Categorising goes through the media service and
 * series changes through the series service, so every action lands in the same audit trail and history.
 */
import { sql, type Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { RequestContext } from '../identity/context.js';
import { nowIso } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import type { CaseAccessPolicy } from './case-access.js';
import type { TagBody, TriageItem, TriageQuery } from './series-schemas.js';
import { actorLabel, elsewhereOf, type SeriesService } from './series-service.js';

export type SeriesTriageService = ReturnType<typeof createSeriesTriageService>;

export function createSeriesTriageService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy; series: SeriesService }) {
  const { db, audit, access } = deps;

  function filtered(caseId: string, q: TriageQuery) {
    let s = db
      .selectFrom('case_media as cm')
      .innerJoin('media as m', 'm.id', 'cm.media_id')
      .leftJoin('series_media as sm', (j) => j.onRef('sm.case_id', '=', 'cm.case_id').onRef('sm.media_id', '=', 'cm.media_id'))
      .leftJoin('series as s', 's.id', 'sm.series_id')
      .where('cm.case_id', '=', caseId);
    if (q.status === 'known') s = s.where((eb) => eb.exists(eb.selectFrom('media_hash_matches as h').select('h.media_id').whereRef('h.media_id', '=', 'm.id')));
    if (q.status === 'new') s = s.where((eb) => eb.not(eb.exists(eb.selectFrom('media_hash_matches as h').select('h.media_id').whereRef('h.media_id', '=', 'm.id'))));
    if (q.category) s = s.where('cm.category', '=', q.category);
    if (q.kind) s = s.where('m.kind', '=', q.kind);
    if (q.series === 'none') s = s.where('sm.series_id', 'is', null);
    else if (q.series === 'any') s = s.where('sm.series_id', 'is not', null);
    else if (q.series) s = s.where('sm.series_id', '=', q.series);
    if (q.tag) {
      const tag = q.tag.trim();
      s = s.where((eb) => eb.exists(eb.selectFrom('media_tags as t').select('t.media_id').whereRef('t.media_id', '=', 'cm.media_id').whereRef('t.case_id', '=', 'cm.case_id').where('t.tag', '=', tag)));
    }
    return s;
  }

  return {
    async list(ctx: RequestContext, caseId: string, q: TriageQuery): Promise<{ items: TriageItem[]; total: number }> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const limit = q.limit ?? 100;
      const offset = q.offset ?? 0;
      const rows = await filtered(caseId, q)
        .select([
          'm.id',
          'm.kind',
          'm.type',
          'm.width',
          'm.height',
          'm.has_thumbnail',
          'm.near_group',
          'm.camera_serial',
          'cm.category',
          'cm.category_source',
          's.id as series_id',
          's.code as series_code',
          's.name as series_name',
          sql<number>`(select count(*) from media_hash_matches h where h.media_id = m.id)`.as('known'),
          sql<string | null>`(select min(o.path) from media_occurrences o where o.media_id = m.id and o.case_id = cm.case_id)`.as('first_path'),
          sql<number>`(select count(*) from clues c where c.media_id = m.id and c.case_id = cm.case_id and c.deleted_at is null)`.as('clues'),
        ])
        // Triage walks a device in the order it was taken in; near-duplicates sit next to each other.
        .orderBy('cm.added_at')
        .orderBy('m.seq')
        .limit(limit)
        .offset(offset)
        .execute();
      const total = await filtered(caseId, q).select(sql<number>`count(*)`.as('n')).executeTakeFirst();
      const ids = rows.map((r) => r.id);
      const tags = ids.length ? await db.selectFrom('media_tags').select(['media_id', 'tag']).where('case_id', '=', caseId).where('media_id', 'in', ids).orderBy('tag').execute() : [];
      const tagsOf = new Map<string, string[]>();
      for (const t of tags) tagsOf.set(t.media_id, [...(tagsOf.get(t.media_id) ?? []), t.tag]);
      const elsewhere = await elsewhereOf(db, ctx.actor.agencyId, caseId);
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'consultation',
        action: 'media.triage.list',
        object: { type: 'media' },
        caseId,
        justification: ctx.justification ?? null,
        details: { shown: rows.length, offset, filters: Object.fromEntries(Object.entries(q).filter(([k, v]) => v !== undefined && k !== 'offset' && k !== 'limit')) },
        requestId: ctx.requestId ?? null,
        ip: ctx.ip ?? null,
      });
      return {
        total: Number(total?.n ?? 0),
        items: rows.map((r) => ({
          id: r.id,
          kind: r.kind as TriageItem['kind'],
          type: r.type,
          category: r.category as TriageItem['category'],
          categorySource: r.category_source,
          known: Number(r.known) > 0,
          hasThumbnail: r.has_thumbnail === 1,
          width: r.width,
          height: r.height,
          nearGroup: r.near_group,
          cameraSerial: r.camera_serial,
          firstPath: r.first_path,
          series: r.series_id ? { id: r.series_id, code: r.series_code!, name: r.series_name! } : null,
          tags: tagsOf.get(r.id) ?? [],
          clues: Number(r.clues),
          identifiedElsewhere: elsewhere.media.has(r.id),
        })),
      };
    },

    /** Sets (or removes) analyst tags on media: tags are one of the grounds series are proposed on. */
    async tag(ctx: RequestContext, caseId: string, body: TagBody): Promise<{ updated: number }> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const ids = [...new Set(body.mediaIds)];
      await deps.series.requireMedia(caseId, ids);
      const tags = [...new Set(body.tags.map((t) => t.trim().replace(/\s+/g, ' ')))];
      const now = nowIso();
      return db.transaction().execute(async (trx) => {
        let updated = 0;
        for (let i = 0; i < ids.length; i += 200) {
          const part = ids.slice(i, i + 200);
          if (body.remove) {
            const res = await trx.deleteFrom('media_tags').where('case_id', '=', caseId).where('media_id', 'in', part).where('tag', 'in', tags).executeTakeFirst();
            updated += Number(res.numDeletedRows);
          } else {
            const rows = part.flatMap((mediaId) => tags.map((tag) => ({ case_id: caseId, media_id: mediaId, tag, tagged_by: actorLabel(ctx), tagged_at: now })));
            const res = await trx.insertInto('media_tags').values(rows).onConflict((oc) => oc.columns(['case_id', 'media_id', 'tag']).doNothing()).executeTakeFirst();
            updated += Number(res.numInsertedOrUpdatedRows ?? 0);
          }
        }
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'alteration',
          action: body.remove ? 'media.untag' : 'media.tag',
          object: { type: 'media', id: ids.length === 1 ? ids[0]! : null },
          caseId,
          details: { tags, media: ids },
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
        });
        return { updated };
      });
    },
  };
}
