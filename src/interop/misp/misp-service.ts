import type { Kysely, Transaction } from 'kysely';
import { Type, type Static } from 'typebox';
import type { AuditLog } from '../../audit/audit-log.js';
import type { CaseAccessPolicy } from '../../cases/case-access.js';
import { BadRequestError, ConflictError } from '../../errors.js';
import type { RequestContext } from '../../identity/context.js';
import { ensureSelectors, fromExtracted, insertSources, replaceSourceSelectors, selectorKey, type SelectorValue } from '../../intel/correlation/selector-store.js';
import { selectForExport } from '../../intel/records/export-selection.js';
import { DEFAULT_GRADING, actorLabel, agencyOf, caseRegion, platformOfHandle } from '../../intel/records/record-service.js';
import { extractSelectors } from '../../intel/selectors/extract.js';
import { normaliseSelector } from '../../intel/selectors/normalise.js';
import type { DataSubjectCategory, Grading, HandlingCode } from '../../intel/vocabulary.js';
import { newId, nowIso } from '../../store/ids.js';
import type { Database, RecordsTable } from '../../store/schema.js';
import { requireExportRole } from '../stix/stix-service.js';
import { exportMisp, type MispEvent } from './misp-export.js';
import { findMispEvents, planMispImport } from './misp-import.js';

export const MispImportResultSchema = Type.Object({
  event: Type.Object({ uuid: Type.Union([Type.String(), Type.Null()]), info: Type.String() }),
  records: Type.Integer({ description: 'Records created (a report per handling code, notes, online identities)' }),
  selectors: Type.Integer({ description: 'Selector values linked' }),
  invalid: Type.Integer({ description: 'Of those, values that failed validation (kept, marked invalid)' }),
  attributes: Type.Integer(),
  objects: Type.Integer(),
  dropped: Type.Array(Type.Object({ what: Type.String(), count: Type.Integer(), reason: Type.String() })),
  ignored: Type.Array(Type.String()),
});
export type MispImportResult = Static<typeof MispImportResultSchema>;

export type MispService = ReturnType<typeof createMispService>;

export function createMispService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy }) {
  const { db, audit, access } = deps;

  return {
    async exportCase(ctx: RequestContext, caseId: string, recipient?: string): Promise<{ event: MispEvent; omitted: number }> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      requireExportRole(ctx);
      const selection = await selectForExport(db, caseId, agencyOf(ctx.actor));
      const event = exportMisp(selection);
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'disclosure',
        action: 'case.export.misp',
        object: { type: 'case', id: caseId },
        caseId,
        justification: ctx.justification,
        recipients: [recipient?.trim() || 'file'],
        details: { attributes: event.Event.Attribute.length, objects: event.Event.Object.length, records: selection.records.map((r) => r.id), omitted: selection.omitted.length },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return { event, omitted: selection.omitted.length };
    },

    /**
     * Imports one MISP event into the case: a report record per handling code among its attributes (holding the
     * event's texts, its selectors linked to it), notes for annotations, online identities for user accounts.
     * Values that fail validation are kept as invalid suggestions rather than lost; what Tessera does not model is
     * listed in the result. Importing the same event twice into a case is refused.
     */
    async importEvent(ctx: RequestContext, caseId: string, input: unknown, options: { handlingCode?: HandlingCode; dataSubject?: DataSubjectCategory } = {}): Promise<MispImportResult> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const events = findMispEvents(input);
      if (events.length === 0) throw new BadRequestError('No MISP event found (expected {"Event": {...}}).', 'no-misp-event');
      if (events.length > 1) throw new BadRequestError(`${events.length} events found; import one event at a time.`, 'several-misp-events');
      const plan = planMispImport(events[0]!, options.handlingCode ?? 'TLP:AMBER');
      const { region, leadAgencyId } = await caseRegion(db, caseId);
      const agencyId = agencyOf(ctx.actor) ?? leadAgencyId;
      const who = actorLabel(ctx.actor);
      const source = plan.uuid ? `misp:${plan.uuid}` : `misp:${newId()}`;
      const dataSubject = options.dataSubject ?? 'other';
      const dropped = [...plan.dropped];

      return db.transaction().execute(async (trx: Transaction<Database>) => {
        if (plan.uuid) {
          const seen = await trx.selectFrom('records').select('id').where('case_id', '=', caseId).where('source', '=', source).where('deleted_at', 'is', null).executeTakeFirst();
          if (seen) throw new ConflictError(`MISP event ${plan.uuid} was already imported into this case.`, 'misp-event-imported');
        }
        const now = nowIso();
        const row = (kind: RecordsTable['kind'], text: string, handling: HandlingCode, extra: Partial<RecordsTable> = {}, grading: Grading | null = plan.grading): RecordsTable => ({
          id: newId(),
          case_id: caseId,
          kind,
          text,
          originator_agency_id: agencyId,
          author_id: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
          author_name: who,
          grading: JSON.stringify(grading ?? DEFAULT_GRADING),
          handling_code: handling,
          handling_restrictions: '[]',
          data_subject: dataSubject,
          fact_or_assessment: 'fact',
          review_date: null,
          subject: null,
          identity_id: null,
          occurred_at: null,
          thread: null,
          url: null,
          source,
          version: 1,
          created_at: now,
          updated_at: now,
          updated_by: who,
          deleted_at: null,
          deleted_by: null,
          deletion_reason: null,
          ...extra,
        });
        const extractOptions = (platform?: string) => ({ ...(region ? { defaultRegion: region } : {}), ...(platform ? { defaultPlatform: platform } : {}) });
        let records = 0;
        const linked = new Set<string>();
        let invalid = 0;

        // The event: one report per handling code, so each selector is only as visible as its own marking allows.
        const codes = new Set<HandlingCode>([plan.handling, ...plan.selectors.map((s) => s.handling), ...plan.texts.map((t) => t.handling)]);
        const header = `MISP event "${plan.info}"${plan.date ? ` of ${plan.date}` : ''}${plan.orgc ? ` by ${plan.orgc}` : ''}`;
        for (const code of codes) {
          const texts = plan.texts.filter((t) => t.handling === code).map((t) => t.value);
          const values = plan.selectors.filter((s) => s.handling === code);
          if (code !== plan.handling && texts.length === 0 && values.length === 0) continue;
          const text = [code === plan.handling ? header : `${header} — attributes marked ${code}`, ...texts].join('\n\n');
          const report = row('report', text, code, { occurred_at: plan.date && /^\d{4}-\d{2}-\d{2}$/.test(plan.date) ? `${plan.date}T00:00:00.000Z` : null });
          await trx.insertInto('records').values(report).execute();
          records++;
          const selectorValues: (SelectorValue & { start: number; end: number })[] = values.map((v) => {
            const n = normaliseSelector(v.type, v.value, extractOptions());
            return { type: v.type, normalised: n.normalised, raw: v.value, valid: n.valid, reason: n.reason, note: n.note, start: -1, end: -1 };
          });
          const all = [...selectorValues, ...fromExtracted(extractSelectors(text, extractOptions()))];
          const ids = await ensureSelectors(trx, caseId, all, { origin: 'import', status: 'suggested', agencyId, handlingCode: code });
          await insertSources(trx, all.map((v) => ({ selectorId: ids.get(selectorKey(v.type, v.normalised))!, sourceType: 'record' as const, sourceId: report.id, start: v.start, end: v.end, raw: v.raw })));
          for (const v of all) {
            const key = selectorKey(v.type, v.normalised);
            if (!linked.has(key) && !v.valid) invalid++;
            linked.add(key);
          }
        }

        // Online identities first, so notes can point at their author.
        const identityOf = new Map<string, string>();
        for (const planned of plan.records.filter((r) => r.kind === 'online-identity')) {
          const n = normaliseSelector('handle', planned.handle ?? '');
          if (!n.valid) {
            dropped.push({ what: 'object user-account', count: 1, reason: `handle "${planned.handle}": ${n.reason ?? 'invalid'}` });
            continue;
          }
          const existing = await trx.selectFrom('records').select('id').where('case_id', '=', caseId).where('kind', '=', 'online-identity').where('subject', '=', n.normalised).where('deleted_at', 'is', null).executeTakeFirst();
          let id = existing?.id;
          if (!id) {
            const identity = row('online-identity', planned.text, planned.handling, { subject: n.normalised });
            await trx.insertInto('records').values(identity).execute();
            records++;
            id = identity.id;
            await replaceSourceSelectors(trx, {
              caseId,
              sourceType: 'record',
              sourceId: id,
              found: [{ type: 'handle', normalised: n.normalised, raw: planned.handle!, valid: true, start: -1, end: -1 }, ...fromExtracted(extractSelectors(planned.text, extractOptions(platformOfHandle(n.normalised))))],
              defaults: { origin: 'import', status: 'suggested', agencyId, handlingCode: planned.handling },
            });
            linked.add(selectorKey('handle', n.normalised));
          }
          if (planned.uuid) identityOf.set(planned.uuid, id);
        }
        for (const planned of plan.records.filter((r) => r.kind !== 'online-identity')) {
          const identityId = planned.authoredBy ? identityOf.get(planned.authoredBy) ?? null : null;
          const note = row(identityId && planned.kind === 'note' ? 'post' : planned.kind, planned.text, planned.handling, { occurred_at: planned.occurredAt, identity_id: identityId, ...(planned.dataSubject ? { data_subject: planned.dataSubject } : {}) }, planned.grading ?? plan.grading);
          await trx.insertInto('records').values(note).execute();
          records++;
          const identitySubject = identityId ? (await trx.selectFrom('records').select('subject').where('id', '=', identityId).executeTakeFirst())?.subject ?? null : null;
          const found = fromExtracted(extractSelectors(planned.text, extractOptions(platformOfHandle(identitySubject))));
          await replaceSourceSelectors(trx, { caseId, sourceType: 'record', sourceId: note.id, found, defaults: { origin: 'import', status: 'suggested', agencyId, handlingCode: planned.handling } });
          for (const f of found) linked.add(selectorKey(f.type, f.normalised));
        }

        const result: MispImportResult = {
          event: { uuid: plan.uuid, info: plan.info },
          records,
          selectors: linked.size,
          invalid,
          attributes: plan.attributes,
          objects: plan.objects,
          dropped,
          ignored: plan.ignored,
        };
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'collection',
          action: 'case.import.misp',
          object: { type: 'case', id: caseId },
          caseId,
          details: { event: plan.uuid, records, selectors: linked.size, dropped: dropped.reduce((n, d) => n + d.count, 0) },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
        return result;
      });
    },
  };
}
