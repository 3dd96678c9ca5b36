/**
 * The media library of a case: list with filters and facets, one item with everything known about it, its bytes
 * (decrypted on the way out, never a public URL), and categorisation. Reads are consultation events in the audit
 * trail; categorising is an alteration.
 */
import type { Readable } from 'node:stream';
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { CaseAccessPolicy } from '../cases/case-access.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { RequestContext } from '../identity/context.js';
import { tesseraCategory } from '../intel/media-category.js';
import type { MediaCategory, MediaCategoryScheme } from '../intel/vocabulary.js';
import type { BlobStore } from '../store/blob-store.js';
import { nowIso } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import type { HashMatch, MediaDetail, MediaFacets, MediaQuery, MediaSummary } from './ingest-schemas.js';

export type MediaService = ReturnType<typeof createMediaService>;

type Row = {
  id: string;
  kind: string;
  type: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  duration: number | null;
  category: string;
  category_source: string;
  near_group: string | null;
  camera_make: string | null;
  camera_model: string | null;
  capture_time: string | null;
  gps_lat: number | null;
  has_thumbnail: number;
  added_at: string;
  problem: string | null;
  known: number;
  occurrences: number;
  first_path: string | null;
};

function summary(r: Row): MediaSummary {
  return {
    id: r.id,
    kind: r.kind as MediaSummary['kind'],
    type: r.type,
    mime: r.mime,
    size: Number(r.size),
    width: r.width,
    height: r.height,
    duration: r.duration,
    category: r.category as MediaCategory,
    categorySource: r.category_source,
    known: Number(r.known) > 0,
    nearGroup: r.near_group,
    cameraMake: r.camera_make,
    cameraModel: r.camera_model,
    captureTime: r.capture_time,
    hasGps: r.gps_lat !== null,
    hasThumbnail: r.has_thumbnail === 1,
    firstPath: r.first_path,
    occurrences: Number(r.occurrences),
    addedAt: r.added_at,
    problem: r.problem,
  };
}

/** "2021-03-04" as an upper bound means the whole day. */
function upperBound(v: string): string {
  return v.length <= 10 ? `${v}T99` : v;
}

export function createMediaService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy; blobs: BlobStore }) {
  const { db, audit, access, blobs } = deps;

  function base(caseId: string) {
    return db
      .selectFrom('case_media as cm')
      .innerJoin('media as m', 'm.id', 'cm.media_id')
      .where('cm.case_id', '=', caseId);
  }

  function filtered(caseId: string, q: MediaQuery) {
    let s = base(caseId);
    if (q.status === 'known') s = s.where((eb) => eb.exists(eb.selectFrom('media_hash_matches as h').select('h.media_id').whereRef('h.media_id', '=', 'm.id')));
    if (q.status === 'new') s = s.where((eb) => eb.not(eb.exists(eb.selectFrom('media_hash_matches as h').select('h.media_id').whereRef('h.media_id', '=', 'm.id'))));
    if (q.category) s = s.where('cm.category', '=', q.category);
    if (q.nearGroup) s = s.where('m.near_group', '=', q.nearGroup);
    if (q.hasNearDuplicates !== undefined) s = s.where('m.near_group', q.hasNearDuplicates ? 'is not' : 'is', null);
    if (q.make) s = s.where('m.camera_make', '=', q.make);
    if (q.model) s = s.where('m.camera_model', '=', q.model);
    if (q.serial) s = s.where('m.camera_serial', '=', q.serial);
    if (q.hasGps !== undefined) s = s.where('m.gps_lat', q.hasGps ? 'is not' : 'is', null);
    if (q.capturedFrom) s = s.where('m.capture_time', '>=', q.capturedFrom);
    if (q.capturedTo) s = s.where('m.capture_time', '<=', upperBound(q.capturedTo));
    if (q.kind) s = s.where('m.kind', '=', q.kind);
    if (q.type) s = s.where('m.type', '=', q.type);
    if (q.source) {
      const source = q.source;
      s = s.where((eb) => eb.exists(eb.selectFrom('media_occurrences as o').select('o.id').whereRef('o.media_id', '=', 'm.id').whereRef('o.case_id', '=', 'cm.case_id').where('o.source', '=', source)));
    }
    if (q.ingestId) {
      const ingestId = q.ingestId;
      s = s.where((eb) => eb.exists(eb.selectFrom('ingest_items as i').select('i.media_id').whereRef('i.media_id', '=', 'm.id').where('i.ingest_id', '=', ingestId)));
    }
    return s;
  }

  function withSummaryColumns<T extends SelectQueryBuilder<any, any, any>>(s: T) {
    return s.select([
      'm.id',
      'm.kind',
      'm.type',
      'm.mime',
      'm.size',
      'm.width',
      'm.height',
      'm.duration',
      'cm.category',
      'cm.category_source',
      'm.near_group',
      'm.camera_make',
      'm.camera_model',
      'm.capture_time',
      'm.gps_lat',
      'm.has_thumbnail',
      'cm.added_at',
      'm.problem',
      sql<number>`(select count(*) from media_hash_matches h where h.media_id = m.id)`.as('known'),
      sql<number>`(select count(*) from media_occurrences o where o.media_id = m.id and o.case_id = cm.case_id)`.as('occurrences'),
      sql<string | null>`(select min(o.path) from media_occurrences o where o.media_id = m.id and o.case_id = cm.case_id)`.as('first_path'),
    ]);
  }

  async function requireInCase(caseId: string, mediaId: string) {
    const row = await base(caseId).selectAll('m').select(['cm.category', 'cm.category_scheme', 'cm.category_code', 'cm.category_source', 'cm.categorised_at', 'cm.added_at']).where('m.id', '=', mediaId).executeTakeFirst();
    if (!row) throw new NotFoundError('The media item');
    return row;
  }

  async function consulted(ctx: RequestContext, caseId: string, action: string, objectId: string | null, details: Record<string, unknown> | null) {
    await audit.record(db, {
      actor: ctx.actor,
      operation: 'consultation',
      action,
      object: { type: 'media', id: objectId },
      caseId,
      justification: ctx.justification ?? null,
      details,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
    });
  }

  return {
    async list(ctx: RequestContext, caseId: string, q: MediaQuery): Promise<{ items: MediaSummary[]; total: number }> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const limit = Math.min(q.limit ?? 100, 500);
      const offset = q.offset ?? 0;
      const desc = (q.order ?? (q.sort === 'path' ? 'asc' : 'desc')) === 'desc';
      let s = withSummaryColumns(filtered(caseId, q));
      const dir = desc ? 'desc' : 'asc';
      switch (q.sort ?? 'added') {
        case 'captured':
          s = s.orderBy(sql`case when m.capture_time is null then 1 else 0 end`).orderBy('m.capture_time', dir);
          break;
        case 'size':
          s = s.orderBy('m.size', dir);
          break;
        case 'path':
          s = s.orderBy(sql`first_path`, dir);
          break;
        default:
          s = s.orderBy('cm.added_at', dir);
      }
      const rows = (await s.orderBy('m.seq', dir).limit(limit).offset(offset).execute()) as unknown as Row[];
      const total = await filtered(caseId, q).select(sql<number>`count(*)`.as('n')).executeTakeFirst();
      await consulted(ctx, caseId, 'media.list', null, { shown: rows.length, offset, filters: Object.fromEntries(Object.entries(q).filter(([k, v]) => v !== undefined && !['offset', 'limit'].includes(k))) });
      return { items: rows.map(summary), total: Number(total?.n ?? 0) };
    },

    async facets(ctx: RequestContext, caseId: string): Promise<MediaFacets> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const count = sql<number>`count(*)`.as('n');
      const [total, categories, kinds, types, cameras, known, withGps, groups, captured, sources] = await Promise.all([
        base(caseId).select(count).executeTakeFirst(),
        base(caseId).select(['cm.category as k', count]).groupBy('cm.category').execute(),
        base(caseId).select(['m.kind as k', count]).groupBy('m.kind').execute(),
        base(caseId).select(['m.type as k', count]).groupBy('m.type').execute(),
        base(caseId)
          .where((eb) => eb.or([eb('m.camera_make', 'is not', null), eb('m.camera_model', 'is not', null), eb('m.camera_serial', 'is not', null)]))
          .select(['m.camera_make', 'm.camera_model', 'm.camera_serial', count])
          .groupBy(['m.camera_make', 'm.camera_model', 'm.camera_serial'])
          .orderBy('n', 'desc')
          .limit(100)
          .execute(),
        base(caseId).where((eb) => eb.exists(eb.selectFrom('media_hash_matches as h').select('h.media_id').whereRef('h.media_id', '=', 'm.id'))).select(count).executeTakeFirst(),
        base(caseId).where('m.gps_lat', 'is not', null).select(count).executeTakeFirst(),
        base(caseId).where('m.near_group', 'is not', null).select(sql<number>`count(distinct m.near_group)`.as('n')).executeTakeFirst(),
        base(caseId).select([sql<string | null>`min(m.capture_time)`.as('from'), sql<string | null>`max(m.capture_time)`.as('to')]).executeTakeFirst(),
        db.selectFrom('media_occurrences').select(['source', sql<number>`count(distinct media_id)`.as('n')]).where('case_id', '=', caseId).groupBy('source').orderBy('source').execute(),
      ]);
      const rec = (rows: { k: string; n: number }[]) => Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]));
      return {
        total: Number(total?.n ?? 0),
        categories: rec(categories as { k: string; n: number }[]),
        kinds: rec(kinds as { k: string; n: number }[]),
        types: rec(types as { k: string; n: number }[]),
        sources: sources.map((s) => ({ source: s.source, count: Number(s.n) })),
        cameras: cameras.map((c) => ({ make: c.camera_make, model: c.camera_model, serial: c.camera_serial, count: Number(c.n) })),
        known: Number(known?.n ?? 0),
        withGps: Number(withGps?.n ?? 0),
        nearGroups: Number(groups?.n ?? 0),
        captured: { from: captured?.from ?? null, to: captured?.to ?? null },
      };
    },

    async get(ctx: RequestContext, caseId: string, mediaId: string): Promise<MediaDetail> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const m = await requireInCase(caseId, mediaId);
      const [sumRow] = (await withSummaryColumns(base(caseId).where('m.id', '=', mediaId)).execute()) as unknown as Row[];
      const occurrences = await db.selectFrom('media_occurrences').selectAll().where('media_id', '=', mediaId).where('case_id', '=', caseId).orderBy('path').execute();
      const matches = await db
        .selectFrom('media_hash_matches as h')
        .innerJoin('hash_set_entries as e', 'e.seq', 'h.entry_seq')
        .innerJoin('hash_sets as s', 's.id', 'h.set_id')
        .select(['h.set_id', 's.name', 'h.match', 'h.digest', 'h.distance', 'e.category', 'e.category_scheme', 'e.category_code', 'e.series', 'e.victim_identified'])
        .where('h.media_id', '=', mediaId)
        .orderBy('h.match')
        .orderBy('h.distance')
        .orderBy('s.name')
        .execute();
      // Near-duplicates are listed where the reader may see them: in cases their agency takes part in.
      let nearQ = db
        .selectFrom('media_near_duplicates as d')
        .innerJoin('media as o', 'o.id', 'd.other_id')
        .innerJoin('case_media as ocm', 'ocm.media_id', 'o.id')
        .select(['o.id', 'd.distance', 'o.kind', 'o.width', 'o.height', 'o.size', 'o.has_thumbnail', 'ocm.case_id', 'ocm.category'])
        .where('d.media_id', '=', mediaId);
      if (ctx.actor.kind === 'user') {
        const agencyId = ctx.actor.agencyId;
        nearQ = nearQ.where((eb) => eb.exists(eb.selectFrom('case_participants as p').select('p.case_id').whereRef('p.case_id', '=', 'ocm.case_id').where('p.agency_id', '=', agencyId)));
      }
      const near = await nearQ.orderBy('d.distance').orderBy(sql`case when ocm.case_id = ${caseId} then 0 else 1 end`).limit(200).execute();
      const seen = new Set<string>();
      const nearDuplicates = near
        .filter((n) => (seen.has(n.id) ? false : (seen.add(n.id), true)))
        .map((n) => ({ id: n.id, caseId: n.case_id, distance: n.distance, kind: n.kind as MediaSummary['kind'], width: n.width, height: n.height, size: Number(n.size), category: n.category as MediaCategory, hasThumbnail: n.has_thumbnail === 1 }));
      await consulted(ctx, caseId, 'media.read', mediaId, null);
      const frames = m.vpdq ? (JSON.parse(m.vpdq) as unknown[]).length : 0;
      return {
        ...summary(sumRow!),
        md5: m.md5,
        sha1: m.sha1,
        sha256: m.sha256,
        pdq: m.pdq,
        pdqQuality: m.pdq_quality,
        videoFrames: frames,
        categoryScheme: m.category_scheme as MediaCategoryScheme,
        categoryCode: m.category_code,
        categorisedAt: m.categorised_at,
        cameraSerial: m.camera_serial,
        captureOffset: m.capture_offset,
        gps: m.gps_lat !== null && m.gps_lon !== null ? { lat: m.gps_lat, lon: m.gps_lon } : null,
        metadata: JSON.parse(m.metadata) as Record<string, unknown>,
        problemDetail: m.problem_detail,
        occurrenceList: occurrences.map((o) => ({
          source: o.source,
          path: o.path,
          pathRaw: o.path_raw,
          size: Number(o.size),
          modifiedAt: o.modified_at,
          accessedAt: o.accessed_at,
          changedAt: o.changed_at,
          bornAt: o.born_at,
          ingestId: o.ingest_id,
          recordedAt: o.recorded_at,
        })),
        matches: matches.map(
          (h): HashMatch => ({
            setId: h.set_id,
            setName: h.name,
            match: h.match as HashMatch['match'],
            digest: h.digest as HashMatch['digest'],
            distance: h.distance,
            category: h.category as MediaCategory,
            categoryScheme: h.category_scheme as MediaCategoryScheme,
            categoryCode: h.category_code,
            series: h.series,
            victimIdentified: h.victim_identified === null ? null : h.victim_identified === 1,
          }),
        ),
        nearDuplicates,
      };
    },

    /**
     * The item's bytes, decrypted, for the caller to serve whole or by ranges. `recordView` records the consultation
     * for the first request of a viewing (no range, or a range from byte 0); a video player's follow-up range requests
     * are not recorded, or one viewing would flood the trail.
     */
    async content(ctx: RequestContext, caseId: string, mediaId: string): Promise<{ size: number; mime: string; kind: string; stream: (start: number, end: number) => Readable; recordView: (range?: { start: number; end: number }) => Promise<void> }> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const m = await requireInCase(caseId, mediaId);
      if (!(await blobs.has('media', m.sha256))) throw new ConflictError('The stored bytes of this item are not available yet (an ingest is still finishing it).', 'blob-pending');
      const reader = await blobs.open('media', m.sha256);
      return {
        size: reader.size,
        mime: m.mime,
        kind: m.kind,
        stream: (start, end) => reader.read(start, end),
        recordView: async (range) => {
          if (!range || range.start === 0) await consulted(ctx, caseId, 'media.view', mediaId, range ? { range: `${range.start}-${range.end}` } : null);
        },
      };
    },

    /** The thumbnail (small, blurred by the web app until revealed); the list that shows it was recorded already. */
    async thumbnail(ctx: RequestContext, caseId: string, mediaId: string): Promise<Buffer> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const m = await requireInCase(caseId, mediaId);
      if (!m.has_thumbnail || !(await blobs.has('thumb', m.sha256))) throw new NotFoundError('The thumbnail');
      return (await blobs.open('thumb', m.sha256)).readAll();
    },

    /** Sets the examiner's category on items of the case (one key per category in the web app). */
    async categorise(ctx: RequestContext, caseId: string, mediaIds: string[], category: MediaCategory): Promise<{ updated: number }> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const ids = [...new Set(mediaIds)];
      const present = await db.selectFrom('case_media').select('media_id').where('case_id', '=', caseId).where('media_id', 'in', ids).execute();
      if (present.length !== ids.length) throw new NotFoundError('A media item');
      const c = tesseraCategory(category);
      return db.transaction().execute(async (trx) => {
        const res = await trx
          .updateTable('case_media')
          .set({
            category: c.category,
            category_scheme: c.sourceScheme,
            category_code: c.sourceCode,
            category_source: category === 'uncategorised' ? 'none' : 'examiner',
            categorised_by: ctx.actor.kind === 'user' ? ctx.actor.userId : `system:${ctx.actor.name}`,
            categorised_at: nowIso(),
          })
          .where('case_id', '=', caseId)
          .where('media_id', 'in', ids)
          .executeTakeFirst();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'alteration',
          action: 'media.categorise',
          object: { type: 'media', id: ids.length === 1 ? ids[0]! : null },
          caseId,
          details: { category, media: ids },
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
        });
        return { updated: Number(res.numUpdatedRows) };
      });
    },
  };
}
