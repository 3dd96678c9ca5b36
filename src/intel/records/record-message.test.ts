import { describe, expect, it } from 'vitest';
import { composeRecordMessage, envelopeRestriction, recordMessageSubject, type SendableRecord } from './record-message.js';

const record = (over: Partial<SendableRecord> = {}): SendableRecord => ({
  id: '01900000-0000-7000-8000-0000000000a1',
  kind: 'observation',
  text: 'The administrator posts between 21:00 and 23:00 UTC.\nWrites "equipa" and "autocarro".',
  originatorAgencyName: 'Polícia Judiciária',
  authorName: 'ana.silva',
  grading: { scheme: 'europol-4x4', source: 'B', information: '2' },
  handlingCode: 'TLP:AMBER',
  handlingRestrictions: [],
  dataSubject: 'suspect',
  factOrAssessment: 'assessment',
  reviewDate: '2027-06-30',
  subject: null,
  occurredAt: null,
  thread: null,
  url: null,
  createdAt: '2026-11-20T10:00:00.000Z',
  version: 3,
  ...over,
});

const field = (body: string, label: string) => body.split('\n').filter((l) => l.startsWith(`${label}: `)).map((l) => l.slice(label.length + 2));

describe('a record as a message', () => {
  it('names the kind and the case in the subject', () => {
    expect(composeRecordMessage(record(), 'OP-TOR-7').subject).toBe('Record (observation) — OP-TOR-7');
    expect(recordMessageSubject('online-identity', 'X')).toBe('Record (online identity) — X');
  });

  it('puts the note first, then every field of the record, its whole text and its id', () => {
    const { body } = composeRecordMessage(record(), 'OP-TOR-7', '  Please check against your holdings.  ');
    expect(body.startsWith('Please check against your holdings.\n\n--- Intelligence record ---\n')).toBe(true);
    expect(body).toContain('\nText:\nThe administrator posts between 21:00 and 23:00 UTC.\nWrites "equipa" and "autocarro".\n--- End of record ---');
    expect(field(body, 'Kind')).toEqual(['observation']);
    expect(field(body, 'Originator')).toEqual(['Polícia Judiciária']);
    expect(field(body, 'Author')).toEqual(['ana.silva']);
    expect(field(body, 'Fact or assessment')).toEqual(['assessment']);
    expect(field(body, 'Data-subject category')).toEqual(['suspect']);
    expect(field(body, 'Review date')).toEqual(['2027-06-30']);
    expect(field(body, 'Handling')).toEqual(['TLP:AMBER']);
    expect(field(body, 'Case')).toEqual(['OP-TOR-7']);
    expect(field(body, 'Record id')).toEqual(['01900000-0000-7000-8000-0000000000a1 (version 3)']);
    // Fields a record does not have are left out rather than written empty.
    expect(field(body, 'Online identity')).toEqual([]);
    expect(field(body, 'URL')).toEqual([]);
  });

  it('starts with the record when there is no note, and says when there is no review date', () => {
    const { body } = composeRecordMessage(record({ reviewDate: null }), 'R', '   ');
    expect(body.startsWith('--- Intelligence record ---\n')).toBe(true);
    expect(field(body, 'Review date')).toEqual(['none']);
  });

  it('writes the grading as stored, with its scheme, never converted to another scale', () => {
    const europol = field(composeRecordMessage(record(), 'R').body, 'Grading')[0]!;
    expect(europol).toMatch(/^B2 \(scheme europol-4x4; source: .+; information: .+\)$/);
    // B2 on the Admiralty scale means something else: same letters, other scheme and other words.
    const admiralty = field(composeRecordMessage(record({ grading: { scheme: 'admiralty-6x6', source: 'B', information: '2' } }), 'R').body, 'Grading')[0]!;
    expect(admiralty).toMatch(/^B2 \(scheme admiralty-6x6; /);
    expect(admiralty).not.toBe(europol.replace('europol-4x4', 'admiralty-6x6'));
    const uk = field(composeRecordMessage(record({ grading: { scheme: 'uk-3x5x2', source: 'A', information: '1', handling: 'P' } }), 'R').body, 'Grading')[0]!;
    expect(uk).toMatch(/^A1P \(scheme uk-3x5x2; source: .+; information: .+; handling: .+\)$/);
  });

  it('carries the record’s handling code and its strongest restriction on the envelope, every restriction in the body', () => {
    for (const tlp of ['TLP:AMBER+STRICT', 'TLP:AMBER', 'TLP:GREEN', 'TLP:CLEAR'] as const) {
      expect(composeRecordMessage(record({ handlingCode: tlp }), 'R').handling).toEqual({ tlp });
    }
    const restricted = composeRecordMessage(record({ handlingRestrictions: [{ code: 'H0' }, { code: 'H3', text: 'Not before 1 March' }, { code: 'H2' }] }), 'R');
    expect(restricted.handling).toEqual({ tlp: 'TLP:AMBER', restriction: { code: 'H2' } });
    expect(field(restricted.body, 'Restriction')).toEqual([
      'H0 — Use only to prevent and combat crime',
      'H3 — Other restrictions: Not before 1 March',
      "H2 — Not to be disseminated without the provider's permission",
    ]);
  });

  it('ranks restrictions by how much they limit the recipient', () => {
    expect(envelopeRestriction([])).toBeUndefined();
    expect(envelopeRestriction([{ code: 'H0' }])).toEqual({ code: 'H0' });
    expect(envelopeRestriction([{ code: 'H0' }, { code: 'H3', text: 't' }])).toEqual({ code: 'H3', text: 't' });
    expect(envelopeRestriction([{ code: 'H3', text: 't' }, { code: 'H1' }, { code: 'H0' }])).toEqual({ code: 'H1' });
    expect(envelopeRestriction([{ code: 'H1' }, { code: 'H2' }])).toEqual({ code: 'H2' });
  });

  it('lists an online identity’s handle and a post’s place and time', () => {
    const { body } = composeRecordMessage(record({ kind: 'post', subject: 'darkadmin@tor-forum', occurredAt: '2026-10-01T21:14:00.000Z', thread: 'Welcome', url: 'http://example.onion/t/1' }), 'R');
    expect(field(body, 'Online identity')).toEqual(['darkadmin@tor-forum']);
    expect(field(body, 'Occurred')).toEqual(['2026-10-01T21:14:00.000Z']);
    expect(field(body, 'Thread')).toEqual(['Welcome']);
    expect(field(body, 'URL')).toEqual(['http://example.onion/t/1']);
  });
});
