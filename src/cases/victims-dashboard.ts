/**
 * The case dashboard (issue 9): media (new, known, categorised), series, victims by status and open hits, with the
 * latest identifications first, so that the moment the seventh victim is identified is visible at a glance.
 * Counts and pseudonyms only: no picture, no name.
 */
import { sql, type Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { RequestContext } from '../identity/context.js';
import type { Database } from '../store/schema.js';
import type { CaseAccessPolicy } from './case-access.js';
import { agencyRefs, elsewhereOf } from './series-service.js';
import type { Dashboard } from './victims-schemas.js';

export type DashboardService = ReturnType<typeof createDashboardService>;

const OPEN_HIT_STATUSES = ['new', 'acknowledged', 'in-contact'];

export function createDashboardService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy }) {
  const { db, audit, access } = deps;
  const n = sql<number>`count(*)`.as('n');

  return {
    async get(ctx: RequestContext, caseId: string): Promise<Dashboard> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const kase = await db.selectFrom('cases').select(['id', 'reference']).where('id', '=', caseId).executeTakeFirstOrThrow();
      const media = db.selectFrom('case_media as cm').where('cm.case_id', '=', caseId);
      const agencyId = ctx.actor.agencyId;
      const hits = db
        .selectFrom('match_hits as h')
        .innerJoin('match_items as i', 'i.ref', 'h.ref')
        .where('h.agency_id', '=', agencyId ?? '')
        .where('i.case_id', '=', caseId)
        .where('h.status', 'in', OPEN_HIT_STATUSES);
      const [total, known, categories, inSeries, series, proposals, victims, openHits, newHits, mediaHits] = await Promise.all([
        media.select(n).executeTakeFirst(),
        media.where((eb) => eb.exists(eb.selectFrom('media_hash_matches as h').select('h.media_id').whereRef('h.media_id', '=', 'cm.media_id'))).select(n).executeTakeFirst(),
        media.select(['cm.category as k', n]).groupBy('cm.category').execute(),
        db.selectFrom('series_media').where('case_id', '=', caseId).select(n).executeTakeFirst(),
        db.selectFrom('series').select(['id', 'code', 'status', 'identified_by', 'identified_on']).where('case_id', '=', caseId).where('state', '=', 'active').execute(),
        db.selectFrom('series_proposals').where('case_id', '=', caseId).where('status', '=', 'open').select(n).executeTakeFirst(),
        db.selectFrom('victims').select(['id', 'code', 'status', 'identified_by', 'identified_on', 'safeguarded_on']).where('case_id', '=', caseId).execute(),
        hits.select(n).executeTakeFirst(),
        hits.where('h.status', '=', 'new').select(n).executeTakeFirst(),
        hits.where('i.item_kind', '=', 'media').select(n).executeTakeFirst(),
      ]);
      const elsewhere = await elsewhereOf(db, agencyId, caseId);
      const categoryCounts = Object.fromEntries(categories.map((c) => [c.k, Number(c.n)]));
      const agencies = await agencyRefs(db, [...series.map((s) => s.identified_by), ...victims.map((v) => v.identified_by)]);
      const ref = (id: string | null) => (id ? (agencies.get(id) ?? { id, name: 'Unknown agency', country: '' }) : null);
      const milestones: Dashboard['milestones'] = [
        ...victims.filter((v) => v.status !== 'unidentified').map((v) => ({ kind: 'victim' as const, id: v.id, code: v.code, status: v.status, on: v.safeguarded_on ?? v.identified_on, agency: ref(v.identified_by) })),
        ...series.filter((s) => s.status === 'identified').map((s) => ({ kind: 'series' as const, id: s.id, code: s.code, status: s.status, on: s.identified_on, agency: ref(s.identified_by) })),
      ]
        // Newest first; on the same day, victims before series, then by code.
        .sort((a, b) => (b.on ?? '').localeCompare(a.on ?? '') || (a.kind === b.kind ? a.code.localeCompare(b.code) : a.kind === 'victim' ? -1 : 1))
        .slice(0, 20);
      const totalMedia = Number(total?.n ?? 0);
      const knownMedia = Number(known?.n ?? 0);
      const byStatus = (s: string) => victims.filter((v) => v.status === s).length;
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'consultation',
        action: 'case.dashboard',
        object: { type: 'case', id: caseId },
        caseId,
        justification: ctx.justification ?? null,
        requestId: ctx.requestId ?? null,
        ip: ctx.ip ?? null,
      });
      return {
        caseId,
        reference: kase.reference,
        media: {
          total: totalMedia,
          new: totalMedia - knownMedia,
          known: knownMedia,
          categorised: totalMedia - (categoryCounts.uncategorised ?? 0),
          uncategorised: categoryCounts.uncategorised ?? 0,
          categories: categoryCounts,
          inSeries: Number(inSeries?.n ?? 0),
        },
        series: {
          total: series.length,
          identified: series.filter((s) => s.status === 'identified').length,
          unidentified: series.filter((s) => s.status !== 'identified').length,
          identifiedElsewhere: series.filter((s) => (elsewhere.bySeries.get(s.id) ?? []).some((e) => e.status === 'identified')).length,
          openProposals: Number(proposals?.n ?? 0),
        },
        victims: { total: victims.length, unidentified: byStatus('unidentified'), identified: byStatus('identified'), safeguarded: byStatus('safeguarded') },
        hits: { open: Number(openHits?.n ?? 0), new: Number(newHits?.n ?? 0), media: Number(mediaHits?.n ?? 0) },
        milestones,
        elsewhere: elsewhere.all,
      };
    },
  };
}
