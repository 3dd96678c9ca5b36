/**
 * A case as one MISP event (MISP core format JSON), for the exporting agency, with the same selection as the STIX
 * export (export-selection.ts): TLP:RED never appears; every attribute carries its `tlp:` tag, the event the most
 * restrictive of them. Selectors are attributes (misp-types.ts); records are `annotation` objects that reference the
 * attributes they mention; online identities are `user-account` objects, referenced by their posts ("authored-by").
 * Gradings are tags: Admiralty gradings as the admiralty-scale taxonomy, other schemes as `tessera:grading`, never
 * converted.
 */
import { formatGrading } from '../../intel/grading.js';
import { mostRestrictive } from '../../intel/handling.js';
import type { ExportRecord, ExportSelection } from '../../intel/records/export-selection.js';
import type { HandlingCode } from '../../intel/vocabulary.js';
import { TESSERA_NAMESPACE, uuidv5 } from '../stix/stix-ids.js';
import { ANNOTATION_TEMPLATE, USER_ACCOUNT_TEMPLATE, mispAttributeFor } from './misp-types.js';

export interface MispTag {
  name: string;
}

export interface MispAttribute {
  uuid: string;
  type: string;
  category: string;
  value: string;
  to_ids: boolean;
  comment: string;
  timestamp: string;
  distribution: string;
  object_relation?: string;
  Tag: MispTag[];
}

export interface MispObject {
  uuid: string;
  name: string;
  'meta-category': string;
  template_uuid: string;
  template_version: string;
  description: string;
  comment: string;
  timestamp: string;
  distribution: string;
  Attribute: MispAttribute[];
  ObjectReference: { uuid: string; referenced_uuid: string; relationship_type: string; comment: string }[];
}

export interface MispEvent {
  Event: {
    uuid: string;
    info: string;
    date: string;
    timestamp: string;
    published: boolean;
    analysis: string;
    threat_level_id: string;
    distribution: string;
    Orgc: { name: string; uuid: string };
    Tag: MispTag[];
    Attribute: MispAttribute[];
    Object: MispObject[];
  };
}

const tlpTag = (code: HandlingCode): MispTag => ({ name: code.toLowerCase() });
const epoch = (iso: string): string => String(Math.floor(Date.parse(iso) / 1000));
const uuid = (key: string): string => uuidv5(TESSERA_NAMESPACE, `misp:${key}`);

function gradingTags(r: ExportRecord): MispTag[] {
  if (r.grading.scheme === 'admiralty-6x6') {
    return [
      { name: `admiralty-scale:source-reliability="${r.grading.source.toLowerCase()}"` },
      { name: `admiralty-scale:information-credibility="${r.grading.information}"` },
    ];
  }
  return [{ name: `tessera:grading="${r.grading.scheme}:${formatGrading(r.grading)}"` }];
}

export function exportMisp(selection: ExportSelection, now = new Date()): MispEvent {
  const attributeOf = new Map<string, string>();
  const attributes: MispAttribute[] = [];
  for (const s of selection.selectors) {
    const a = mispAttributeFor(s.type, s.normalised);
    const id = uuid(`selector:${s.id}`);
    attributeOf.set(s.id, id);
    attributes.push({ uuid: id, ...a, to_ids: s.status === 'confirmed', timestamp: epoch(s.decidedAt ?? s.createdAt), distribution: '5', Tag: [tlpTag(s.handlingCode)] });
  }
  const selectorsOf = new Map<string, string[]>();
  for (const s of selection.selectors) for (const recordId of s.records.keys()) selectorsOf.set(recordId, [...(selectorsOf.get(recordId) ?? []), attributeOf.get(s.id)!]);

  const objects: MispObject[] = [];
  const accountOf = new Map<string, string>();
  for (const r of selection.records) {
    if (r.kind !== 'online-identity' || !r.subject) continue;
    const id = uuid(`account:${r.id}`);
    accountOf.set(r.id, id);
    const at = r.subject.lastIndexOf('@');
    const tags = [tlpTag(r.handlingCode)];
    const attr = (relation: string, type: string, value: string): MispAttribute => ({
      uuid: uuid(`account:${r.id}:${relation}`),
      object_relation: relation,
      type,
      category: 'Social network',
      value,
      to_ids: false,
      comment: relation === 'user-id' ? 'tessera:handle online handle (name@platform)' : '',
      timestamp: epoch(r.updatedAt),
      distribution: '5',
      Tag: tags,
    });
    objects.push({
      uuid: id,
      name: 'user-account',
      'meta-category': 'misc',
      template_uuid: USER_ACCOUNT_TEMPLATE.uuid,
      template_version: USER_ACCOUNT_TEMPLATE.version,
      description: 'Online identity',
      comment: r.text.slice(0, 1000),
      timestamp: epoch(r.updatedAt),
      distribution: '5',
      Attribute: [attr('username', 'text', at > 0 ? r.subject.slice(0, at) : r.subject), attr('user-id', 'text', r.subject), ...(r.text ? [attr('description', 'text', r.text)] : [])],
      ObjectReference: [],
    });
  }
  for (const r of selection.records) {
    // An online identity travels as its user-account object, which carries its description.
    if (accountOf.has(r.id)) continue;
    const id = uuid(`record:${r.id}`);
    const tags = [tlpTag(r.handlingCode), ...r.handlingRestrictions.map((h) => ({ name: h.code === 'H3' ? `tessera:handling-restriction="H3: ${h.text.replace(/"/g, "'")}"` : `tessera:handling-restriction="${h.code}"` })), ...gradingTags(r), { name: `tessera:data-subject="${r.dataSubject}"` }, { name: `tessera:${r.factOrAssessment}` }];
    const attr = (relation: string, type: string, value: string): MispAttribute => ({
      uuid: uuid(`record:${r.id}:${relation}`),
      object_relation: relation,
      type,
      category: 'Other',
      value,
      to_ids: false,
      comment: '',
      timestamp: epoch(r.updatedAt),
      distribution: '5',
      Tag: tags,
    });
    const references = (selectorsOf.get(r.id) ?? []).map((target) => ({ uuid: uuid(`ref:${r.id}:${target}`), referenced_uuid: target, relationship_type: 'mentions', comment: '' }));
    const author = r.identityId ? accountOf.get(r.identityId) : undefined;
    if (author) references.push({ uuid: uuid(`ref:${r.id}:${author}`), referenced_uuid: author, relationship_type: 'authored-by', comment: '' });
    objects.push({
      uuid: id,
      name: 'annotation',
      'meta-category': 'misc',
      template_uuid: ANNOTATION_TEMPLATE.uuid,
      template_version: ANNOTATION_TEMPLATE.version,
      description: `Tessera ${r.kind}`,
      comment: r.thread ? `thread ${r.thread}` : '',
      timestamp: epoch(r.updatedAt),
      distribution: '5',
      Attribute: [
        attr('text', 'text', r.text),
        attr('type', 'text', r.kind),
        attr('format', 'text', 'text/plain'),
        attr('creation-date', 'datetime', new Date(r.occurredAt ?? r.createdAt).toISOString()),
        ...(r.url ? [attr('ref', 'link', r.url)] : []),
      ],
      ObjectReference: references,
    });
  }

  const eventCode = mostRestrictive([...selection.records.map((r) => r.handlingCode), ...selection.selectors.map((s) => s.handlingCode)]) ?? 'TLP:AMBER';
  return {
    Event: {
      uuid: uuid(`case:${selection.case.id}`),
      info: `${selection.case.reference}: ${selection.case.title}`,
      date: selection.case.createdAt.slice(0, 10),
      timestamp: epoch(now.toISOString()),
      published: false,
      analysis: '1',
      threat_level_id: '4',
      distribution: '0',
      Orgc: { name: selection.exporter.name, uuid: uuid(`agency:${selection.exporter.id}`) },
      Tag: [tlpTag(eventCode)],
      Attribute: attributes,
      Object: objects,
    },
  };
}
