import type { Kysely, Selectable, Transaction } from 'kysely';
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { CaseAccessPolicy, ParticipantAccess } from '../../cases/case-access.js';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { Actor } from '../../identity/actor.js';
import type { RequestContext } from '../../identity/context.js';
import { newId, nowIso } from '../../store/ids.js';
import type { Database, RecordsTable } from '../../store/schema.js';
import { fromExtracted, replaceSourceSelectors, type SelectorValue } from '../correlation/selector-store.js';
import { formatGrading } from '../grading.js';
import { extractSelectors } from '../selectors/extract.js';
import { normaliseSelector } from '../selectors/normalise.js';
import type { DataSubjectCategory, FactOrAssessment, Grading, HandlingCode, HandlingRestriction, RecordKind } from '../vocabulary.js';
import { mayView } from './handling-policy.js';
import type { IntelRecord, NewRecord, RecordListQuery, RecordPatch, RecordVersion } from './record-schemas.js';
import { recordVisible } from './visibility.js';

export type RecordService = ReturnType<typeof createRecordService>;

/** Grading when none is given: Europol X4, "source cannot be assessed, information not corroborated". */
export const DEFAULT_GRADING: Grading = { scheme: 'europol-4x4', source: 'X', information: '4' };

const CONTRIBUTOR_ROLES = ['investigator', 'victim-id', 'analyst'] as const;

type RecordRow = Selectable<RecordsTable> & { originator_name: string };

/** The fields an edit may change; a version keeps them as they were. */
const VERSIONED_FIELDS = ['text', 'grading', 'handling_code', 'handling_restrictions', 'data_subject', 'fact_or_assessment', 'review_date', 'occurred_at', 'thread', 'url'] as const;

/** The agency whose view applies: a user's, or the one a system actor acts for; null is the node itself (sees all). */
export function agencyOf(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.agencyId : (actor.agencyId ?? null);
}

export function actorLabel(actor: Actor): string {
  return actor.kind === 'user' ? actor.username : `system:${actor.name}`;
}

/** The region used for national-format phone numbers: the country of the case's lead agency, when it has a plan. */
export async function caseRegion(db: Kysely<Database>, caseId: string): Promise<{ region: CountryCode | undefined; leadAgencyId: string }> {
  const row = await db
    .selectFrom('cases')
    .innerJoin('agencies', 'agencies.id', 'cases.lead_agency_id')
    .select(['agencies.country', 'cases.lead_agency_id'])
    .where('cases.id', '=', caseId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('The case');
  const country = row.country.toUpperCase();
  return { region: isSupportedCountry(country) ? (country as CountryCode) : undefined, leadAgencyId: row.lead_agency_id };
}

/** The platform part of a normalised handle (`name@platform`), the default for bare @mentions in its posts. */
export function platformOfHandle(handle: string | null): string | undefined {
  if (!handle) return undefined;
  const at = handle.lastIndexOf('@');
  return at > 0 ? handle.slice(at + 1) : undefined;
}

export function toRecord(row: RecordRow, can: { edit: boolean; delete: boolean }): IntelRecord {
  const grading = JSON.parse(row.grading) as Grading;
  return {
    id: row.id,
    caseId: row.case_id,
    kind: row.kind as RecordKind,
    text: row.text,
    originatorAgencyId: row.originator_agency_id,
    originatorAgencyName: row.originator_name,
    authorName: row.author_name,
    grading,
    gradingText: formatGrading(grading),
    handlingCode: row.handling_code as HandlingCode,
    handlingRestrictions: JSON.parse(row.handling_restrictions) as HandlingRestriction[],
    dataSubject: row.data_subject as DataSubjectCategory,
    factOrAssessment: row.fact_or_assessment as FactOrAssessment,
    reviewDate: row.review_date,
    subject: row.subject,
    identityId: row.identity_id,
    occurredAt: row.occurred_at,
    thread: row.thread,
    url: row.url,
    source: row.source,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    can,
  };
}

/**
 * Intelligence records of a case. Reading needs `case.read` and a handling code that lets the reader's agency see the
 * record (handling-policy.ts); writing needs `case.contribute`, and only the originator agency edits or erases its
 * records. Every read is a consultation event, every change an audit event in the change's own transaction.
 */
export function createRecordService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy }) {
  const { db, audit, access } = deps;

  function permissions(actor: Actor, level: ParticipantAccess, row: { originator_agency_id: string }): { edit: boolean; delete: boolean } {
    if (actor.kind === 'system') return { edit: true, delete: true };
    const contributes = level !== 'read' && actor.roles.some((r) => (CONTRIBUTOR_ROLES as readonly string[]).includes(r));
    const own = row.originator_agency_id === actor.agencyId;
    return { edit: contributes && own, delete: contributes && own };
  }

  function baseQuery(trx: Kysely<Database> = db) {
    return trx.selectFrom('records').innerJoin('agencies as originator', 'originator.id', 'records.originator_agency_id').selectAll('records').select('originator.name as originator_name');
  }

  /** The record if the actor may see it; otherwise "not found", so its existence is not disclosed either. */
  async function loadVisible(actor: Actor, caseId: string, recordId: string, trx: Kysely<Database> = db): Promise<RecordRow> {
    const row = await baseQuery(trx).where('records.id', '=', recordId).where('records.case_id', '=', caseId).where('records.deleted_at', 'is', null).executeTakeFirst();
    if (!row || !mayView({ handlingCode: row.handling_code as HandlingCode, originatorAgencyId: row.originator_agency_id }, agencyOf(actor))) {
      throw new NotFoundError('The record');
    }
    return row;
  }

  async function identityFor(actor: Actor, caseId: string, identityId: string, trx: Kysely<Database>): Promise<RecordRow> {
    const identity = await loadVisible(actor, caseId, identityId, trx).catch(() => null);
    if (!identity || identity.kind !== 'online-identity') throw new BadRequestError('identityId must be an online identity of this case.', 'unknown-identity');
    return identity;
  }

  /** Extracts the text's selectors (and the identity's own handle) as suggestions linked to the record. */
  async function linkSelectors(trx: Transaction<Database>, row: Pick<RecordsTable, 'id' | 'case_id' | 'text' | 'subject' | 'kind' | 'handling_code' | 'originator_agency_id'>, region: CountryCode | undefined, platform: string | undefined): Promise<number> {
    const found: (SelectorValue & { start: number; end: number })[] = fromExtracted(
      extractSelectors(row.text, { ...(region ? { defaultRegion: region } : {}), ...(platform ? { defaultPlatform: platform } : {}) }),
    );
    if (row.kind === 'online-identity' && row.subject) found.push({ type: 'handle', normalised: row.subject, raw: row.subject, valid: true, start: -1, end: -1 });
    const ids = await replaceSourceSelectors(trx, {
      caseId: row.case_id,
      sourceType: 'record',
      sourceId: row.id,
      found,
      defaults: { origin: 'extracted', status: 'suggested', agencyId: row.originator_agency_id, handlingCode: row.handling_code as HandlingCode },
    });
    return ids.size;
  }

  return {
    loadVisible,

    async create(ctx: RequestContext, caseId: string, input: NewRecord): Promise<IntelRecord> {
      const granted = await access.require(ctx.actor, 'case.contribute', [caseId]);
      const { region, leadAgencyId } = await caseRegion(db, caseId);
      const agencyId = agencyOf(ctx.actor) ?? leadAgencyId;
      let subject: string | null = null;
      if (input.kind === 'online-identity') {
        if (!input.subject) throw new BadRequestError('An online identity needs its handle in subject (e.g. name@telegram).', 'subject-required');
        const n = normaliseSelector('handle', input.subject);
        if (!n.valid) throw new BadRequestError(`The handle "${input.subject}" is not valid: ${n.reason ?? 'unrecognised'}.`, 'invalid-handle');
        subject = n.normalised;
      } else if (input.subject !== undefined) {
        throw new BadRequestError('Only online identities carry a subject.', 'subject-not-allowed');
      }
      const id = newId();
      const now = nowIso();
      const who = actorLabel(ctx.actor);
      return db.transaction().execute(async (trx) => {
        let platform: string | undefined;
        if (input.identityId) platform = platformOfHandle((await identityFor(ctx.actor, caseId, input.identityId, trx)).subject);
        if (subject) {
          const taken = await trx.selectFrom('records').select('id').where('case_id', '=', caseId).where('kind', '=', 'online-identity').where('subject', '=', subject).where('deleted_at', 'is', null).executeTakeFirst();
          if (taken) throw new ConflictError(`The case already has the online identity ${subject}.`, 'identity-exists');
          platform = platformOfHandle(subject);
        }
        const row: RecordsTable = {
          id,
          case_id: caseId,
          kind: input.kind,
          text: input.text,
          originator_agency_id: agencyId,
          author_id: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
          author_name: who,
          grading: JSON.stringify(input.grading ?? DEFAULT_GRADING),
          handling_code: input.handlingCode,
          handling_restrictions: JSON.stringify(input.handlingRestrictions ?? []),
          data_subject: input.dataSubject,
          fact_or_assessment: input.factOrAssessment ?? 'fact',
          review_date: input.reviewDate ?? null,
          subject,
          identity_id: input.identityId ?? null,
          occurred_at: input.occurredAt ? new Date(input.occurredAt).toISOString() : null,
          thread: input.thread ?? null,
          url: input.url ?? null,
          source: null,
          version: 1,
          created_at: now,
          updated_at: now,
          updated_by: who,
          deleted_at: null,
          deleted_by: null,
          deletion_reason: null,
        };
        await trx.insertInto('records').values(row).execute();
        const selectors = await linkSelectors(trx, row, region, platform);
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'collection',
          action: 'record.create',
          object: { type: 'record', id },
          caseId,
          details: { kind: input.kind, handlingCode: input.handlingCode, selectors },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
        const created = await baseQuery(trx).where('records.id', '=', id).executeTakeFirstOrThrow();
        return toRecord(created, permissions(ctx.actor, granted.get(caseId)!, created));
      });
    },

    async get(ctx: RequestContext, caseId: string, recordId: string): Promise<IntelRecord> {
      const granted = await access.require(ctx.actor, 'case.read', [caseId]);
      const row = await loadVisible(ctx.actor, caseId, recordId);
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'consultation',
        action: 'record.read',
        object: { type: 'record', id: recordId },
        caseId,
        justification: ctx.justification,
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return toRecord(row, permissions(ctx.actor, granted.get(caseId)!, row));
    },

    /** Records the actor may see, newest first (by when they happened, else when recorded). One consultation event lists them. */
    async list(ctx: RequestContext, caseId: string, query: RecordListQuery): Promise<{ items: IntelRecord[]; total: number }> {
      const granted = await access.require(ctx.actor, 'case.read', [caseId]);
      const agencyId = agencyOf(ctx.actor);
      let q = db
        .selectFrom('records')
        .where('records.case_id', '=', caseId)
        .where((eb) => recordVisible(eb, agencyId));
      if (query.kind) q = q.where('records.kind', '=', query.kind);
      if (query.identityId) q = q.where('records.identity_id', '=', query.identityId);
      if (query.q?.trim()) {
        const pattern = `%${query.q.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q = q.where((eb) => eb(eb.fn('lower', ['records.text']), 'like', eb.val(pattern)));
      }
      if (query.from) q = q.where((eb) => eb(eb.fn.coalesce('records.occurred_at', 'records.created_at'), '>=', new Date(query.from!).toISOString()));
      if (query.to) q = q.where((eb) => eb(eb.fn.coalesce('records.occurred_at', 'records.created_at'), '<=', new Date(query.to!).toISOString()));
      const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const rows = await q
        .innerJoin('agencies as originator', 'originator.id', 'records.originator_agency_id')
        .selectAll('records')
        .select('originator.name as originator_name')
        .orderBy((eb) => eb.fn.coalesce('records.occurred_at', 'records.created_at'), 'desc')
        .orderBy('records.id', 'desc')
        .limit(query.limit ?? 50)
        .offset(query.offset ?? 0)
        .execute();
      const level = granted.get(caseId)!;
      const items = rows.map((r) => toRecord(r, permissions(ctx.actor, level, r)));
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'consultation',
        action: 'record.list',
        object: { type: 'record', id: items.length === 1 ? items[0]!.id : null },
        caseId,
        justification: ctx.justification,
        details: { recordIds: items.map((i) => i.id), kind: query.kind ?? null, q: query.q ?? null },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return { items, total: Number(total.n) };
    },

    async update(ctx: RequestContext, caseId: string, recordId: string, patch: RecordPatch): Promise<IntelRecord> {
      const granted = await access.require(ctx.actor, 'case.contribute', [caseId]);
      const { region } = await caseRegion(db, caseId);
      return db.transaction().execute(async (trx) => {
        const row = await loadVisible(ctx.actor, caseId, recordId, trx);
        if (!permissions(ctx.actor, granted.get(caseId)!, row).edit) throw new ForbiddenError('Only the originator agency edits its records.');
        if (patch.expectedVersion !== undefined && patch.expectedVersion !== row.version) {
          throw new ConflictError(`The record was changed meanwhile (now version ${row.version}); reload it and edit again.`, 'version-conflict');
        }
        const changes: Partial<RecordsTable> = {};
        if (patch.text !== undefined) changes.text = patch.text;
        if (patch.grading !== undefined) changes.grading = JSON.stringify(patch.grading);
        if (patch.handlingCode !== undefined) changes.handling_code = patch.handlingCode;
        if (patch.handlingRestrictions !== undefined) changes.handling_restrictions = JSON.stringify(patch.handlingRestrictions);
        if (patch.dataSubject !== undefined) changes.data_subject = patch.dataSubject;
        if (patch.factOrAssessment !== undefined) changes.fact_or_assessment = patch.factOrAssessment;
        if (patch.reviewDate !== undefined) changes.review_date = patch.reviewDate;
        if (patch.occurredAt !== undefined) changes.occurred_at = patch.occurredAt ? new Date(patch.occurredAt).toISOString() : null;
        if (patch.thread !== undefined) changes.thread = patch.thread;
        if (patch.url !== undefined) changes.url = patch.url;
        const fields = Object.keys(changes).filter((k) => (changes as Record<string, unknown>)[k] !== (row as Record<string, unknown>)[k]);
        if (fields.length === 0) return toRecord(row, permissions(ctx.actor, granted.get(caseId)!, row));

        const content = Object.fromEntries(VERSIONED_FIELDS.map((f) => [f, row[f]]));
        await trx.insertInto('record_versions').values({ record_id: recordId, version: row.version, content: JSON.stringify(content), saved_at: row.updated_at, saved_by: row.updated_by }).execute();
        const updated = await trx
          .updateTable('records')
          .set({ ...changes, version: row.version + 1, updated_at: nowIso(), updated_by: actorLabel(ctx.actor) })
          .where('id', '=', recordId)
          .where('version', '=', row.version)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) throw new ConflictError('The record was changed meanwhile; reload it and edit again.', 'version-conflict');
        const after = await baseQuery(trx).where('records.id', '=', recordId).executeTakeFirstOrThrow();
        if (changes.text !== undefined || changes.handling_code !== undefined) {
          const identity = after.identity_id ? await trx.selectFrom('records').select('subject').where('id', '=', after.identity_id).executeTakeFirst() : undefined;
          await linkSelectors(trx, after, region, platformOfHandle(after.kind === 'online-identity' ? after.subject : (identity?.subject ?? null)));
        }
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'alteration',
          action: 'record.update',
          object: { type: 'record', id: recordId },
          caseId,
          details: { fields, version: after.version },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
        return toRecord(after, permissions(ctx.actor, granted.get(caseId)!, after));
      });
    },

    /** Soft erasure: the record disappears from every view and export; the row and its versions stay for the audit. */
    async remove(ctx: RequestContext, caseId: string, recordId: string, reason: string): Promise<void> {
      const granted = await access.require(ctx.actor, 'case.contribute', [caseId]);
      await db.transaction().execute(async (trx) => {
        const row = await loadVisible(ctx.actor, caseId, recordId, trx);
        if (!permissions(ctx.actor, granted.get(caseId)!, row).delete) throw new ForbiddenError('Only the originator agency erases its records.');
        const now = nowIso();
        await trx.updateTable('records').set({ deleted_at: now, deleted_by: actorLabel(ctx.actor), deletion_reason: reason }).where('id', '=', recordId).execute();
        // Posts written under an erased identity stay (they are records of their own) but no longer point to it.
        if (row.kind === 'online-identity') await trx.updateTable('records').set({ identity_id: null }).where('identity_id', '=', recordId).execute();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'erasure',
          action: 'record.delete',
          object: { type: 'record', id: recordId },
          caseId,
          justification: ctx.justification ?? reason,
          details: { reason, kind: row.kind },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      });
    },

    /** Every saved version, oldest first, the current one last. */
    async history(ctx: RequestContext, caseId: string, recordId: string): Promise<RecordVersion[]> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const row = await loadVisible(ctx.actor, caseId, recordId);
      const older = await db.selectFrom('record_versions').selectAll().where('record_id', '=', recordId).orderBy('version').execute();
      const version = (n: number, savedAt: string, savedBy: string, c: Record<string, any>): RecordVersion => ({
        version: n,
        savedAt,
        savedBy,
        text: c.text,
        grading: JSON.parse(c.grading),
        handlingCode: c.handling_code,
        handlingRestrictions: JSON.parse(c.handling_restrictions),
        dataSubject: c.data_subject,
        factOrAssessment: c.fact_or_assessment,
        reviewDate: c.review_date,
        occurredAt: c.occurred_at,
        thread: c.thread,
        url: c.url,
      });
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'consultation',
        action: 'record.history',
        object: { type: 'record', id: recordId },
        caseId,
        justification: ctx.justification,
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return [...older.map((v) => version(v.version, v.saved_at, v.saved_by, JSON.parse(v.content))), version(row.version, row.updated_at, row.updated_by, row)];
    },
  };
}
