/**
 * Identification status across the network (issue 9): when a series is marked identified, every agency whose media
 * hit that series' media is told "series identified by agency X on date", in a notice sealed end to end (the hub
 * routes it unread); withdrawing the identification, or merging the series away, tells them again.
 *
 * The sender reconciles rather than reacts: what each agency should know (from the series and the hits as they are
 * now) is compared with what it was last told, and only the difference is sent. So hits that arrive later, an
 * identification undone, or a notice that failed to leave are all caught by the next pass, which runs after each
 * change and every few seconds. An agency is told only through hits on which it may know who we are: not through
 * an owner-only item of ours it has not been shown, and not before the hub has told us who it is.
 */
import type { Kysely } from 'kysely';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import type { AuditLog } from '../audit/audit-log.js';
import { EnvelopeRejected } from '../exchange/envelope.js';
import type { Exchange } from '../exchange/exchange.js';
import type { NoticeContent } from '../exchange/protocol.js';
import { systemActor } from '../identity/actor.js';
import { sendNotice } from '../matching/node/notices.js';
import { nowIso, UUID_PATTERN } from '../store/ids.js';
import type { Database } from '../store/schema.js';

export const TOPIC_SERIES_STATUS = 'victims.series-status';

/** Hits named in one notice; a series hit more often than this is named by its first hits (the rest follow). */
const MAX_HITS = 2000;
const EVERY_MS = 10_000;

const Uuid = Type.String({ pattern: UUID_PATTERN });
export const SeriesStatusBody = Type.Object(
  {
    seriesRef: Uuid,
    status: Type.Enum(['identified', 'withdrawn']),
    identifiedBy: Uuid,
    identifiedOn: Type.Union([Type.String({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), Type.Null()]),
    changedAt: Type.String({ maxLength: 40 }),
    hits: Type.Array(Uuid, { maxItems: MAX_HITS }),
  },
  { additionalProperties: false },
);
export type SeriesStatusBody = Static<typeof SeriesStatusBody>;
const checkBody = Compile(SeriesStatusBody);

export interface PropagationLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface PropagationResult {
  sent: number;
  identified: number;
  withdrawn: number;
}

export type SeriesPropagation = ReturnType<typeof createSeriesPropagation>;

export function createSeriesPropagation(deps: { db: Kysely<Database>; audit: AuditLog; exchange: Pick<Exchange, 'keys' | 'membership' | 'outbox' | 'inbox'> }) {
  const { db, audit, exchange } = deps;
  let log: PropagationLog | undefined;
  let timer: NodeJS.Timeout | null = null;
  let stopped = true;
  const running = new Map<string, Promise<PropagationResult>>();
  const inflight = new Set<Promise<unknown>>();
  const system = (agencyId: string) => systemActor('victim-identification', agencyId);

  /** What each agency should be told now about each series, from the agency's visible media hits. */
  async function desired(agencyId: string) {
    const rows = await db
      .selectFrom('match_hits as h')
      .innerJoin('match_items as i', 'i.ref', 'h.ref')
      .innerJoin('series_media as sm', (j) => j.onRef('sm.case_id', '=', 'i.case_id').onRef('sm.media_id', '=', 'i.item_id'))
      .innerJoin('series as s', 's.id', 'sm.series_id')
      .select(['h.hit_id', 'h.other_agency_id', 's.id as series_id', 's.case_id', 's.code', 's.state', 's.status', 's.identified_by', 's.identified_on', 's.identification_source', 's.updated_at'])
      .where('h.agency_id', '=', agencyId)
      .where('i.item_kind', '=', 'media')
      .where('h.other_agency_id', 'is not', null)
      // The other agency may learn who holds our item: our item is not owner-only, or we accepted the hit.
      .where((eb) => eb.or([eb('h.my_mode', '!=', 'owner'), eb('h.decision', '=', 'accepted')]))
      .orderBy('h.hit_id')
      .execute();
    const out = new Map<string, { seriesId: string; caseId: string; code: string; to: string; identified: boolean; identifiedBy: string | null; identifiedOn: string | null; changedAt: string; hits: string[] }>();
    for (const r of rows) {
      const key = `${r.series_id}:${r.other_agency_id}`;
      const entry = out.get(key) ?? {
        seriesId: r.series_id,
        caseId: r.case_id,
        code: r.code,
        to: r.other_agency_id!,
        // Only an identification made by an agency (not one a VICS file asserted) is announced.
        identified: r.state === 'active' && r.status === 'identified' && r.identification_source === 'agency' && !!r.identified_by,
        identifiedBy: r.identified_by,
        identifiedOn: r.identified_on,
        changedAt: r.updated_at,
        hits: [],
      };
      if (entry.hits.length < MAX_HITS) entry.hits.push(r.hit_id);
      out.set(key, entry);
    }
    return out;
  }

  async function send(agencyId: string, n: { seriesId: string; caseId: string; code: string; to: string }, body: SeriesStatusBody): Promise<void> {
    await sendNotice({ db, exchange }, agencyId, [n.to], TOPIC_SERIES_STATUS, body, async (trx) => {
      const values = { status: body.status, identified_on: body.identifiedOn, hits: JSON.stringify(body.hits), sent_at: nowIso() };
      await trx
        .insertInto('series_notifications')
        .values({ series_id: n.seriesId, from_agency_id: agencyId, to_agency_id: n.to, ...values })
        .onConflict((oc) => oc.columns(['series_id', 'from_agency_id', 'to_agency_id']).doUpdateSet(values))
        .execute();
      await audit.record(trx, {
        actor: system(agencyId),
        operation: 'disclosure',
        action: body.status === 'identified' ? 'series.status.send' : 'series.status.withdraw',
        object: { type: 'series', id: n.seriesId },
        caseId: n.caseId,
        recipients: [n.to],
        details: { series: n.code, status: body.status, identifiedBy: body.identifiedBy, identifiedOn: body.identifiedOn, hits: body.hits.length, disclosed: ['that a series our media hit is identified', 'by whom', 'on which date'] },
      });
    });
  }

  async function reconcile(agencyId: string): Promise<PropagationResult> {
    const result: PropagationResult = { sent: 0, identified: 0, withdrawn: 0 };
    const membership = await exchange.membership.membership(agencyId);
    if (!membership || membership.status !== 'active') return result;
    const want = await desired(agencyId);
    const told = await db.selectFrom('series_notifications').selectAll().where('from_agency_id', '=', agencyId).execute();
    const toldBy = new Map(told.map((t) => [`${t.series_id}:${t.to_agency_id}`, t]));

    const tries: { n: { seriesId: string; caseId: string; code: string; to: string }; body: SeriesStatusBody }[] = [];
    for (const [key, w] of want) {
      const prev = toldBy.get(key);
      if (w.identified) {
        const same = prev && prev.status === 'identified' && prev.identified_on === w.identifiedOn && prev.hits === JSON.stringify(w.hits);
        if (!same) tries.push({ n: w, body: { seriesRef: w.seriesId, status: 'identified', identifiedBy: w.identifiedBy!, identifiedOn: w.identifiedOn, changedAt: w.changedAt, hits: w.hits } });
      } else if (prev?.status === 'identified') {
        tries.push({ n: w, body: { seriesRef: w.seriesId, status: 'withdrawn', identifiedBy: agencyId, identifiedOn: null, changedAt: w.changedAt, hits: w.hits } });
      }
    }
    // Told "identified" about a series that no longer reaches that agency through a hit (merged away, items moved):
    // that is a withdrawal too.
    const gone = told.filter((t) => t.status === 'identified' && !want.has(`${t.series_id}:${t.to_agency_id}`));
    if (gone.length) {
      const series = await db.selectFrom('series').select(['id', 'case_id', 'code', 'updated_at']).where('id', 'in', [...new Set(gone.map((g) => g.series_id))]).execute();
      for (const g of gone) {
        const s = series.find((x) => x.id === g.series_id);
        tries.push({
          n: { seriesId: g.series_id, caseId: s?.case_id ?? '', code: s?.code ?? '', to: g.to_agency_id },
          body: { seriesRef: g.series_id, status: 'withdrawn', identifiedBy: agencyId, identifiedOn: null, changedAt: s?.updated_at ?? nowIso(), hits: JSON.parse(g.hits) as string[] },
        });
      }
    }
    for (const t of tries) {
      try {
        await send(agencyId, t.n, t.body);
        result.sent++;
        if (t.body.status === 'identified') result.identified++;
        else result.withdrawn++;
      } catch (err) {
        log?.warn({ agencyId, to: t.n.to, series: t.n.seriesId, err: err instanceof Error ? err.message : String(err) }, 'could not send a series status notice');
      }
    }
    if (result.sent) log?.info({ agencyId, ...result }, 'series identification status sent');
    return result;
  }

  /** One pass per agency at a time; a request during a pass runs again after it. */
  function propagate(agencyId: string): Promise<PropagationResult> {
    const previous = running.get(agencyId) ?? Promise.resolve(undefined);
    const run = () => reconcile(agencyId);
    const next = previous.then(run, run);
    running.set(agencyId, next);
    return next.finally(() => {
      if (running.get(agencyId) === next) running.delete(agencyId);
    });
  }

  async function propagateAll(): Promise<PropagationResult> {
    const total: PropagationResult = { sent: 0, identified: 0, withdrawn: 0 };
    for (const m of await exchange.membership.memberships()) {
      if (m.status !== 'active') continue;
      const r = await propagate(m.agencyId);
      total.sent += r.sent;
      total.identified += r.identified;
      total.withdrawn += r.withdrawn;
    }
    return total;
  }

  function track(work: Promise<unknown>): void {
    const p = work.catch((err) => log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'series status propagation failed')).finally(() => inflight.delete(p));
    inflight.add(p);
  }

  async function onStatus(agencyId: string, notice: NoticeContent): Promise<void> {
    if (!checkBody.Check(notice.body)) throw new EnvelopeRejected('malformed', 'a series status notice that does not follow the protocol');
    const body = notice.body as SeriesStatusBody;
    const known = body.hits.length
      ? await db
          .selectFrom('match_hits as h')
          .leftJoin('match_items as i', 'i.ref', 'h.ref')
          .select(['h.hit_id', 'h.other_agency_id', 'i.case_id'])
          .where('h.agency_id', '=', agencyId)
          .where('h.hit_id', 'in', body.hits)
          .execute()
      : [];
    // A hit whose other side the hub names as someone else: the sender cannot speak for it.
    if (known.some((k) => k.other_agency_id !== null && k.other_agency_id !== notice.from)) {
      throw new EnvelopeRejected('inconsistent', 'a series status naming hits whose other side is not the sender');
    }
    await db.transaction().execute(async (trx) => {
      const prev = await trx
        .selectFrom('series_remote_status')
        .select(['changed_at', 'status'])
        .where('agency_id', '=', agencyId)
        .where('from_agency_id', '=', notice.from)
        .where('series_ref', '=', body.seriesRef)
        .executeTakeFirst();
      // Notices can overtake each other: an older state never replaces a newer one.
      if (prev && prev.changed_at > body.changedAt) return;
      const values = { status: body.status, identified_by: body.identifiedBy, identified_on: body.identifiedOn, changed_at: body.changedAt, received_at: nowIso() };
      await trx
        .insertInto('series_remote_status')
        .values({ agency_id: agencyId, from_agency_id: notice.from, series_ref: body.seriesRef, ...values })
        .onConflict((oc) => oc.columns(['agency_id', 'from_agency_id', 'series_ref']).doUpdateSet(values))
        .execute();
      if (body.status === 'identified' || !prev) {
        await trx.deleteFrom('series_remote_hits').where('agency_id', '=', agencyId).where('from_agency_id', '=', notice.from).where('series_ref', '=', body.seriesRef).execute();
        if (body.hits.length) {
          await trx
            .insertInto('series_remote_hits')
            .values([...new Set(body.hits)].map((hit) => ({ agency_id: agencyId, from_agency_id: notice.from, series_ref: body.seriesRef, hit_id: hit })))
            .execute();
        }
      }
      const cases = [...new Set(known.map((k) => k.case_id))];
      for (const caseId of cases.length ? cases : [null]) {
        await audit.record(trx, {
          actor: system(agencyId),
          operation: 'collection',
          action: body.status === 'identified' ? 'series.status.receive' : 'series.status.withdrawn',
          object: { type: 'series-status', id: body.seriesRef },
          caseId,
          details: { from: notice.from, identifiedBy: body.identifiedBy, identifiedOn: body.identifiedOn, hits: body.hits.length },
        });
      }
    });
  }

  exchange.inbox.onNotice(TOPIC_SERIES_STATUS, onStatus);

  return {
    propagate,
    propagateAll,

    /** After a change that may alter what others should know: a pass soon, off the request's path. */
    kick(): void {
      if (!stopped) setImmediate(() => !stopped && track(propagateAll()));
    },

    start(logger?: PropagationLog, options: { background?: boolean } = {}): void {
      log = logger;
      stopped = false;
      if (options.background === false) return;
      let busy = false;
      timer = setInterval(() => {
        if (busy || stopped) return;
        busy = true;
        track(propagateAll().finally(() => (busy = false)));
      }, EVERY_MS);
      timer.unref();
    },

    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.all([...inflight]);
      await Promise.all([...running.values()].map((p) => p.catch(() => undefined)));
    },
  };
}
