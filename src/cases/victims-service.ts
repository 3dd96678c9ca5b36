/**
 * Victims: pseudonymous records (V-001) linked to series, with their status unidentified → identified → safeguarded,
 * the identifying agency, the date and the country. A name is recorded only if the agency chooses to: sealed at rest
 * under the node's master key, shown only to that agency's users, and never written to the history, exports or the
 * network. Status changes are the victim-ID specialist's and go into the history, where they can be undone.
 */
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { openSecret, sealSecret, type MasterKey } from '../exchange/crypto/master-key.js';
import type { RequestContext } from '../identity/context.js';
import { isCountryCode } from '../identity/country.js';
import { newId, nowIso } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import type { CaseAccessPolicy } from './case-access.js';
import type { Op, VictimFields } from './series-history.js';
import type { HistoryEvent } from './series-schemas.js';
import { actorLabel, agencyRefs, requireVictimIdRole, type SeriesService } from './series-service.js';
import type { NewVictim, Victim, VictimListQuery, VictimPatch, VictimStatus, VictimStatusBody } from './victims-schemas.js';

export type VictimService = ReturnType<typeof createVictimService>;

type Row = Database['victims'];

const NAME_PURPOSE = 'victim-local-name';

function today(): string {
  return nowIso().slice(0, 10);
}

function checkCountry(country: string | null | undefined): void {
  if (country && !isCountryCode(country)) throw new BadRequestError(`"${country}" is not an ISO 3166-1 alpha-2 country code.`, 'bad-country');
}

export function createVictimService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy; series: SeriesService; masterKey: MasterKey }) {
  const { db, audit, access, series, masterKey } = deps;

  const seal = (victimId: string, name: string) => sealSecret(masterKey, NAME_PURPOSE, Buffer.from(name, 'utf8'), victimId);

  async function requireVictim(caseId: string, victimId: string, trx: Kysely<Database> = db): Promise<Row> {
    const row = await trx.selectFrom('victims').selectAll().where('id', '=', victimId).where('case_id', '=', caseId).executeTakeFirst();
    if (!row) throw new NotFoundError('The victim record');
    return row;
  }

  async function requireActiveSeries(caseId: string, ids: readonly string[], trx: Kysely<Database>): Promise<string[]> {
    const unique = [...new Set(ids)].sort();
    for (const id of unique) {
      const s = await series.requireSeries(caseId, id, trx);
      if (s.state !== 'active') throw new ConflictError(`Series ${s.code} was merged or dissolved; link the victim to the series it went into.`, 'series-inactive');
    }
    return unique;
  }

  async function nextCode(trx: Kysely<Database>, caseId: string): Promise<string> {
    const rows = await trx.selectFrom('victims').select('code').where('case_id', '=', caseId).execute();
    const n = rows.reduce((max, r) => Math.max(max, Number(/^V-(\d+)$/.exec(r.code)?.[1] ?? 0)), 0);
    return `V-${String(n + 1).padStart(3, '0')}`;
  }

  async function toVictims(ctx: RequestContext, rows: Row[]): Promise<Victim[]> {
    if (rows.length === 0) return [];
    const links = await db
      .selectFrom('victim_series as vs')
      .innerJoin('series as s', 's.id', 'vs.series_id')
      .select(['vs.victim_id', 's.id', 's.code', 's.name', 's.status'])
      .where('vs.victim_id', 'in', rows.map((r) => r.id))
      .orderBy('s.code')
      .execute();
    const agencies = await agencyRefs(db, rows.map((r) => r.identified_by));
    return rows.map((r) => {
      const mine = !!ctx.actor.agencyId && ctx.actor.agencyId === r.agency_id;
      return {
        id: r.id,
        code: r.code,
        status: r.status as VictimStatus,
        identification: r.status === 'unidentified' ? null : { agency: r.identified_by ? (agencies.get(r.identified_by) ?? { id: r.identified_by, name: 'Unknown agency', country: '' }) : null, on: r.identified_on },
        safeguardedOn: r.safeguarded_on,
        country: r.country,
        notes: r.notes,
        localName: mine && r.local_name_sealed ? openSecret(masterKey, NAME_PURPOSE, Buffer.from(r.local_name_sealed), r.id).toString('utf8') : null,
        mine,
        series: links.filter((l) => l.victim_id === r.id).map((l) => ({ id: l.id, code: l.code, name: l.name, status: l.status as 'unidentified' | 'identified' })),
        createdBy: r.created_by,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        version: r.version,
      };
    });
  }

  async function one(ctx: RequestContext, caseId: string, victimId: string): Promise<Victim> {
    return (await toVictims(ctx, [await requireVictim(caseId, victimId)]))[0]!;
  }

  async function consulted(ctx: RequestContext, caseId: string, action: string, id: string | null, details: Record<string, unknown> | null = null) {
    await audit.record(db, {
      actor: ctx.actor,
      operation: 'consultation',
      action,
      object: { type: 'victim', id },
      caseId,
      justification: ctx.justification ?? null,
      details,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
    });
  }

  return {
    async list(ctx: RequestContext, caseId: string, query: VictimListQuery = {}): Promise<Victim[]> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      let q = db.selectFrom('victims').selectAll().where('case_id', '=', caseId);
      if (query.status) q = q.where('status', '=', query.status);
      if (query.seriesId) {
        const seriesId = query.seriesId;
        q = q.where((eb) => eb.exists(eb.selectFrom('victim_series as vs').select('vs.victim_id').whereRef('vs.victim_id', '=', 'victims.id').where('vs.series_id', '=', seriesId)));
      }
      const items = await toVictims(ctx, await q.orderBy('code').execute());
      await consulted(ctx, caseId, 'victim.list', null, { returned: items.map((v) => v.id) });
      return items;
    },

    async get(ctx: RequestContext, caseId: string, victimId: string): Promise<Victim> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const v = await one(ctx, caseId, victimId);
      await consulted(ctx, caseId, 'victim.read', victimId, v.localName ? { localNameShown: true } : null);
      return v;
    },

    async create(ctx: RequestContext, caseId: string, input: NewVictim): Promise<Victim> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      requireVictimIdRole(ctx, 'record victims');
      checkCountry(input.country);
      const agencyId = ctx.actor.agencyId;
      if (!agencyId) throw new ForbiddenError('Victims are recorded by an agency; act as a user of one.');
      let victimId = '';
      await series.change(ctx, caseId, '', 'victim.create', input.reason, async (trx) => {
        const linked = await requireActiveSeries(caseId, input.seriesIds ?? [], trx);
        const now = nowIso();
        victimId = newId();
        const code = await nextCode(trx, caseId);
        await trx
          .insertInto('victims')
          .values({
            id: victimId,
            case_id: caseId,
            agency_id: agencyId,
            code,
            status: 'unidentified',
            identified_by: null,
            identified_on: null,
            safeguarded_on: null,
            country: input.country ?? null,
            notes: input.notes ?? '',
            local_name_sealed: input.localName ? seal(victimId, input.localName.trim()) : null,
            version: 0,
            created_by: actorLabel(ctx),
            created_at: now,
            updated_at: now,
          })
          .execute();
        const ops: Op[] = linked.length ? [{ op: 'victim-series', victimId, before: [], after: linked }] : [];
        return { subjectId: victimId, ops, summary: `recorded victim ${code}${linked.length ? ` in ${linked.length} series` : ''}`, final: true };
      });
      return one(ctx, caseId, victimId);
    },

    /** Notes, country, linked series and the local name (the name itself never enters the history). */
    async update(ctx: RequestContext, caseId: string, victimId: string, patch: VictimPatch): Promise<Victim> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      requireVictimIdRole(ctx, 'edit victim records');
      checkCountry(patch.country);
      const row = await requireVictim(caseId, victimId);
      if (patch.localName !== undefined && row.agency_id !== ctx.actor.agencyId) throw new ForbiddenError('Only the agency that recorded this victim may record a name for it.');
      await series.change(ctx, caseId, victimId, 'victim.update', patch.reason, async (trx) => {
        const current = await requireVictim(caseId, victimId, trx);
        const ops: Op[] = [];
        const before: VictimFields = {};
        const after: VictimFields = {};
        if (patch.notes !== undefined && patch.notes !== current.notes) {
          before.notes = current.notes;
          after.notes = patch.notes;
        }
        if (patch.country !== undefined && patch.country !== current.country) {
          before.country = current.country;
          after.country = patch.country;
        }
        if (Object.keys(after).length) ops.push({ op: 'victim', victimId, before, after });
        if (patch.seriesIds !== undefined) {
          const was = (await trx.selectFrom('victim_series').select('series_id').where('victim_id', '=', victimId).execute()).map((r) => r.series_id).sort();
          const now = await requireActiveSeries(caseId, patch.seriesIds, trx);
          if (JSON.stringify(was) !== JSON.stringify(now)) ops.push({ op: 'victim-series', victimId, before: was, after: now });
        }
        let nameChange = '';
        if (patch.localName !== undefined) {
          await trx.updateTable('victims').set({ local_name_sealed: patch.localName === null ? null : seal(victimId, patch.localName.trim()) }).where('id', '=', victimId).execute();
          nameChange = patch.localName === null ? 'removed the local name' : 'recorded a local name';
        }
        if (ops.length === 0 && !nameChange) throw new BadRequestError('Nothing would change.', 'no-change');
        const parts = [...ops.map((o) => (o.op === 'victim-series' ? 'linked series' : Object.keys((o as { after: object }).after).join(', '))), nameChange].filter(Boolean);
        return { ops, summary: `updated ${current.code}: ${parts.join('; ')}` };
      });
      return one(ctx, caseId, victimId);
    },

    async setStatus(ctx: RequestContext, caseId: string, victimId: string, body: VictimStatusBody): Promise<Victim> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      requireVictimIdRole(ctx, 'change the status of victims');
      checkCountry(body.country);
      const agencyId = ctx.actor.agencyId;
      if (!agencyId) throw new ForbiddenError('Identification is made by an agency; act as a user of one.');
      const on = body.on ?? today();
      if (on > today()) throw new BadRequestError('The date is in the future.', 'future-date');
      await series.change(ctx, caseId, victimId, 'victim.status', body.reason, async (trx) => {
        const cur = await requireVictim(caseId, victimId, trx);
        if (cur.status === body.status) throw new ConflictError(`${cur.code} is ${cur.status} already.`, 'no-change');
        const forward = ['unidentified', 'identified', 'safeguarded'].indexOf(body.status) > ['unidentified', 'identified', 'safeguarded'].indexOf(cur.status);
        if (!forward && !body.reason) throw new BadRequestError('Going back to an earlier status is a correction: give the reason.', 'reason-required');
        const before: VictimFields = { status: cur.status, identified_by: cur.identified_by, identified_on: cur.identified_on, safeguarded_on: cur.safeguarded_on, country: cur.country };
        const after: VictimFields = { status: body.status, country: body.country ?? cur.country };
        if (body.status === 'unidentified') Object.assign(after, { identified_by: null, identified_on: null, safeguarded_on: null });
        else {
          const identifiedNow = cur.status === 'unidentified';
          Object.assign(after, { identified_by: identifiedNow ? agencyId : cur.identified_by, identified_on: identifiedNow ? on : cur.identified_on });
          after.safeguarded_on = body.status === 'safeguarded' ? on : null;
        }
        return { ops: [{ op: 'victim', victimId, before, after }], summary: `${cur.code}: ${cur.status} → ${body.status}${body.status === 'unidentified' ? '' : ` on ${on}`}` };
      });
      return one(ctx, caseId, victimId);
    },

    async history(ctx: RequestContext, caseId: string, victimId: string): Promise<HistoryEvent[]> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      await requireVictim(caseId, victimId);
      return series.history(ctx, caseId, victimId);
    },
  };
}
