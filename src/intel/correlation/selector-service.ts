import type { Kysely, Transaction } from 'kysely';
import type { AuditLog } from '../../audit/audit-log.js';
import type { CaseAccessPolicy } from '../../cases/case-access.js';
import { BadRequestError, NotFoundError } from '../../errors.js';
import type { RequestContext } from '../../identity/context.js';
import { nowIso } from '../../store/ids.js';
import type { Database } from '../../store/schema.js';
import { actorLabel, agencyOf, caseRegion } from '../records/record-service.js';
import { recordVisible, selectorVisible } from '../records/visibility.js';
import { extractSelectors } from '../selectors/extract.js';
import { normaliseSelector } from '../selectors/normalise.js';
import type { HandlingCode, RecordKind, SelectorType } from '../vocabulary.js';
import type { AlsoSeenIn, CaseSelector, NewSelector, SelectorListQuery, SelectorSource } from './selector-schemas.js';
import { ensureSelectors, fromExtracted, insertSources, replaceSourceSelectors, selectorKey, type SelectorStatus, type SourceType } from './selector-store.js';

export type SelectorService = ReturnType<typeof createSelectorService>;

export interface MediaSerialInput {
  caseId: string;
  mediaId: string;
  /** EXIF Make and BodySerialNumber (or the maker-note serial) as read from the file. */
  make: string;
  serial: string;
  handlingCode: HandlingCode;
}

export interface MediaSerialResult {
  selectorId: string | null;
  normalised: string;
  valid: boolean;
  reason?: string;
}

/**
 * The selectors of a case as the analyst works with them: suggestions from extraction that are confirmed or
 * dismissed, values entered by hand or read from media metadata, and where each was seen. Correlation ("also seen
 * in") joins on type and normalised value across the cases the user's agency takes part in, never beyond.
 */
export function createSelectorService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy }) {
  const { db, audit, access } = deps;

  /** Case ids the agency takes part in (all cases for the node itself), as a subquery. */
  function myCases(agencyId: string | null) {
    return agencyId === null
      ? db.selectFrom('cases').select('cases.id as case_id')
      : db.selectFrom('case_participants').select('case_participants.case_id').where('case_participants.agency_id', '=', agencyId);
  }

  async function loadVisible(agencyId: string | null, caseId: string, selectorId: string, trx: Kysely<Database> = db) {
    const row = await trx
      .selectFrom('selectors')
      .selectAll()
      .where('id', '=', selectorId)
      .where('case_id', '=', caseId)
      .where((eb) => selectorVisible(eb, agencyId))
      .executeTakeFirst();
    if (!row) throw new NotFoundError('The selector');
    return row;
  }

  async function listRows(agencyId: string | null, caseId: string, query: SelectorListQuery, ids?: string[]) {
    let q = db
      .selectFrom('selectors')
      .where('selectors.case_id', '=', caseId)
      .where((eb) => selectorVisible(eb, agencyId));
    if (ids) q = q.where('selectors.id', 'in', ids);
    if (query.status) q = q.where('selectors.status', '=', query.status);
    if (query.type) q = q.where('selectors.type', '=', query.type);
    if (query.q?.trim()) {
      const pattern = `%${query.q.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb(eb.fn('lower', ['selectors.normalised']), 'like', eb.val(pattern)));
    }
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await q
      .selectAll('selectors')
      .select((eb) => [
        eb
          .selectFrom('selector_sources as ss')
          .leftJoin('records as sr', (j) => j.onRef('sr.id', '=', 'ss.source_id').on('ss.source_type', '=', 'record'))
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('ss.selector_id', '=', 'selectors.id')
          .where((e) => e.or([e('ss.source_type', '!=', 'record'), recordVisible(e, agencyId, 'sr')]))
          .as('source_count'),
        eb
          .selectFrom('selectors as o')
          .select((e) => e.fn.count<number>('o.case_id').distinct().as('n'))
          .whereRef('o.type', '=', 'selectors.type')
          .whereRef('o.normalised', '=', 'selectors.normalised')
          .whereRef('o.case_id', '!=', 'selectors.case_id')
          .where('o.valid', '=', 1)
          .where('o.status', '!=', 'dismissed')
          .where('o.case_id', 'in', myCases(agencyId))
          .where((e) => selectorVisible(e, agencyId, 'o'))
          .as('also_count'),
      ])
      // Confirmed first, then suggestions; within each, the most seen first.
      .orderBy((eb) => eb.case().when('selectors.status', '=', 'confirmed').then(0).when('selectors.status', '=', 'suggested').then(1).else(2).end())
      .orderBy('source_count', 'desc')
      .orderBy('selectors.id')
      .limit(query.limit ?? 100)
      .offset(query.offset ?? 0)
      .execute();
    const items: CaseSelector[] = rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      type: r.type as SelectorType,
      normalised: r.normalised,
      raw: r.raw,
      valid: r.valid === 1,
      reason: r.reason,
      note: r.note,
      status: r.status as SelectorStatus,
      origin: r.origin as CaseSelector['origin'],
      sources: Number(r.source_count ?? 0),
      alsoSeenIn: r.valid === 1 && r.status !== 'dismissed' ? Number(r.also_count ?? 0) : 0,
      createdAt: r.created_at,
      decidedAt: r.decided_at,
      decidedBy: r.decided_by,
    }));
    return { items, total: Number(total.n) };
  }

  async function one(agencyId: string | null, caseId: string, id: string): Promise<CaseSelector> {
    const { items } = await listRows(agencyId, caseId, { limit: 1 }, [id]);
    if (!items[0]) throw new NotFoundError('The selector');
    return items[0];
  }

  return {
    async list(ctx: RequestContext, caseId: string, query: SelectorListQuery): Promise<{ items: CaseSelector[]; total: number }> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const result = await listRows(agencyOf(ctx.actor), caseId, query);
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'consultation',
        action: 'selector.list',
        object: { type: 'selector' },
        caseId,
        justification: ctx.justification,
        details: { returned: result.items.length, status: query.status ?? null, type: query.type ?? null },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return result;
    },

    /** The analyst confirms or dismisses a suggestion (or reverts a decision to a suggestion). */
    async decide(ctx: RequestContext, caseId: string, selectorId: string, status: SelectorStatus): Promise<CaseSelector> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const agencyId = agencyOf(ctx.actor);
      await db.transaction().execute(async (trx) => {
        const row = await loadVisible(agencyId, caseId, selectorId, trx);
        await trx
          .updateTable('selectors')
          .set(status === 'suggested' ? { status, decided_at: null, decided_by: null } : { status, decided_at: nowIso(), decided_by: actorLabel(ctx.actor) })
          .where('id', '=', selectorId)
          .execute();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'alteration',
          action: 'selector.decide',
          object: { type: 'selector', id: selectorId },
          caseId,
          details: { from: row.status, to: status, type: row.type },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      });
      return one(agencyId, caseId, selectorId);
    },

    /** A selector entered by hand: normalised, refused when invalid, recorded as confirmed. */
    async add(ctx: RequestContext, caseId: string, input: NewSelector): Promise<CaseSelector> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const { region, leadAgencyId } = await caseRegion(db, caseId);
      const n = normaliseSelector(input.type, input.value, { ...(region ? { defaultRegion: region } : {}), ...(input.platform ? { platform: input.platform } : {}) });
      if (!n.valid) throw new BadRequestError(`"${input.value}" is not a valid ${input.type}: ${n.reason ?? 'unrecognised'}.`, 'invalid-selector');
      const agencyId = agencyOf(ctx.actor);
      const id = await db.transaction().execute(async (trx) => {
        const ids = await ensureSelectors(trx, caseId, [{ type: input.type, normalised: n.normalised, raw: input.value, valid: true, note: n.note }], {
          origin: 'manual',
          status: 'confirmed',
          agencyId: agencyId ?? leadAgencyId,
          handlingCode: input.handlingCode,
        });
        const selectorId = ids.get(selectorKey(input.type, n.normalised))!;
        const existing = await trx.selectFrom('selectors').select(['status', 'decided_at']).where('id', '=', selectorId).executeTakeFirstOrThrow();
        const visible = await trx.selectFrom('selectors').select('id').where('id', '=', selectorId).where((eb) => selectorVisible(eb, agencyId)).executeTakeFirst();
        if (!visible) {
          // The value was only known from records this agency may not see; now it knows it first-hand. The selector
          // takes the caller's provenance; the hidden records stay hidden.
          await trx.updateTable('selectors').set({ origin: 'manual', agency_id: agencyId ?? leadAgencyId, handling_code: input.handlingCode }).where('id', '=', selectorId).execute();
        }
        // Entering a value by hand confirms it, whether it is new or was only a suggestion.
        if (existing.status !== 'confirmed' || existing.decided_at === null) {
          await trx.updateTable('selectors').set({ status: 'confirmed', decided_at: nowIso(), decided_by: actorLabel(ctx.actor) }).where('id', '=', selectorId).execute();
        }
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'collection',
          action: 'selector.create',
          object: { type: 'selector', id: selectorId },
          caseId,
          details: { type: input.type, handlingCode: input.handlingCode },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
        return selectorId;
      });
      return one(agencyId, caseId, id);
    },

    /** Where the selector was seen in this case, with the text around it; only sources the caller may see. */
    async sources(ctx: RequestContext, caseId: string, selectorId: string): Promise<SelectorSource[]> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const agencyId = agencyOf(ctx.actor);
      await loadVisible(agencyId, caseId, selectorId);
      const rows = await db
        .selectFrom('selector_sources as ss')
        .leftJoin('records as r', (j) => j.onRef('r.id', '=', 'ss.source_id').on('ss.source_type', '=', 'record'))
        .select(['ss.source_type', 'ss.source_id', 'ss.raw', 'ss.span_start', 'ss.span_end', 'r.kind', 'r.text', 'r.occurred_at', 'r.created_at'])
        .where('ss.selector_id', '=', selectorId)
        .where((e) => e.or([e('ss.source_type', '!=', 'record'), recordVisible(e, agencyId, 'r')]))
        .orderBy('ss.created_at')
        .limit(500)
        .execute();
      const items: SelectorSource[] = rows.map((r) => ({
        sourceType: r.source_type as SelectorSource['sourceType'],
        sourceId: r.source_id,
        raw: r.raw,
        start: r.span_start,
        end: r.span_end,
        recordKind: (r.kind as RecordKind | null) ?? null,
        excerpt: r.text == null ? null : r.span_start < 0 ? r.text.slice(0, 160) : r.text.slice(Math.max(0, r.span_start - 60), r.span_end + 60),
        occurredAt: r.occurred_at ?? r.created_at ?? null,
      }));
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'consultation',
        action: 'selector.sources',
        object: { type: 'selector', id: selectorId },
        caseId,
        justification: ctx.justification,
        details: { recordIds: items.filter((i) => i.sourceType === 'record').map((i) => i.sourceId) },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return items;
    },

    /**
     * "Also seen in": the other cases the caller's agency takes part in where a selector of this case occurs too,
     * counting only occurrences the caller may see on both sides (handling codes apply in each case).
     */
    async alsoSeenIn(ctx: RequestContext, caseId: string): Promise<AlsoSeenIn[]> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const agencyId = agencyOf(ctx.actor);
      const rows = await db
        .selectFrom('selectors as s')
        .innerJoin('selectors as o', (j) => j.onRef('o.type', '=', 's.type').onRef('o.normalised', '=', 's.normalised').onRef('o.case_id', '!=', 's.case_id'))
        .innerJoin('cases as c', 'c.id', 'o.case_id')
        .innerJoin('agencies as lead', 'lead.id', 'c.lead_agency_id')
        .select(['c.id as case_id', 'c.reference', 'c.title', 'lead.name as lead_name', 's.type', 's.normalised'])
        .where('s.case_id', '=', caseId)
        .where('s.valid', '=', 1)
        .where('s.status', '!=', 'dismissed')
        .where('o.valid', '=', 1)
        .where('o.status', '!=', 'dismissed')
        .where('o.case_id', 'in', myCases(agencyId))
        .where((eb) => selectorVisible(eb, agencyId, 's'))
        .where((eb) => selectorVisible(eb, agencyId, 'o'))
        .orderBy('c.reference')
        .limit(5000)
        .execute();
      const byCase = new Map<string, AlsoSeenIn>();
      for (const r of rows) {
        let entry = byCase.get(r.case_id);
        if (!entry) byCase.set(r.case_id, (entry = { caseId: r.case_id, reference: r.reference, title: r.title, leadAgencyName: r.lead_name, selectors: [] }));
        entry.selectors.push({ type: r.type as SelectorType, normalised: r.normalised });
      }
      const result = [...byCase.values()].sort((a, b) => b.selectors.length - a.selectors.length || a.reference.localeCompare(b.reference));
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'combination',
        action: 'selector.correlate',
        object: { type: 'case', id: caseId },
        caseId,
        justification: ctx.justification,
        details: { linkedCases: result.map((r) => r.caseId) },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return result;
    },

    /**
     * For the media stream: records a camera body serial read from a media item's metadata as a selector suggestion of
     * the case, linked to the media item. Pass the media stream's transaction so the link commits with the media row.
     * Placeholder serials ("0000000000", "unknown") are reported invalid and not stored.
     */
    async recordFromMedia(ctx: RequestContext, input: MediaSerialInput, trx?: Transaction<Database>): Promise<MediaSerialResult> {
      await access.require(ctx.actor, 'case.contribute', [input.caseId]);
      const n = normaliseSelector('camera-serial', input.serial, { make: input.make });
      if (!n.valid) return { selectorId: null, normalised: n.normalised, valid: false, ...(n.reason ? { reason: n.reason } : {}) };
      const { leadAgencyId } = await caseRegion(trx ?? db, input.caseId);
      const run = async (t: Transaction<Database>): Promise<string> => {
        const ids = await ensureSelectors(t, input.caseId, [{ type: 'camera-serial', normalised: n.normalised, raw: `${input.make}:${input.serial}`, valid: true }], {
          origin: 'media',
          status: 'suggested',
          agencyId: agencyOf(ctx.actor) ?? leadAgencyId,
          handlingCode: input.handlingCode,
        });
        const selectorId = ids.get(selectorKey('camera-serial', n.normalised))!;
        await insertSources(t, [{ selectorId, sourceType: 'media', sourceId: input.mediaId, start: -1, end: -1, raw: input.serial }]);
        await audit.record(t, {
          actor: ctx.actor,
          operation: 'collection',
          action: 'selector.from-media',
          object: { type: 'selector', id: selectorId },
          caseId: input.caseId,
          details: { mediaId: input.mediaId, type: 'camera-serial' },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
        return selectorId;
      };
      const selectorId = trx ? await run(trx) : await db.transaction().execute(run);
      return { selectorId, normalised: n.normalised, valid: true };
    },

    /**
     * For other streams (message bodies): extracts the selectors of a text and links them to its source as
     * suggestions, replacing what that source contributed before. Runs inside the caller's transaction.
     */
    async linkText(
      trx: Transaction<Database>,
      args: { caseId: string; sourceType: SourceType; sourceId: string; text: string; agencyId: string; handlingCode: HandlingCode; platform?: string },
    ): Promise<number> {
      const { region } = await caseRegion(trx, args.caseId);
      const found = fromExtracted(extractSelectors(args.text, { ...(region ? { defaultRegion: region } : {}), ...(args.platform ? { defaultPlatform: args.platform } : {}) }));
      const ids = await replaceSourceSelectors(trx, {
        caseId: args.caseId,
        sourceType: args.sourceType,
        sourceId: args.sourceId,
        found,
        defaults: { origin: args.sourceType === 'record' ? 'extracted' : 'import', status: 'suggested', agencyId: args.agencyId, handlingCode: args.handlingCode },
      });
      return ids.size;
    },
  };
}
