import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import {
  DataSubjectCategory,
  Grading,
  HANDLING_CODES,
  HandlingCode,
  HandlingRestriction,
  LOGGED_OPERATIONS,
  LoggedOperation,
  MEDIA_CATEGORIES,
  MediaCategory,
  RECORD_KINDS,
  RecordKind,
  SELECTOR_TYPES,
  SelectorType,
  TLP_STIX_MARKING_IDS,
  isHandlingCode,
  isSelectorType,
} from './vocabulary.js';

describe('vocabulary schemas', () => {
  it('accept exactly the members of each enumeration', () => {
    for (const code of HANDLING_CODES) expect(Value.Check(HandlingCode, code)).toBe(true);
    expect(Value.Check(HandlingCode, 'TLP:WHITE')).toBe(false);
    expect(Value.Check(HandlingCode, 'tlp:red')).toBe(false);
    for (const op of LOGGED_OPERATIONS) expect(Value.Check(LoggedOperation, op)).toBe(true);
    expect(Value.Check(LoggedOperation, 'deletion')).toBe(false);
    for (const kind of RECORD_KINDS) expect(Value.Check(RecordKind, kind)).toBe(true);
    expect(RECORD_KINDS).toEqual(['report', 'observation', 'online-identity', 'post', 'message-excerpt', 'note']);
    for (const c of MEDIA_CATEGORIES) expect(Value.Check(MediaCategory, c)).toBe(true);
    expect(Value.Check(MediaCategory, 1)).toBe(false);
    for (const t of SELECTOR_TYPES) expect(Value.Check(SelectorType, t)).toBe(true);
    expect(Value.Check(DataSubjectCategory, 'suspect')).toBe(true);
    expect(Value.Check(DataSubjectCategory, 'offender')).toBe(false);
  });

  it('emits JSON Schema that routes and OpenAPI can use', () => {
    expect(JSON.parse(JSON.stringify(HandlingCode))).toEqual({
      description: 'TLP 2.0 handling code',
      anyOf: HANDLING_CODES.map((c) => ({ type: 'string', const: c })),
    });
  });

  it('requires free text for SIENA H3 only', () => {
    expect(Value.Check(HandlingRestriction, { code: 'H0' })).toBe(true);
    expect(Value.Check(HandlingRestriction, { code: 'H3' })).toBe(false);
    expect(Value.Check(HandlingRestriction, { code: 'H3', text: 'not for the press' })).toBe(true);
    expect(Value.Check(HandlingRestriction, { code: 'H2', text: 'extra' })).toBe(false);
    expect(Value.Check(HandlingRestriction, { code: 'H4' })).toBe(false);
  });

  it('keeps gradings within their own scheme', () => {
    expect(Value.Check(Grading, { scheme: 'europol-4x4', source: 'X', information: '4' })).toBe(true);
    expect(Value.Check(Grading, { scheme: 'europol-4x4', source: 'D', information: '1' })).toBe(false);
    expect(Value.Check(Grading, { scheme: 'admiralty-6x6', source: 'F', information: '6' })).toBe(true);
    expect(Value.Check(Grading, { scheme: 'admiralty-6x6', source: 'X', information: '1' })).toBe(false);
    expect(Value.Check(Grading, { scheme: 'uk-3x5x2', source: 'B', information: '5', handling: 'C' })).toBe(true);
    expect(Value.Check(Grading, { scheme: 'uk-3x5x2', source: 'B', information: '5' })).toBe(false);
  });

  it('has the published TLP 2.0 STIX marking ids', () => {
    expect(TLP_STIX_MARKING_IDS['TLP:CLEAR']).toBe('marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487');
    expect(new Set(Object.values(TLP_STIX_MARKING_IDS)).size).toBe(5);
    for (const id of Object.values(TLP_STIX_MARKING_IDS)) expect(id).toMatch(/^marking-definition--[0-9a-f-]{36}$/);
  });

  it('type guards', () => {
    expect(isHandlingCode('TLP:AMBER+STRICT')).toBe(true);
    expect(isHandlingCode('AMBER')).toBe(false);
    expect(isSelectorType('camera-serial')).toBe(true);
    expect(isSelectorType('domain')).toBe(false);
  });
});
