import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import type { RequestContext } from '../identity/context.js';
import { newId, nowIso } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import { canCreateCases, type CaseAccessPolicy, type ParticipantAccess } from './case-access.js';
import type { Case, CaseListQuery, CasePatch, CaseStatus, CaseSummary, NewCase, Participant } from './case-schemas.js';

export type CaseService = ReturnType<typeof createCaseService>;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function createCaseService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy }) {
  const { db, audit, access } = deps;

  async function participants(caseId: string, trx: Kysely<Database> = db): Promise<Participant[]> {
    const rows = await trx
      .selectFrom('case_participants')
      .innerJoin('agencies', 'agencies.id', 'case_participants.agency_id')
      .select(['case_participants.agency_id', 'agencies.name', 'agencies.country', 'case_participants.access', 'case_participants.added_at'])
      .where('case_participants.case_id', '=', caseId)
      .orderBy('case_participants.added_at')
      .execute();
    return rows.map((r) => ({ agencyId: r.agency_id, agencyName: r.name, country: r.country, access: r.access as ParticipantAccess, addedAt: r.added_at }));
  }

  async function load(ctx: RequestContext, id: string, myAccess: ParticipantAccess, trx: Kysely<Database> = db): Promise<Case> {
    const row = await trx
      .selectFrom('cases')
      .innerJoin('agencies', 'agencies.id', 'cases.lead_agency_id')
      .selectAll('cases')
      .select('agencies.name as lead_agency_name')
      .where('cases.id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('The case');
    const roles = ctx.actor.kind === 'user' ? ctx.actor.roles : [];
    return {
      id: row.id,
      reference: row.reference,
      title: row.title,
      status: row.status as CaseStatus,
      leadAgencyId: row.lead_agency_id,
      leadAgencyName: row.lead_agency_name,
      access: myAccess,
      reviewDate: row.review_date,
      updatedAt: row.updated_at,
      description: row.description,
      legalAuthority: row.legal_authority,
      createdAt: row.created_at,
      createdBy: row.created_by,
      participants: await participants(id, trx),
      can: {
        update: myAccess === 'lead' && roles.includes('investigator'),
        contribute: myAccess !== 'read' && roles.some((r) => r === 'investigator' || r === 'victim-id' || r === 'analyst'),
      },
    };
  }

  async function checkParticipantAgencies(trx: Kysely<Database>, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = await trx.selectFrom('agencies').select('id').where('id', 'in', ids).execute();
    if (found.length !== new Set(ids).size) throw new BadRequestError('A participating agency is not known to this node.', 'unknown-agency');
  }

  return {
    async list(ctx: RequestContext, query: CaseListQuery): Promise<{ items: CaseSummary[]; total: number }> {
      if (!access.mayReadCases(ctx.actor)) throw new ForbiddenError('Your role does not give access to case content.');
      const agencyId = ctx.actor.agencyId;
      if (!agencyId) return { items: [], total: 0 };
      let q = db
        .selectFrom('cases')
        .innerJoin('case_participants as me', (j) => j.onRef('me.case_id', '=', 'cases.id').on('me.agency_id', '=', agencyId))
        .innerJoin('agencies as lead', 'lead.id', 'cases.lead_agency_id');
      if (query.status) q = q.where('cases.status', '=', query.status);
      if (query.q?.trim()) {
        const pattern = `%${escapeLike(query.q.trim().toLowerCase())}%`;
        q = q.where((eb) =>
          eb.or([
            eb(eb.fn('lower', ['cases.reference']), 'like', eb.val(pattern)),
            eb(eb.fn('lower', ['cases.title']), 'like', eb.val(pattern)),
            eb(eb.fn('lower', ['cases.description']), 'like', eb.val(pattern)),
          ]),
        );
      }
      const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const rows = await q
        .select(['cases.id', 'cases.reference', 'cases.title', 'cases.status', 'cases.lead_agency_id', 'lead.name as lead_name', 'me.access', 'cases.review_date', 'cases.updated_at'])
        .orderBy('cases.updated_at', 'desc')
        .orderBy('cases.id', 'desc')
        .limit(query.limit ?? 50)
        .offset(query.offset ?? 0)
        .execute();
      const items = rows.map((r) => ({
        id: r.id,
        reference: r.reference,
        title: r.title,
        status: r.status as CaseStatus,
        leadAgencyId: r.lead_agency_id,
        leadAgencyName: r.lead_name,
        access: r.access as ParticipantAccess,
        reviewDate: r.review_date,
        updatedAt: r.updated_at,
      }));
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'consultation',
        action: 'case.list',
        object: { type: 'case' },
        justification: ctx.justification,
        details: { q: query.q ?? null, status: query.status ?? null, returned: items.map((i) => i.id) },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return { items, total: Number(total.n) };
    },

    async get(ctx: RequestContext, id: string): Promise<Case> {
      const granted = await access.require(ctx.actor, 'case.read', [id]);
      const found = await load(ctx, id, granted.get(id)!);
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'consultation',
        action: 'case.read',
        object: { type: 'case', id },
        caseId: id,
        justification: ctx.justification,
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return found;
    },

    async create(ctx: RequestContext, input: NewCase): Promise<Case> {
      if (!canCreateCases(ctx.actor)) throw new ForbiddenError('Only investigators open cases.');
      const agencyId = ctx.actor.agencyId;
      if (!agencyId) throw new ForbiddenError('Cases belong to an agency; act as a user of one.');
      const id = newId();
      const now = nowIso();
      const others = (input.participants ?? []).filter((p) => p.agencyId !== agencyId);
      await db.transaction().execute(async (trx) => {
        const taken = await trx.selectFrom('cases').select('id').where('lead_agency_id', '=', agencyId).where('reference', '=', input.reference).executeTakeFirst();
        if (taken) throw new ConflictError(`Your agency already has a case with reference ${input.reference}.`, 'reference-taken');
        await checkParticipantAgencies(trx, others.map((p) => p.agencyId));
        await trx
          .insertInto('cases')
          .values({
            id,
            lead_agency_id: agencyId,
            reference: input.reference,
            title: input.title.trim(),
            description: input.description ?? '',
            status: 'open',
            legal_authority: input.legalAuthority ?? null,
            review_date: input.reviewDate ?? null,
            created_by: ctx.actor.kind === 'user' ? ctx.actor.username : ctx.actor.name,
            created_at: now,
            updated_at: now,
          })
          .execute();
        const addedBy = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
        await trx
          .insertInto('case_participants')
          .values([
            { case_id: id, agency_id: agencyId, access: 'lead', added_at: now, added_by: addedBy },
            ...others.map((p) => ({ case_id: id, agency_id: p.agencyId, access: p.access, added_at: now, added_by: addedBy })),
          ])
          .execute();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'collection',
          action: 'case.create',
          object: { type: 'case', id },
          caseId: id,
          details: { reference: input.reference, participants: others },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      });
      return load(ctx, id, 'lead');
    },

    async update(ctx: RequestContext, id: string, patch: CasePatch): Promise<Case> {
      const granted = await access.require(ctx.actor, 'case.update', [id]);
      const changes: Record<string, unknown> = {};
      if (patch.title !== undefined) changes.title = patch.title.trim();
      if (patch.description !== undefined) changes.description = patch.description;
      if (patch.status !== undefined) changes.status = patch.status;
      if (patch.legalAuthority !== undefined) changes.legal_authority = patch.legalAuthority;
      if (patch.reviewDate !== undefined) changes.review_date = patch.reviewDate;
      return db.transaction().execute(async (trx) => {
        await trx.updateTable('cases').set({ ...changes, updated_at: nowIso() }).where('id', '=', id).execute();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'alteration',
          action: 'case.update',
          object: { type: 'case', id },
          caseId: id,
          details: { fields: Object.keys(changes) },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
        return load(ctx, id, granted.get(id)!, trx);
      });
    },

    async setParticipant(ctx: RequestContext, id: string, agencyId: string, level: 'contribute' | 'read' | null): Promise<Case> {
      const granted = await access.require(ctx.actor, 'case.update', [id]);
      if (agencyId === ctx.actor.agencyId) throw new BadRequestError('The lead agency stays a participant; hand the case over instead.', 'lead-participant');
      return db.transaction().execute(async (trx) => {
        await checkParticipantAgencies(trx, [agencyId]);
        await trx.deleteFrom('case_participants').where('case_id', '=', id).where('agency_id', '=', agencyId).execute();
        if (level) {
          await trx
            .insertInto('case_participants')
            .values({ case_id: id, agency_id: agencyId, access: level, added_at: nowIso(), added_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null })
            .execute();
        }
        await trx.updateTable('cases').set({ updated_at: nowIso() }).where('id', '=', id).execute();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: level ? 'disclosure' : 'alteration',
          action: level ? 'case.participant.set' : 'case.participant.remove',
          object: { type: 'case', id },
          caseId: id,
          recipients: level ? [agencyId] : null,
          details: { agencyId, access: level },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
        return load(ctx, id, granted.get(id)!, trx);
      });
    },
  };
}
