/**
 * A record as the text of an exchange message: what the recipient agency reads when one of our records is sent to it.
 * The server composes it (never the browser), so what leaves the node is exactly the stored record under its own
 * handling code, with its grading as stored: another agency may grade on another scale, and a converted grade would
 * claim a judgement nobody made.
 */
import { describeGrading, formatGrading } from '../grading.js';
import { HANDLING_RESTRICTION_LABELS, type HandlingRestriction } from '../vocabulary.js';
import type { IntelRecord } from './record-schemas.js';

export type SendableRecord = Pick<
  IntelRecord,
  | 'id'
  | 'kind'
  | 'text'
  | 'originatorAgencyName'
  | 'authorName'
  | 'grading'
  | 'handlingCode'
  | 'handlingRestrictions'
  | 'dataSubject'
  | 'factOrAssessment'
  | 'reviewDate'
  | 'subject'
  | 'occurredAt'
  | 'thread'
  | 'url'
  | 'createdAt'
  | 'version'
>;

export interface RecordMessage {
  subject: string;
  body: string;
  handling: { tlp: IntelRecord['handlingCode']; restriction?: HandlingRestriction };
}

/**
 * An envelope carries one SIENA restriction, a record up to four. The one the envelope names is the one that limits
 * the recipient most (H2 forbids passing it on, H1 using it in court, H3 says its own, H0 only narrows the purpose);
 * the body lists them all, so none is lost, only not machine-readable.
 */
const RESTRICTION_WEIGHT: Record<HandlingRestriction['code'], number> = { H2: 4, H1: 3, H3: 2, H0: 1 };

export function envelopeRestriction(restrictions: readonly HandlingRestriction[]): HandlingRestriction | undefined {
  let best: HandlingRestriction | undefined;
  for (const r of restrictions) if (!best || RESTRICTION_WEIGHT[r.code] > RESTRICTION_WEIGHT[best.code]) best = r;
  return best;
}

function restrictionLine(r: HandlingRestriction): string {
  return r.code === 'H3' ? `${r.code} — ${HANDLING_RESTRICTION_LABELS.H3.replace(/ \(see text\)$/, '')}: ${r.text}` : `${r.code} — ${HANDLING_RESTRICTION_LABELS[r.code]}`;
}

function gradingLine(g: IntelRecord['grading']): string {
  const meaning = describeGrading(g);
  const parts = [`source: ${meaning.source}`, `information: ${meaning.information}`, ...(meaning.handling ? [`handling: ${meaning.handling}`] : [])];
  return `${formatGrading(g)} (scheme ${g.scheme}; ${parts.join('; ')})`;
}

/** `Record (observation) — OP-1`: the kind as stored, the case's reference. */
export function recordMessageSubject(kind: IntelRecord['kind'], caseReference: string): string {
  return `Record (${kind.replace(/-/g, ' ')}) — ${caseReference}`;
}

/**
 * The message for a record: the analyst's note first (when given), then the record, field by field, ending with its
 * id so an answer can point back to it. The handling code is the record's own and the envelope's restriction the
 * strongest of the record's (envelopeRestriction): never weaker than what the record carries.
 */
export function composeRecordMessage(record: SendableRecord, caseReference: string, note?: string): RecordMessage {
  const fields: [string, string | null][] = [
    ['Kind', record.kind],
    ['Online identity', record.subject],
    ['Originator', record.originatorAgencyName],
    ['Author', record.authorName],
    ['Recorded', record.createdAt],
    ['Occurred', record.occurredAt],
    ['Grading', gradingLine(record.grading)],
    ['Fact or assessment', record.factOrAssessment],
    ['Data-subject category', record.dataSubject],
    ['Handling', record.handlingCode],
    ...record.handlingRestrictions.map((r): [string, string] => ['Restriction', restrictionLine(r)]),
    ['Review date', record.reviewDate ?? 'none'],
    ['Thread', record.thread],
    ['URL', record.url],
    ['Case', caseReference],
    ['Record id', `${record.id} (version ${record.version})`],
  ];
  const lines = fields.filter((f): f is [string, string] => f[1] !== null).map(([label, value]) => `${label}: ${value}`);
  const trimmedNote = note?.trim();
  const body = [
    ...(trimmedNote ? [trimmedNote, ''] : []),
    '--- Intelligence record ---',
    ...lines,
    '',
    'Text:',
    record.text,
    '--- End of record ---',
  ].join('\n');
  const restriction = envelopeRestriction(record.handlingRestrictions);
  return {
    subject: recordMessageSubject(record.kind, caseReference),
    body,
    handling: { tlp: record.handlingCode, ...(restriction ? { restriction } : {}) },
  };
}
