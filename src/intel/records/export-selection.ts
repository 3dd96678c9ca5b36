/**
 * What of a case may leave the node in an export made by one agency (STIX bundle, MISP event), decided once for both
 * formats by the handling policy: records pass mayExport; a selector goes out only if it was seen in an exported
 * record (or has exportable provenance of its own), and then carries the least restrictive handling among those
 * sources — the value was already released at that level. Everything held back is listed with its reason.
 */
import type { Kysely } from 'kysely';
import { NotFoundError } from '../../errors.js';
import type { Database } from '../../store/schema.js';
import { isAtLeastAsRestrictive } from '../handling.js';
import type { SelectorStatus } from '../correlation/selector-store.js';
import type { DataSubjectCategory, FactOrAssessment, Grading, HandlingCode, HandlingRestriction, RecordKind, SelectorType } from '../vocabulary.js';
import { mayExport, mayView } from './handling-policy.js';

export interface ExportAgency {
  id: string;
  name: string;
  country: string;
}

export interface ExportRecord {
  id: string;
  kind: RecordKind;
  text: string;
  originatorAgencyId: string;
  authorName: string;
  grading: Grading;
  handlingCode: HandlingCode;
  handlingRestrictions: HandlingRestriction[];
  dataSubject: DataSubjectCategory;
  factOrAssessment: FactOrAssessment;
  subject: string | null;
  identityId: string | null;
  occurredAt: string | null;
  thread: string | null;
  url: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ExportSelector {
  id: string;
  type: SelectorType;
  normalised: string;
  status: SelectorStatus;
  decidedAt: string | null;
  createdAt: string;
  handlingCode: HandlingCode;
  /** Exported records it was seen in, with how often. */
  records: Map<string, number>;
}

export interface ExportSelection {
  case: { id: string; reference: string; title: string; description: string; createdAt: string; updatedAt: string; leadAgencyId: string };
  exporter: ExportAgency;
  agencies: Map<string, ExportAgency>;
  records: ExportRecord[];
  selectors: ExportSelector[];
  /** What stayed behind and why. */
  omitted: { type: 'record' | 'selector'; id: string; reason: string }[];
}

function leastRestrictive(a: HandlingCode, b: HandlingCode): HandlingCode {
  return isAtLeastAsRestrictive(a, b) ? b : a;
}

export async function selectForExport(db: Kysely<Database>, caseId: string, exporterAgencyId: string | null): Promise<ExportSelection> {
  const kase = await db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  if (!kase) throw new NotFoundError('The case');
  const agencyRows = await db
    .selectFrom('agencies')
    .select(['id', 'name', 'country'])
    .where((eb) => eb.or([eb('id', 'in', eb.selectFrom('case_participants').select('agency_id').where('case_id', '=', caseId)), eb('id', 'in', eb.selectFrom('records').select('originator_agency_id').where('case_id', '=', caseId))]))
    .execute();
  const agencies = new Map(agencyRows.map((a) => [a.id, a]));
  const exporterId = exporterAgencyId ?? kase.lead_agency_id;
  const exporter = agencies.get(exporterId) ?? (await db.selectFrom('agencies').select(['id', 'name', 'country']).where('id', '=', exporterId).executeTakeFirstOrThrow());

  const omitted: ExportSelection['omitted'] = [];
  const rows = await db.selectFrom('records').selectAll().where('case_id', '=', caseId).where('deleted_at', 'is', null).orderBy('created_at').orderBy('id').execute();
  const records: ExportRecord[] = [];
  const heldBack = new Set<string>();
  for (const r of rows) {
    const item = { handlingCode: r.handling_code as HandlingCode, originatorAgencyId: r.originator_agency_id, handlingRestrictions: JSON.parse(r.handling_restrictions) as HandlingRestriction[] };
    // Records the exporter cannot even see are not mentioned at all: listing them would disclose that they exist.
    if (!mayView(item, exporterAgencyId)) continue;
    const decision = mayExport(item, exporterAgencyId);
    if (!decision.allowed) {
      omitted.push({ type: 'record', id: r.id, reason: decision.reason ?? 'not exportable' });
      heldBack.add(r.id);
      continue;
    }
    records.push({
      id: r.id,
      kind: r.kind as RecordKind,
      text: r.text,
      originatorAgencyId: r.originator_agency_id,
      authorName: r.author_name,
      grading: JSON.parse(r.grading) as Grading,
      handlingCode: item.handlingCode,
      handlingRestrictions: item.handlingRestrictions,
      dataSubject: r.data_subject as DataSubjectCategory,
      factOrAssessment: r.fact_or_assessment as FactOrAssessment,
      subject: r.subject,
      identityId: r.identity_id,
      occurredAt: r.occurred_at,
      thread: r.thread,
      url: r.url,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    });
  }
  const exported = new Map(records.map((r) => [r.id, r]));

  const selectorRows = await db
    .selectFrom('selectors')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('valid', '=', 1)
    .where('status', '!=', 'dismissed')
    .orderBy('type')
    .orderBy('normalised')
    .execute();
  const sources = await db
    .selectFrom('selector_sources')
    .innerJoin('selectors', 'selectors.id', 'selector_sources.selector_id')
    .select(['selector_sources.selector_id', 'selector_sources.source_id'])
    .where('selectors.case_id', '=', caseId)
    .where('selector_sources.source_type', '=', 'record')
    .execute();
  const bySelector = new Map<string, Map<string, number>>();
  const inHeldBack = new Set<string>();
  for (const s of sources) {
    if (heldBack.has(s.source_id)) inHeldBack.add(s.selector_id);
    if (!exported.has(s.source_id)) continue;
    let m = bySelector.get(s.selector_id);
    if (!m) bySelector.set(s.selector_id, (m = new Map()));
    m.set(s.source_id, (m.get(s.source_id) ?? 0) + 1);
  }
  const selectors: ExportSelector[] = [];
  for (const s of selectorRows) {
    const inRecords = bySelector.get(s.id) ?? new Map<string, number>();
    let handling: HandlingCode | undefined;
    for (const recordId of inRecords.keys()) {
      const code = exported.get(recordId)!.handlingCode;
      handling = handling ? leastRestrictive(handling, code) : code;
    }
    if (s.origin !== 'extracted') {
      const own = { handlingCode: s.handling_code as HandlingCode, originatorAgencyId: s.agency_id };
      if (mayExport(own, exporterAgencyId).allowed) handling = handling ? leastRestrictive(handling, own.handlingCode) : own.handlingCode;
    }
    if (!handling) {
      // Only say so for selectors the exporter can see; the others are as absent as their records.
      const ownVisible = s.origin !== 'extracted' && mayView({ handlingCode: s.handling_code as HandlingCode, originatorAgencyId: s.agency_id }, exporterAgencyId);
      if (!inHeldBack.has(s.id) && !ownVisible) continue;
      omitted.push({ type: 'selector', id: s.id, reason: 'seen only in records that may not be exported' });
      continue;
    }
    selectors.push({ id: s.id, type: s.type as SelectorType, normalised: s.normalised, status: s.status as SelectorStatus, decidedAt: s.decided_at, createdAt: s.created_at, handlingCode: handling, records: inRecords });
  }

  return {
    case: { id: kase.id, reference: kase.reference, title: kase.title, description: kase.description, createdAt: kase.created_at, updatedAt: kase.updated_at, leadAgencyId: kase.lead_agency_id },
    exporter,
    agencies,
    records,
    selectors,
    omitted,
  };
}
