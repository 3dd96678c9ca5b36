/**
 * Series proposals of a case, kept between visits: computed on request from the case's media (series-proposals.ts),
 * stored, then accepted (which creates, extends or merges series through the series service, so the history can
 * undo it) or dismissed (and not proposed again while the group stays the same).
 */
import { sql, type Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { RequestContext } from '../identity/context.js';
import { decodeImageForPdq } from '../media/decode-image.js';
import { PDQ_MIN_QUALITY } from '../media/pdq.js';
import type { BlobStore } from '../store/blob-store.js';
import type { JobQueue } from '../store/job-queue.js';
import { newId, nowIso } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import type { CaseAccessPolicy } from './case-access.js';
import type { Op, SeriesFields } from './series-history.js';
import { cropLinkSteps, tinyFromPixels, type CropCandidate } from './series-crop-links.js';
import { computeProposalSteps, nearDuplicateComponentSteps, type ProposalBasis, type ProposalEvidence, type ProposalItem, type ProposalKind } from './series-proposals.js';
import type { Actor } from '../identity/actor.js';
import type { AcceptProposal, Proposal, ProposalQuery, SeriesDetail } from './series-schemas.js';
import { actorLabel, type SeriesService } from './series-service.js';

export type SeriesProposalService = ReturnType<typeof createSeriesProposalService>;

type Row = Database['series_proposals'];

function defaultName(p: { bases: ProposalBasis[]; evidence: ProposalEvidence; size: number }): string {
  if (p.evidence.setSeries) return p.evidence.setSeries;
  if (p.evidence.tag) return p.evidence.tag;
  if (p.evidence.cameraSerial) return `Camera ${p.evidence.cameraSerial}`;
  return `Near-duplicates (${p.size} items)`;
}

/** Reads what the proposals are computed from, for every media item of a case. */
export async function proposalItems(
  db: Kysely<Database>,
  caseId: string,
): Promise<{ items: ProposalItem[]; nearPairs: { a: string; b: string; distance: number }[]; thumbnails: Map<string, string> }> {
  const media = await db
    .selectFrom('case_media as cm')
    .innerJoin('media as m', 'm.id', 'cm.media_id')
    .leftJoin('series_media as sm', (j) => j.onRef('sm.case_id', '=', 'cm.case_id').onRef('sm.media_id', '=', 'cm.media_id'))
    .select(['m.id', 'm.pdq', 'm.pdq_quality', 'm.camera_serial', 'm.kind', 'm.sha256', 'm.has_thumbnail', 'sm.series_id'])
    .where('cm.case_id', '=', caseId)
    .orderBy('m.seq')
    .execute();
  const tags = await db.selectFrom('media_tags').select(['media_id', 'tag']).where('case_id', '=', caseId).execute();
  const sets = await db
    .selectFrom('media_hash_matches as h')
    .innerJoin('hash_set_entries as e', 'e.seq', 'h.entry_seq')
    .innerJoin('case_media as cm', 'cm.media_id', 'h.media_id')
    .select(['h.media_id', 'e.series', 'e.victim_identified'])
    .where('cm.case_id', '=', caseId)
    .where('e.series', 'is not', null)
    .execute();
  const near = await db
    .selectFrom('media_near_duplicates as d')
    .innerJoin('case_media as a', (j) => j.onRef('a.media_id', '=', 'd.media_id').on('a.case_id', '=', caseId))
    .innerJoin('case_media as b', (j) => j.onRef('b.media_id', '=', 'd.other_id').on('b.case_id', '=', caseId))
    .select(['d.media_id', 'd.other_id', 'd.distance'])
    .whereRef('d.media_id', '<', 'd.other_id')
    .execute();
  const tagsOf = new Map<string, string[]>();
  for (const t of tags) tagsOf.set(t.media_id, [...(tagsOf.get(t.media_id) ?? []), t.tag]);
  const setsOf = new Map<string, { name: string; victimIdentified: boolean | null }[]>();
  for (const s of sets) setsOf.set(s.media_id, [...(setsOf.get(s.media_id) ?? []), { name: s.series!, victimIdentified: s.victim_identified === null ? null : s.victim_identified === 1 }]);
  return {
    items: media.map((m) => ({
      mediaId: m.id,
      pdq: m.pdq && (m.pdq_quality ?? 0) >= PDQ_MIN_QUALITY ? m.pdq.toLowerCase() : null,
      cameraSerial: m.camera_serial,
      tags: tagsOf.get(m.id) ?? [],
      setSeries: setsOf.get(m.id) ?? [],
      seriesId: m.series_id,
    })),
    nearPairs: near.map((n) => ({ a: n.media_id, b: n.other_id, distance: n.distance })),
    thumbnails: new Map(media.filter((m) => m.kind === 'image' && m.has_thumbnail === 1).map((m) => [m.id, m.sha256])),
  };
}

/**
 * Pairs where one picture is a crop of another, from the thumbnails (decrypted and decoded here, small). Looked for
 * from each near-duplicate group once and from every picture in none.
 */
async function findCrops(blobs: BlobStore, items: ProposalItem[], nearPairs: { a: string; b: string; distance: number }[], thumbnails: Map<string, string>, step: () => Promise<void>): Promise<{ a: string; b: string }[]> {
  const groups = await run(nearDuplicateComponentSteps(items, { nearPairs }), step);
  const candidates: CropCandidate[] = [];
  const probes = new Set<string>();
  const seenGroup = new Set<string>();
  for (const [i, it] of items.entries()) {
    if (i % 64 === 63) await step();
    const sha256 = thumbnails.get(it.mediaId);
    if (!sha256 || !(await blobs.has('thumb', sha256))) continue;
    let tiny;
    try {
      const decoded = await decodeImageForPdq(await (await blobs.open('thumb', sha256)).readAll());
      tiny = tinyFromPixels(decoded.pixels, decoded.width, decoded.height, decoded.channels);
    } catch {
      continue; // a thumbnail that does not decode adds no evidence; the item keeps its other grounds
    }
    candidates.push({ id: it.mediaId, group: groups[i]!, tiny });
    if (!seenGroup.has(groups[i]!)) {
      seenGroup.add(groups[i]!);
      probes.add(it.mediaId);
    }
  }
  return run(cropLinkSteps(candidates, probes), step);
}

/** Runs a step generator, handing the event loop back at each step (requests go on while a large case is computed). */
async function run<T>(steps: Generator<void, T>, step: () => Promise<void>): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await step();
  }
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Cases up to this many media are computed while the request waits; larger ones by a background job. */
export const INLINE_PROPOSAL_MEDIA = 3000;
export const PROPOSE_JOB = 'series.propose';

interface ProposeJob {
  caseId: string;
  actor: Actor;
}

export interface RefreshResult {
  open: number;
  added: number;
  removed: number;
  media: number;
  queued: boolean;
}

export function createSeriesProposalService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy; series: SeriesService; blobs: BlobStore; jobs: JobQueue; inlineLimit?: number }) {
  const { db, audit, access, series } = deps;

  /** The proposal job of the case that is waiting or running, if any. */
  async function pendingJob(caseId: string): Promise<string | undefined> {
    const row = await db
      .selectFrom('jobs')
      .select('id')
      .where('name', '=', PROPOSE_JOB)
      .where('status', 'in', ['queued', 'running'])
      .where('payload', 'like', `%"caseId":"${caseId}"%`)
      .executeTakeFirst();
    return row?.id;
  }

  /** Computes the proposals of a case from its media as they are now and stores them (open ones replaced). */
  async function computeAndStore(ctx: RequestContext, caseId: string, step: () => Promise<void>): Promise<RefreshResult> {
    const { items, nearPairs, thumbnails } = await proposalItems(db, caseId);
    const cropPairs = await findCrops(deps.blobs, items, nearPairs, thumbnails, step);
    const computed = await run(computeProposalSteps(items, { nearPairs, cropPairs }), step);
    const now = nowIso();
    return db.transaction().execute(async (trx) => {
      const existing = new Map((await trx.selectFrom('series_proposals').selectAll().where('case_id', '=', caseId).execute()).map((r) => [r.key, r]));
      let added = 0;
      const seen = new Set<string>();
      for (const p of computed) {
        seen.add(p.key);
        const values = { kind: p.kind, bases: JSON.stringify(p.bases), evidence: JSON.stringify(p.evidence), media_ids: JSON.stringify(p.mediaIds), series_ids: JSON.stringify(p.seriesIds), size: p.members.length, computed_at: now };
        const row = existing.get(p.key);
        if (!row) {
          await trx.insertInto('series_proposals').values({ id: newId(), case_id: caseId, key: p.key, status: 'open', decided_by: null, decided_at: null, reason: null, series_id: null, ...values }).execute();
          added++;
        } else if (row.status === 'dismissed') {
          await trx.updateTable('series_proposals').set({ computed_at: now }).where('id', '=', row.id).execute();
        } else {
          // An accepted proposal that comes back was undone since: it is open again.
          await trx.updateTable('series_proposals').set({ ...values, status: 'open', decided_by: null, decided_at: null, reason: null, series_id: null }).where('id', '=', row.id).execute();
        }
      }
      const stale = [...existing.values()].filter((r) => r.status === 'open' && !seen.has(r.key)).map((r) => r.id);
      for (let i = 0; i < stale.length; i += 500) await trx.deleteFrom('series_proposals').where('id', 'in', stale.slice(i, i + 500)).execute();
      const open = computed.filter((p) => existing.get(p.key)?.status !== 'dismissed').length;
      await audit.record(trx, {
        actor: ctx.actor,
        operation: 'combination',
        action: 'series.propose',
        object: { type: 'series-proposal' },
        caseId,
        details: { media: items.length, open, added, removed: stale.length, croppedLinks: cropPairs.length },
        requestId: ctx.requestId ?? null,
        ip: ctx.ip ?? null,
      });
      return { open, added, removed: stale.length, media: items.length, queued: false };
    });
  }

  deps.jobs.register<ProposeJob, RefreshResult>(PROPOSE_JOB, async (job) => {
    let last = Date.now();
    return computeAndStore({ actor: job.payload.actor }, job.payload.caseId, async () => {
      if (job.signal.aborted) throw new Error('stopped');
      // The lease is renewed with progress; the event loop is handed back at every step.
      if (Date.now() - last > 10_000) {
        last = Date.now();
        await job.progress({ at: nowIso() });
      }
      await yieldToLoop();
    });
  });

  async function toProposals(rows: Row[]): Promise<Proposal[]> {
    const seriesIds = [...new Set(rows.flatMap((r) => JSON.parse(r.series_ids) as string[]))];
    const named = seriesIds.length ? await db.selectFrom('series').select(['id', 'code', 'name']).where('id', 'in', seriesIds).execute() : [];
    const byId = new Map(named.map((s) => [s.id, s]));
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind as ProposalKind,
      bases: JSON.parse(r.bases) as ProposalBasis[],
      evidence: JSON.parse(r.evidence) as ProposalEvidence,
      mediaIds: JSON.parse(r.media_ids) as string[],
      series: (JSON.parse(r.series_ids) as string[]).map((id) => byId.get(id) ?? { id, code: '?', name: '' }),
      size: r.size,
      status: r.status as Proposal['status'],
      computedAt: r.computed_at,
      decidedAt: r.decided_at,
      reason: r.reason,
      seriesId: r.series_id,
    }));
  }

  async function requireProposal(caseId: string, id: string): Promise<Row> {
    const row = await db.selectFrom('series_proposals').selectAll().where('id', '=', id).where('case_id', '=', caseId).executeTakeFirst();
    if (!row) throw new NotFoundError('The proposal');
    return row;
  }

  return {
    async list(ctx: RequestContext, caseId: string, query: ProposalQuery = {}): Promise<{ items: Proposal[]; total: number; refreshing: boolean }> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const status = query.status ?? 'open';
      const base = db.selectFrom('series_proposals').where('case_id', '=', caseId).where('status', '=', status);
      const total = await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst();
      const rows = await base.selectAll().orderBy('size', 'desc').orderBy('key').limit(query.limit ?? 100).offset(query.offset ?? 0).execute();
      const items = await toProposals(rows);
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'consultation',
        action: 'series.proposals.list',
        object: { type: 'series-proposal' },
        caseId,
        justification: ctx.justification ?? null,
        details: { status, returned: items.length },
        requestId: ctx.requestId ?? null,
        ip: ctx.ip ?? null,
      });
      return { items, total: Number(total?.n ?? 0), refreshing: !!(await pendingJob(caseId)) };
    },

    /**
     * Computes the proposals again from the case's media as they are now: while the request waits for a case of up to
     * INLINE_PROPOSAL_MEDIA items, in a background job for a larger one (`queued`; the list says when it runs).
     */
    async refresh(ctx: RequestContext, caseId: string, options: { inline?: boolean } = {}): Promise<RefreshResult> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const media = Number((await db.selectFrom('case_media').select(sql<number>`count(*)`.as('n')).where('case_id', '=', caseId).executeTakeFirst())?.n ?? 0);
      if (options.inline || media <= (deps.inlineLimit ?? INLINE_PROPOSAL_MEDIA)) return computeAndStore(ctx, caseId, yieldToLoop);
      if (!(await pendingJob(caseId))) {
        await deps.jobs.enqueue<ProposeJob>(PROPOSE_JOB, { caseId, actor: ctx.actor }, { agencyId: ctx.actor.agencyId ?? null, createdBy: ctx.actor.kind === 'user' ? ctx.actor.userId : null, maxAttempts: 2 });
      }
      const open = await db.selectFrom('series_proposals').select(sql<number>`count(*)`.as('n')).where('case_id', '=', caseId).where('status', '=', 'open').executeTakeFirst();
      return { open: Number(open?.n ?? 0), added: 0, removed: 0, media, queued: true };
    },

    /** Accepts a proposal: a new series, or the series extended, or the series merged (into the oldest). */
    async accept(ctx: RequestContext, caseId: string, proposalId: string, input: AcceptProposal = {}): Promise<SeriesDetail> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const row = await requireProposal(caseId, proposalId);
      if (row.status !== 'open') throw new ConflictError(`This proposal was ${row.status} already.`, 'proposal-decided');
      const [p] = await toProposals([row]);
      const reason = input.reason ?? `accepted a proposal (${p!.bases.join(', ')})`;
      const action = p!.kind === 'new' ? 'series.create' : p!.kind === 'extend' ? 'series.add' : 'series.merge';
      await series.change(
        ctx,
        caseId,
        p!.series[0]?.id ?? '',
        action,
        reason,
        async (trx) => {
          const current = await series.requireMedia(caseId, p!.mediaIds, trx);
          // Items someone put in a series since the proposal was computed stay where they are.
          const free = new Map([...current].filter(([, s]) => s === null));
          const ops: Op[] = [];
          let target: string;
          let summary: string;
          if (p!.kind === 'new') {
            if (free.size < 2) throw new ConflictError('The proposal is out of date (its items were grouped since): refresh the proposals.', 'proposal-stale');
            const created = await series.insertSeries(trx, ctx, caseId, input.name ?? defaultName(p!), '');
            target = created.id;
            ops.push({ op: 'series', seriesId: created.id, before: { state: 'dissolved' }, after: { state: 'active' } });
            summary = `created ${created.code} "${created.name}" from a proposal with ${free.size} items`;
            if (p!.evidence.victimIdentified) {
              const after: SeriesFields = { status: 'identified', identified_by: null, identified_on: null, identified_country: null, identification_source: 'import' };
              ops.push({ op: 'series', seriesId: created.id, before: { status: 'unidentified', identified_by: null, identified_on: null, identified_country: null, identification_source: null }, after });
              summary += ' (a known hash set marks its victim identified)';
            }
          } else {
            const rows = await Promise.all(p!.series.map((s) => series.requireSeries(caseId, s.id, trx)));
            if (rows.some((r) => r.state !== 'active')) throw new ConflictError('A series of this proposal was merged or dissolved since: refresh the proposals.', 'proposal-stale');
            rows.sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
            target = rows[0]!.id;
            summary = `added ${free.size} item${free.size === 1 ? '' : 's'} to ${rows[0]!.code} from a proposal`;
            for (const other of rows.slice(1)) {
              const media = await trx.selectFrom('series_media').select('media_id').where('case_id', '=', caseId).where('series_id', '=', other.id).execute();
              if (media.length) ops.push({ op: 'move', moves: media.map((m) => ({ mediaId: m.media_id, from: other.id, to: target })) });
              ops.push({ op: 'series', seriesId: other.id, before: { state: 'active', merged_into: null }, after: { state: 'merged', merged_into: target } });
            }
            if (rows.length > 1) summary = `merged ${rows.slice(1).map((r) => r.code).join(', ')} into ${rows[0]!.code} from a proposal${free.size ? `, with ${free.size} more items` : ''}`;
          }
          ops.push(...series.moveOps(free, target));
          return { subjectId: target, ops, summary };
        },
        {
          audit: { proposal: proposalId },
          alongside: async (trx, seriesId) => {
            await trx.updateTable('series_proposals').set({ status: 'accepted', decided_by: actorLabel(ctx), decided_at: nowIso(), reason, series_id: seriesId }).where('id', '=', proposalId).execute();
          },
        },
      );
      const decided = await requireProposal(caseId, proposalId);
      return series.get(ctx, caseId, decided.series_id!);
    },

    async dismiss(ctx: RequestContext, caseId: string, proposalId: string, reason?: string): Promise<Proposal> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const row = await requireProposal(caseId, proposalId);
      if (row.status !== 'open') throw new ConflictError(`This proposal was ${row.status} already.`, 'proposal-decided');
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('series_proposals').set({ status: 'dismissed', decided_by: actorLabel(ctx), decided_at: nowIso(), reason: reason ?? null }).where('id', '=', proposalId).execute();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'alteration',
          action: 'series.proposal.dismiss',
          object: { type: 'series-proposal', id: proposalId },
          caseId,
          justification: reason ?? null,
          details: { kind: row.kind, size: row.size },
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
        });
      });
      return (await toProposals([await requireProposal(caseId, proposalId)]))[0]!;
    },

    /** Reopens a dismissed proposal (a dismissal is a decision too, and can be taken back). */
    async reopen(ctx: RequestContext, caseId: string, proposalId: string): Promise<Proposal> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const row = await requireProposal(caseId, proposalId);
      if (row.status !== 'dismissed') throw new ConflictError('Only a dismissed proposal can be reopened.', 'proposal-not-dismissed');
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('series_proposals').set({ status: 'open', decided_by: null, decided_at: null, reason: null }).where('id', '=', proposalId).execute();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'alteration',
          action: 'series.proposal.reopen',
          object: { type: 'series-proposal', id: proposalId },
          caseId,
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
        });
      });
      return (await toProposals([await requireProposal(caseId, proposalId)]))[0]!;
    },
  };
}
