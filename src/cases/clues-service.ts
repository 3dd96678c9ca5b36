/**
 * Identification clues: what in a picture may locate it (an object, a logo, text, a landscape), marked as a region,
 * with notes. The region is cropped when the clue is made and the crop stored encrypted in the media store; the crop,
 * never the whole picture, is what may be sent to another agency, and only when the specialist marks it shareable.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import type { Exchange } from '../exchange/exchange.js';
import type { RequestContext } from '../identity/context.js';
import { cropImageRegion } from '../media/crop-image.js';
import { ImageDecodeError } from '../media/decode-image.js';
import type { BlobStore } from '../store/blob-store.js';
import { newId, nowIso } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import type { CaseAccessPolicy } from './case-access.js';
import type { Clue, ClueKind, ClueListQuery, CluePatch, NewClue, Region, ShareClues } from './clues-schemas.js';
import { actorLabel } from './series-service.js';

export type ClueService = ReturnType<typeof createClueService>;

type Row = Database['clues'];

const KIND_LABELS: Record<ClueKind, string> = { object: 'Object', logo: 'Logo', text: 'Text', landscape: 'Landscape', other: 'Other' };

export function createClueService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy; blobs: BlobStore; exchange: Pick<Exchange, 'messages'> }) {
  const { db, audit, access, blobs } = deps;

  function base(caseId: string) {
    return db
      .selectFrom('clues as c')
      .leftJoin('series_media as sm', (j) => j.onRef('sm.case_id', '=', 'c.case_id').onRef('sm.media_id', '=', 'c.media_id'))
      .leftJoin('series as s', 's.id', 'sm.series_id')
      .selectAll('c')
      .select(['s.id as series_id', 's.code as series_code', 's.name as series_name'])
      .where('c.case_id', '=', caseId)
      .where('c.deleted_at', 'is', null);
  }

  type Joined = Row & { series_id: string | null; series_code: string | null; series_name: string | null };

  function toClue(ctx: RequestContext, r: Joined): Clue {
    return {
      id: r.id,
      mediaId: r.media_id,
      kind: r.kind as ClueKind,
      label: r.label,
      note: r.note,
      region: JSON.parse(r.region) as Region,
      crop: r.crop_sha256 && r.crop_width && r.crop_height ? { width: r.crop_width, height: r.crop_height } : null,
      shareable: r.shareable === 1,
      series: r.series_id ? { id: r.series_id, code: r.series_code!, name: r.series_name! } : null,
      mine: !!ctx.actor.agencyId && ctx.actor.agencyId === r.agency_id,
      createdBy: r.created_by,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  async function requireClue(caseId: string, clueId: string): Promise<Joined> {
    const row = (await base(caseId).where('c.id', '=', clueId).executeTakeFirst()) as Joined | undefined;
    if (!row) throw new NotFoundError('The clue');
    return row;
  }

  async function record(trx: Kysely<Database>, ctx: RequestContext, caseId: string, operation: 'collection' | 'alteration' | 'erasure' | 'consultation' | 'disclosure', action: string, clueId: string | null, details: Record<string, unknown> | null, recipients?: string[]) {
    await audit.record(trx, {
      actor: ctx.actor,
      operation,
      action,
      object: { type: 'clue', id: clueId },
      caseId,
      justification: ctx.justification ?? null,
      ...(recipients ? { recipients } : {}),
      details,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
    });
  }

  /** The clue's crop, made from the stored picture now (pictures only). */
  async function makeCrop(caseId: string, mediaId: string, region: Region): Promise<{ sha256: string; width: number; height: number }> {
    if (region.x + region.w > 1.0001 || region.y + region.h > 1.0001) throw new BadRequestError('The region reaches outside the picture.', 'bad-region');
    const m = await db
      .selectFrom('case_media as cm')
      .innerJoin('media as mm', 'mm.id', 'cm.media_id')
      .select(['mm.sha256', 'mm.kind'])
      .where('cm.case_id', '=', caseId)
      .where('cm.media_id', '=', mediaId)
      .executeTakeFirst();
    if (!m) throw new NotFoundError('The media item');
    if (m.kind !== 'image') throw new BadRequestError('Clues with a region are marked on pictures (for a video, mark a still of it).', 'not-a-picture');
    if (!(await blobs.has('media', m.sha256))) throw new ConflictError('The stored bytes of this item are not available yet (an ingest is still finishing it).', 'blob-pending');
    let crop;
    try {
      crop = await cropImageRegion(await (await blobs.open('media', m.sha256)).readAll(), region);
    } catch (e) {
      if (e instanceof ImageDecodeError) throw new BadRequestError(`The picture could not be cropped: ${e.message}`, 'crop-failed');
      throw e;
    }
    const sha256 = createHash('sha256').update(crop.bytes).digest('hex');
    await blobs.put('clue', sha256, crop.bytes);
    return { sha256, width: crop.width, height: crop.height };
  }

  return {
    async list(ctx: RequestContext, caseId: string, query: ClueListQuery = {}): Promise<Clue[]> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      let q = base(caseId);
      if (query.mediaId) q = q.where('c.media_id', '=', query.mediaId);
      if (query.seriesId) q = q.where('sm.series_id', '=', query.seriesId);
      if (query.kind) q = q.where('c.kind', '=', query.kind);
      const rows = (await q.orderBy('c.created_at').execute()) as Joined[];
      await record(db, ctx, caseId, 'consultation', 'clue.list', null, { returned: rows.length, ...query });
      return rows.map((r) => toClue(ctx, r));
    },

    async create(ctx: RequestContext, caseId: string, mediaId: string, input: NewClue): Promise<Clue> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const agencyId = ctx.actor.agencyId;
      if (!agencyId) throw new ForbiddenError('Clues are recorded by an agency; act as a user of one.');
      const crop = await makeCrop(caseId, mediaId, input.region);
      const id = newId();
      const now = nowIso();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('clues')
          .values({
            id,
            case_id: caseId,
            media_id: mediaId,
            agency_id: agencyId,
            kind: input.kind,
            label: input.label.trim(),
            note: input.note ?? '',
            region: JSON.stringify(input.region),
            crop_sha256: crop.sha256,
            crop_width: crop.width,
            crop_height: crop.height,
            shareable: input.shareable ? 1 : 0,
            created_by: actorLabel(ctx),
            created_at: now,
            updated_at: now,
            deleted_at: null,
          })
          .execute();
        await record(trx, ctx, caseId, 'collection', 'clue.create', id, { mediaId, kind: input.kind, label: input.label, shareable: !!input.shareable });
      });
      return toClue(ctx, await requireClue(caseId, id));
    },

    async update(ctx: RequestContext, caseId: string, clueId: string, patch: CluePatch): Promise<Clue> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const row = await requireClue(caseId, clueId);
      const changes: Partial<Row> = {};
      if (patch.kind !== undefined) changes.kind = patch.kind;
      if (patch.label !== undefined) changes.label = patch.label.trim();
      if (patch.note !== undefined) changes.note = patch.note;
      if (patch.shareable !== undefined) changes.shareable = patch.shareable ? 1 : 0;
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('clues').set({ ...changes, updated_at: nowIso() }).where('id', '=', clueId).execute();
        const before = Object.fromEntries(Object.keys(changes).map((k) => [k, row[k as keyof Row]]));
        await record(trx, ctx, caseId, 'alteration', 'clue.update', clueId, { before, after: changes });
      });
      return toClue(ctx, await requireClue(caseId, clueId));
    },

    async remove(ctx: RequestContext, caseId: string, clueId: string): Promise<void> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      await requireClue(caseId, clueId);
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('clues').set({ deleted_at: nowIso() }).where('id', '=', clueId).execute();
        await record(trx, ctx, caseId, 'erasure', 'clue.delete', clueId, null);
      });
    },

    async crop(ctx: RequestContext, caseId: string, clueId: string): Promise<Buffer> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const row = await requireClue(caseId, clueId);
      if (!row.crop_sha256 || !(await blobs.has('clue', row.crop_sha256))) throw new NotFoundError('The crop of this clue');
      const bytes = await (await blobs.open('clue', row.crop_sha256)).readAll();
      await record(db, ctx, caseId, 'consultation', 'clue.crop.view', clueId, null);
      return bytes;
    },

    /**
     * Sends the crops of shareable clues to other agencies in one sealed message (labels and notes in its body): a
     * disclosure of the crops only. The message itself is recorded by the exchange; this records which clues went.
     */
    async share(ctx: RequestContext, caseId: string, input: ShareClues): Promise<{ messageId: string }> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const ids = [...new Set(input.clueIds)];
      const rows: Joined[] = [];
      for (const id of ids) rows.push(await requireClue(caseId, id));
      const closed = rows.filter((r) => r.shareable !== 1);
      if (closed.length) throw new ForbiddenError(`${closed.length} of these clues are not marked shareable: mark them first (only the crop is sent).`);
      const kase = await db.selectFrom('cases').select(['reference']).where('id', '=', caseId).executeTakeFirstOrThrow();
      const uploads: string[] = [];
      for (const [i, r] of rows.entries()) {
        if (!r.crop_sha256 || !(await blobs.has('clue', r.crop_sha256))) throw new ConflictError(`The crop of clue "${r.label}" is missing.`, 'crop-missing');
        const bytes = await (await blobs.open('clue', r.crop_sha256)).readAll();
        const upload = await deps.exchange.messages.upload(ctx, {
          name: `clue-${i + 1}-${r.kind}.jpg`,
          mediaType: 'image/jpeg',
          body: (async function* () {
            yield bytes;
          })(),
        });
        uploads.push(upload.id);
      }
      const lines = rows.map((r, i) => `${i + 1}. ${KIND_LABELS[r.kind as ClueKind]}: ${r.label}${r.note ? ` — ${r.note}` : ''} (attachment clue-${i + 1}-${r.kind}.jpg)`);
      const body = [input.note?.trim() ?? '', 'Identification clues (cropped regions only; the pictures stay with us):', ...lines].filter(Boolean).join('\n');
      const sent = await deps.exchange.messages.send(ctx, {
        to: input.to,
        subject: input.subject ?? `Identification clues from case ${kase.reference}: can you help locate them?`,
        body,
        caseId,
        handling: { tlp: input.handling ?? 'TLP:AMBER' },
        attachments: uploads,
      });
      await record(db, ctx, caseId, 'disclosure', 'clue.share', ids.length === 1 ? ids[0]! : null, { clues: ids, messageId: sent.messageId, what: 'crops, labels and notes' }, input.to);
      return { messageId: sent.messageId };
    },
  };
}
