/**
 * A case as a STIX 2.1 bundle, for the exporting agency: what handling codes let it export (export-selection.ts),
 * each object marked with its TLP 2.0 marking and, where the record carries them, SIENA handling restrictions as
 * statement markings.
 *
 * Mapping: the case is a `grouping`; each agency an `identity` (organisation) located at a `location` (its
 * country); records of kind report are `report`s, all other records `note`s (a post's note names its author's
 * user-account); selectors are observables (stix-mapping.ts), and the selectors an analyst confirmed are also
 * `indicator`s based on them. Relationships: an online identity's user-account is `related-to` the selectors of its
 * posts; a phone number is `related-to` the location of its country. Gradings travel as labels with their scheme
 * (`grading:europol-4x4:B2`), never converted to STIX confidence, as DESIGN §6 requires.
 */
import parsePhoneNumber from 'libphonenumber-js';
import { formatGrading } from '../../intel/grading.js';
import { mostRestrictive } from '../../intel/handling.js';
import type { ExportSelection } from '../../intel/records/export-selection.js';
import { HANDLING_RESTRICTION_LABELS, TLP_STIX_MARKING_IDS, type HandlingCode, type HandlingRestriction } from '../../intel/vocabulary.js';
import { derivedId, randomId } from './stix-ids.js';
import { selectorExtensionDefinition, selectorObservable, TESSERA_SELECTOR_TYPE } from './stix-mapping.js';

export const TLP2_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

export type StixObject = Record<string, unknown> & { type: string; id: string };

export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

/** The TLP 2.0 marking-definition objects as published with the TLP 2.0 extension. */
export function tlpMarkingDefinition(code: HandlingCode): StixObject {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP_STIX_MARKING_IDS[code],
    created: '2022-10-01T00:00:00.000Z',
    name: code,
    extensions: { [TLP2_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: code.slice(4).toLowerCase() } },
  };
}

function restrictionMarking(r: HandlingRestriction): StixObject {
  const statement = r.code === 'H3' ? `SIENA H3 (other restrictions): ${r.text}` : `SIENA ${r.code}: ${HANDLING_RESTRICTION_LABELS[r.code]}`;
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: derivedId('marking-definition', `siena:${statement}`),
    created: '2026-01-01T00:00:00.000Z',
    name: `SIENA ${r.code}`,
    definition_type: 'statement',
    definition: { statement },
  };
}

const ts = (iso: string): string => new Date(iso).toISOString();

export function exportStix(selection: ExportSelection, now = new Date()): StixBundle {
  const objects = new Map<string, StixObject>();
  const markings = new Map<string, StixObject>();
  const put = (o: StixObject) => {
    if (!objects.has(o.id)) objects.set(o.id, o);
    return o.id;
  };
  const marks = (code: HandlingCode, restrictions: readonly HandlingRestriction[] = []): string[] => {
    const tlp = tlpMarkingDefinition(code);
    markings.set(tlp.id, tlp);
    const ids = [tlp.id];
    for (const r of restrictions) {
      const m = restrictionMarking(r);
      markings.set(m.id, m);
      ids.push(m.id);
    }
    return ids;
  };
  const caseCode: HandlingCode = mostRestrictive([...selection.records.map((r) => r.handlingCode), ...selection.selectors.map((s) => s.handlingCode)]) ?? 'TLP:AMBER';
  const created = ts(selection.case.createdAt);
  const modified = ts(selection.case.updatedAt) < created ? created : ts(selection.case.updatedAt);

  // Agencies and their countries.
  const identityOf = new Map<string, string>();
  const locations = new Map<string, string>();
  const location = (country: string): string => {
    const cc = country.toUpperCase();
    let id = locations.get(cc);
    if (!id) {
      id = put({ type: 'location', spec_version: '2.1', id: derivedId('location', `country:${cc}`), created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', name: cc, country: cc, object_marking_refs: marks('TLP:CLEAR') });
      locations.set(cc, id);
    }
    return id;
  };
  for (const agency of [selection.exporter, ...selection.agencies.values()]) {
    if (identityOf.has(agency.id)) continue;
    const id = put({
      type: 'identity',
      spec_version: '2.1',
      id: derivedId('identity', `agency:${agency.id}`),
      created,
      modified: created,
      name: agency.name,
      identity_class: 'organization',
      sectors: ['government-national'],
      roles: ['law-enforcement'],
      object_marking_refs: marks(caseCode),
    });
    identityOf.set(agency.id, id);
    put({
      type: 'relationship',
      spec_version: '2.1',
      id: derivedId('relationship', `agency-location:${agency.id}`),
      created,
      modified: created,
      relationship_type: 'located-at',
      source_ref: id,
      target_ref: location(agency.country),
      object_marking_refs: marks(caseCode),
    });
  }
  const exporterRef = identityOf.get(selection.exporter.id)!;

  // Selectors.
  const observableOf = new Map<string, string>();
  const selectorKey = (type: string, normalised: string) => `${type}\u0000${normalised}`;
  for (const s of selection.selectors) {
    const { object, pattern } = selectorObservable(s.type, s.normalised);
    const id = put({ ...(object as StixObject), object_marking_refs: marks(s.handlingCode) });
    observableOf.set(selectorKey(s.type, s.normalised), id);
    if (s.status === 'confirmed') {
      const validFrom = ts(s.decidedAt ?? s.createdAt);
      const indicator = put({
        type: 'indicator',
        spec_version: '2.1',
        id: derivedId('indicator', `selector:${s.id}`),
        created_by_ref: exporterRef,
        created: validFrom,
        modified: validFrom,
        name: `${s.type} ${s.normalised}`,
        description: `Selector confirmed by an analyst in case ${selection.case.reference}.`,
        indicator_types: ['attribution'],
        pattern,
        pattern_type: 'stix',
        pattern_version: '2.1',
        valid_from: validFrom,
        object_marking_refs: marks(s.handlingCode),
      });
      put({
        type: 'relationship',
        spec_version: '2.1',
        id: derivedId('relationship', `based-on:${s.id}`),
        created: validFrom,
        modified: validFrom,
        relationship_type: 'based-on',
        source_ref: indicator,
        target_ref: id,
        object_marking_refs: marks(s.handlingCode),
      });
    }
    if (s.type === 'phone') {
      const country = parsePhoneNumber(s.normalised)?.country;
      if (country) {
        put({
          type: 'relationship',
          spec_version: '2.1',
          id: derivedId('relationship', `phone-country:${s.id}`),
          created: ts(s.createdAt),
          modified: ts(s.createdAt),
          relationship_type: 'related-to',
          description: 'The country the number belongs to (numbering plan).',
          source_ref: id,
          target_ref: location(country),
          object_marking_refs: marks(s.handlingCode),
        });
      }
    }
  }
  const selectorsOfRecord = new Map<string, string[]>();
  for (const s of selection.selectors) {
    const id = observableOf.get(selectorKey(s.type, s.normalised))!;
    for (const recordId of s.records.keys()) {
      const list = selectorsOfRecord.get(recordId) ?? [];
      list.push(id);
      selectorsOfRecord.set(recordId, list);
    }
  }

  // Records.
  const identityAccounts = new Map<string, string>();
  for (const r of selection.records) {
    if (r.kind === 'online-identity' && r.subject) {
      const id = observableOf.get(selectorKey('handle', r.subject));
      if (id) identityAccounts.set(r.id, id);
    }
  }
  const handles = new Map(selection.records.filter((r) => r.kind === 'online-identity' && r.subject).map((r) => [r.id, r.subject!]));
  const groupingRef = derivedId('grouping', `case:${selection.case.id}`);
  const mentions = new Map<string, Map<string, number>>();
  for (const r of selection.records) {
    const refs = new Set(selectorsOfRecord.get(r.id) ?? []);
    const account = r.identityId ? identityAccounts.get(r.identityId) : undefined;
    if (account) {
      refs.add(account);
      const m = mentions.get(account) ?? new Map<string, number>();
      for (const sel of selectorsOfRecord.get(r.id) ?? []) if (sel !== account) m.set(sel, (m.get(sel) ?? 0) + 1);
      mentions.set(account, m);
    }
    if (refs.size === 0) refs.add(groupingRef);
    const createdAt = ts(r.createdAt);
    const updatedAt = ts(r.updatedAt) < createdAt ? createdAt : ts(r.updatedAt);
    const labels = [`kind:${r.kind}`, `data-subject:${r.dataSubject}`, r.factOrAssessment, `grading:${r.grading.scheme}:${formatGrading(r.grading)}`];
    const common = {
      spec_version: '2.1',
      created_by_ref: identityOf.get(r.originatorAgencyId) ?? exporterRef,
      created: createdAt,
      modified: updatedAt,
      labels,
      object_marking_refs: marks(r.handlingCode, r.handlingRestrictions),
    };
    const firstLine = (r.text.split('\n')[0] ?? '').slice(0, 120) || r.kind;
    if (r.kind === 'report') {
      put({ type: 'report', id: derivedId('report', `record:${r.id}`), ...common, name: firstLine, description: r.text, published: createdAt, report_types: ['threat-report'], object_refs: [...refs] });
    } else {
      const when = r.occurredAt ? ` at ${ts(r.occurredAt)}` : '';
      const author = r.identityId ? handles.get(r.identityId) : undefined;
      const abstract = r.kind === 'post' ? `Post${author ? ` by ${author}` : ''}${when}${r.thread ? ` in thread ${r.thread}` : ''}` : `${r.kind}${r.subject ? ` ${r.subject}` : ''}${when}`;
      put({ type: 'note', id: derivedId('note', `record:${r.id}`), ...common, abstract, content: r.text, authors: [r.authorName], object_refs: [...refs] });
    }
  }
  for (const [account, targets] of mentions) {
    const selector = objects.get(account)!;
    for (const [target, n] of targets) {
      const other = objects.get(target)!;
      const code = mostRestrictive([codeOf(selector), codeOf(other)]) ?? caseCode;
      put({
        type: 'relationship',
        spec_version: '2.1',
        id: derivedId('relationship', `mentions:${account}:${target}`),
        created,
        modified,
        relationship_type: 'related-to',
        description: `Mentioned in ${n} post(s) of this online identity.`,
        source_ref: account,
        target_ref: target,
        object_marking_refs: marks(code),
      });
    }
  }

  if ([...objects.values()].some((o) => o.type === TESSERA_SELECTOR_TYPE)) put({ ...(selectorExtensionDefinition(exporterRef) as StixObject), object_marking_refs: marks('TLP:CLEAR') });
  const contents = [...objects.keys()];
  put({
    type: 'grouping',
    spec_version: '2.1',
    id: groupingRef,
    created_by_ref: exporterRef,
    created,
    modified,
    name: `${selection.case.reference}: ${selection.case.title}`,
    description: `Exported from Tessera by ${selection.exporter.name} on ${now.toISOString()}.`,
    context: 'suspicious-activity',
    object_refs: contents,
    object_marking_refs: marks(caseCode),
  });
  return { type: 'bundle', id: randomId('bundle'), objects: [...markings.values(), ...objects.values()] };
}

function codeOf(object: StixObject): HandlingCode {
  const refs = (object.object_marking_refs as string[] | undefined) ?? [];
  const entry = Object.entries(TLP_STIX_MARKING_IDS).find(([, id]) => refs.includes(id));
  return (entry?.[0] as HandlingCode | undefined) ?? 'TLP:AMBER';
}
