/**
 * Reading a MISP event tolerantly. Real MISP JSON is looser than its schemas (numbers as strings, missing lists,
 * `{response: [...]}` wrappers, objects without templates), so nothing here relies on a schema: each field is read
 * if it has a usable shape and ignored otherwise. The result is a plan of what Tessera models — selectors, texts,
 * notes, online identities, their handling codes — and an account of what it does not, so the analyst sees what was
 * left behind.
 */
import { parseHandlingCode, mostRestrictive } from '../../intel/handling.js';
import { parseGrading } from '../../intel/grading.js';
import { RECORD_KINDS, isDataSubjectCategory, type DataSubjectCategory, type RecordKind, type Grading, type HandlingCode, type SelectorType } from '../../intel/vocabulary.js';
import { selectorTypeFor } from './misp-types.js';

export interface PlannedSelector {
  type: SelectorType;
  value: string;
  handling: HandlingCode;
  toIds: boolean;
}

export interface PlannedRecord {
  kind: RecordKind;
  text: string;
  handling: HandlingCode;
  occurredAt: string | null;
  /** Online identities: the handle as MISP gives it (user-id, or username with the platform from its link). */
  handle?: string;
  /** MISP uuid of the object, for authored-by references. */
  uuid: string | null;
  authoredBy: string | null;
  grading: Grading | null;
  dataSubject: DataSubjectCategory | null;
}

export interface MispPlan {
  uuid: string | null;
  info: string;
  date: string | null;
  orgc: string | null;
  handling: HandlingCode;
  grading: Grading | null;
  /** Attribute texts (type text, comment, other) that become part of the event's report. */
  texts: { value: string; handling: HandlingCode }[];
  selectors: PlannedSelector[];
  records: PlannedRecord[];
  dropped: { what: string; count: number; reason: string }[];
  ignored: string[];
  attributes: number;
  objects: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const text = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);
const truthy = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';

/** Finds the event in the shapes MISP and PyMISP write: `{Event}`, `{response: [{Event}]}`, or the event itself. */
export function findMispEvents(input: unknown): Json[] {
  if (Array.isArray(input)) return input.flatMap(findMispEvents);
  if (!isObject(input)) return [];
  if (isObject(input.Event)) return [input.Event];
  if (Array.isArray(input.response)) return input.response.flatMap(findMispEvents);
  if ('Attribute' in input || 'Object' in input || 'info' in input) return [input];
  return [];
}

const PERSONAL_OBJECTS = new Set(['person', 'victim', 'passport', 'id-card', 'legal-entity', 'employee']);
const TEXT_TYPES = new Set(['text', 'comment', 'other']);

function handlingOf(tags: unknown, fallback: HandlingCode): HandlingCode {
  const codes: HandlingCode[] = [];
  for (const tag of list(tags)) {
    const name = text(tag.name);
    if (name && /^tlp\s*:/i.test(name)) {
      const code = parseHandlingCode(name);
      if (code) codes.push(code);
    }
  }
  return mostRestrictive(codes) ?? fallback;
}

function gradingOf(tags: unknown): Grading | null {
  let source: string | undefined;
  let information: string | undefined;
  for (const tag of list(tags)) {
    const name = text(tag.name) ?? '';
    const adm = /^admiralty-scale:(source-reliability|information-credibility)="?([a-g1-6])"?$/i.exec(name);
    if (adm) {
      if (adm[1]!.toLowerCase() === 'source-reliability') source = adm[2]!.toUpperCase();
      else information = adm[2];
      continue;
    }
    const ours = /^tessera:grading="?([a-z0-9-]+):([A-Z0-9]+)"?$/i.exec(name);
    if (ours) {
      const scheme = ours[1] as Grading['scheme'];
      if (scheme === 'europol-4x4' || scheme === 'admiralty-6x6' || scheme === 'uk-3x5x2') return parseGrading(ours[2]!, scheme) ?? null;
    }
  }
  return source && information ? (parseGrading(`${source}${information}`, 'admiralty-6x6') ?? null) : null;
}

function dataSubjectOf(tags: unknown): DataSubjectCategory | null {
  for (const tag of list(tags)) {
    const m = /^tessera:data-subject="?([a-z]+)"?$/.exec(text(tag.name) ?? '');
    if (m && isDataSubjectCategory(m[1])) return m[1];
  }
  return null;
}

function isoOrNull(value: unknown): string | null {
  const s = text(value);
  if (!s) return null;
  const ms = /^\d{9,11}$/.test(s) ? Number(s) * 1000 : Date.parse(s);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

export function planMispImport(event: Json, defaultHandling: HandlingCode): MispPlan {
  const eventHandling = handlingOf(event.Tag, defaultHandling);
  const dropped = new Map<string, { what: string; count: number; reason: string }>();
  const drop = (what: string, reason: string, n = 1) => {
    const key = `${what}\u0000${reason}`;
    const had = dropped.get(key);
    if (had) had.count += n;
    else dropped.set(key, { what, count: n, reason });
  };
  const ignored: string[] = [];
  for (const [field, why] of [
    ['RelatedEvent', 'correlations with events on the MISP instance'],
    ['Galaxy', 'galaxy clusters'],
    ['ShadowAttribute', 'proposals not accepted in MISP'],
    ['EventReport', 'event reports'],
    ['Sighting', 'sightings'],
  ] as const) {
    const value = event[field];
    if (Array.isArray(value) && value.length > 0) ignored.push(`${value.length} ${field} (${why})`);
  }
  if (text(event.sharing_group_id) && text(event.sharing_group_id) !== '0') ignored.push('the sharing group (Tessera shares by case participation)');
  const otherTags = list(event.Tag).map((t) => text(t.name) ?? '').filter((n) => n && !/^tlp\s*:/i.test(n) && !/^(admiralty-scale|tessera):/i.test(n));
  if (otherTags.length) ignored.push(`event tags ${otherTags.join(', ')}`);

  const selectors: PlannedSelector[] = [];
  const texts: MispPlan['texts'] = [];
  let attributes = 0;
  const readAttribute = (a: Json, inherited: HandlingCode, into: PlannedSelector[], where: string): void => {
    attributes++;
    const type = text(a.type) ?? '';
    const value = text(a.value);
    if (!value) {
      drop(`${where}attribute ${type || '(no type)'}`, 'no value');
      return;
    }
    const handling = handlingOf(a.Tag, inherited);
    const mapped = selectorTypeFor(type, value.trim(), text(a.comment) ?? undefined);
    if (mapped) {
      into.push({ type: mapped.type, value: mapped.value, handling, toIds: truthy(a.to_ids) });
      return;
    }
    if (TEXT_TYPES.has(type)) {
      texts.push({ value, handling });
      return;
    }
    drop(`${where}attribute ${type || '(no type)'}`, type === 'domain' || type === 'hostname' ? 'domain names other than .onion are not a Tessera selector type' : 'not modelled by Tessera');
  };

  for (const a of list(event.Attribute)) readAttribute(a, eventHandling, selectors, '');

  const records: PlannedRecord[] = [];
  let objects = 0;
  for (const o of list(event.Object)) {
    objects++;
    const name = text(o.name) ?? '(unnamed)';
    const attrs = list(o.Attribute);
    const handling = mostRestrictive(attrs.map((a) => handlingOf(a.Tag, eventHandling))) ?? eventHandling;
    const byRelation = (relation: string) => attrs.find((a) => text(a.object_relation) === relation);
    const authoredBy = list(o.ObjectReference).find((r) => text(r.relationship_type) === 'authored-by');
    if (PERSONAL_OBJECTS.has(name)) {
      drop(`object ${name}`, 'details of real persons are not imported; record what is needed as a note by hand', 1);
      attributes += attrs.length;
      continue;
    }
    if (name === 'annotation') {
      const body = text(byRelation('text')?.value);
      attributes += attrs.length;
      if (!body) {
        drop('object annotation', 'no text');
        continue;
      }
      const kind = text(byRelation('type')?.value) ?? '';
      records.push({
        kind: (RECORD_KINDS as readonly string[]).includes(kind) && kind !== 'online-identity' ? (kind as RecordKind) : 'note',
        text: body,
        handling,
        occurredAt: isoOrNull(byRelation('creation-date')?.value),
        uuid: text(o.uuid),
        authoredBy: authoredBy ? text(authoredBy.referenced_uuid) : null,
        grading: gradingOf(byRelation('text')?.Tag),
        dataSubject: dataSubjectOf(byRelation('text')?.Tag),
      });
      continue;
    }
    if (name === 'user-account') {
      const userId = text(byRelation('user-id')?.value);
      const username = text(byRelation('username')?.value);
      const link = text(byRelation('link')?.value);
      let host: string | undefined;
      try {
        host = link ? new URL(link).hostname : undefined;
      } catch {
        host = undefined;
      }
      const handle = userId && userId.includes('@') ? userId : username && host ? `${username}@${host}` : link ?? userId ?? username;
      attributes += attrs.length;
      if (!handle) {
        drop('object user-account', 'no user-id, username or link');
        continue;
      }
      const description = text(byRelation('description')?.value) ?? text(o.comment) ?? '';
      records.push({ kind: 'online-identity', text: description || `Online identity from MISP event ${text(event.info) ?? ''}`.trim(), handling, occurredAt: null, handle, uuid: text(o.uuid), authoredBy: null, grading: null, dataSubject: null });
      continue;
    }
    // Any other object: its attributes count one by one.
    for (const a of attrs) readAttribute(a, handling, selectors, `object ${name}: `);
  }

  return {
    uuid: text(event.uuid),
    info: text(event.info) ?? 'MISP event',
    date: text(event.date),
    orgc: isObject(event.Orgc) ? text(event.Orgc.name) : null,
    handling: eventHandling,
    grading: gradingOf(event.Tag),
    texts,
    selectors,
    records,
    dropped: [...dropped.values()].sort((a, b) => b.count - a.count || a.what.localeCompare(b.what)),
    ignored,
    attributes,
    objects,
  };
}
