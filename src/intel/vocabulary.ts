/**
 * The one vocabulary of DESIGN §6, shared by the database, the API, the UI and the docs.
 *
 * Each enumeration is a readonly tuple (the source of truth), a TypeScript type derived from it and a TypeBox schema
 * that routes reuse. Labels are for people; the codes are what is stored and exchanged.
 */
import { Type, type Static, type TLiteral, type TUnion } from 'typebox';

type LiteralTuple<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/** A TypeBox union of string literals whose static type is the union of the tuple's members. */
export function literalUnion<const T extends readonly string[]>(
  values: T,
  options?: { description?: string; title?: string },
): TUnion<LiteralTuple<T>> {
  // The cast only restores the tuple type that Array.prototype.map forgets.
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  ) as unknown as TUnion<LiteralTuple<T>>;
}

function isMember<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------------------------
// Handling codes: TLP 2.0 (FIRST). Ordered from most to least restrictive, so the index is a restrictiveness rank.
// ---------------------------------------------------------------------------------------------------------------

export const HANDLING_CODES = ['TLP:RED', 'TLP:AMBER+STRICT', 'TLP:AMBER', 'TLP:GREEN', 'TLP:CLEAR'] as const;
export type HandlingCode = (typeof HANDLING_CODES)[number];
export const HandlingCode = literalUnion(HANDLING_CODES, { description: 'TLP 2.0 handling code' });
export const isHandlingCode = (value: unknown): value is HandlingCode => isMember(HANDLING_CODES, value);

/** STIX 2.1 marking-definition ids of TLP 2.0 (the ids published with the TLP 2.0 STIX extension). */
export const TLP_STIX_MARKING_IDS: Readonly<Record<HandlingCode, string>> = {
  'TLP:RED': 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
  'TLP:AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  'TLP:AMBER': 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'TLP:GREEN': 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  'TLP:CLEAR': 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
};

/**
 * STIX 2.1 ids of the older TLP 1.0 markings, accepted on import only. TLP 1.0 WHITE becomes TLP:CLEAR; the other
 * colours keep their meaning (TLP 1.0 had no AMBER+STRICT).
 */
export const TLP1_STIX_MARKING_IDS: Readonly<Record<string, HandlingCode>> = {
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'TLP:CLEAR',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'TLP:GREEN',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'TLP:AMBER',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'TLP:RED',
};

// ---------------------------------------------------------------------------------------------------------------
// Handling restrictions (SIENA). H3 carries its restriction as free text.
// ---------------------------------------------------------------------------------------------------------------

export const HANDLING_RESTRICTION_CODES = ['H0', 'H1', 'H2', 'H3'] as const;
export type HandlingRestrictionCode = (typeof HANDLING_RESTRICTION_CODES)[number];
export const HandlingRestrictionCode = literalUnion(HANDLING_RESTRICTION_CODES, {
  description: 'SIENA handling restriction',
});
export const HANDLING_RESTRICTION_LABELS: Readonly<Record<HandlingRestrictionCode, string>> = {
  H0: 'Use only to prevent and combat crime',
  H1: "Not to be disclosed in judicial proceedings without the provider's permission",
  H2: "Not to be disseminated without the provider's permission",
  H3: 'Other restrictions (see text)',
};
/** A SIENA restriction as stored: H3 must say what the restriction is, the others carry no text. */
export const HandlingRestriction = Type.Union([
  Type.Object({ code: literalUnion(['H0', 'H1', 'H2'] as const) }, { additionalProperties: false }),
  Type.Object(
    { code: Type.Literal('H3'), text: Type.String({ minLength: 1, maxLength: 2000 }) },
    { additionalProperties: false },
  ),
]);
export type HandlingRestriction = Static<typeof HandlingRestriction>;

// ---------------------------------------------------------------------------------------------------------------
// Grading. Europol 4x4 is the default; Admiralty 6x6 and UK 3x5x2 are stored with their scheme id and never
// converted (the scales do not map one to one). Parsing and formatting live in grading.ts.
// ---------------------------------------------------------------------------------------------------------------

export const GRADING_SCHEMES = ['europol-4x4', 'admiralty-6x6', 'uk-3x5x2'] as const;
export type GradingScheme = (typeof GRADING_SCHEMES)[number];
export const GradingScheme = literalUnion(GRADING_SCHEMES);

export const EUROPOL_SOURCE_GRADES = ['A', 'B', 'C', 'X'] as const;
export const EUROPOL_INFORMATION_GRADES = ['1', '2', '3', '4'] as const;
export const ADMIRALTY_SOURCE_GRADES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export const ADMIRALTY_INFORMATION_GRADES = ['1', '2', '3', '4', '5', '6'] as const;
export const UK_SOURCE_GRADES = ['A', 'B', 'C'] as const;
export const UK_INTELLIGENCE_GRADES = ['1', '2', '3', '4', '5'] as const;
export const UK_HANDLING_CODES = ['P', 'C'] as const;

export const GRADE_LABELS = {
  'europol-4x4': {
    source: {
      A: 'No doubt of the authenticity, trustworthiness and competence of the source, or always reliable',
      B: 'Source from whom information received has in most instances proved to be reliable',
      C: 'Source from whom information received has in most instances proved to be unreliable',
      X: 'The reliability of the source cannot be assessed',
    },
    information: {
      '1': 'Information whose accuracy is not in doubt',
      '2': 'Information known personally to the source but not known personally to the official passing it on',
      '3': 'Information not known personally to the source but corroborated by other information already recorded',
      '4': 'Information not known personally to the source and cannot be corroborated',
    },
  },
  'admiralty-6x6': {
    source: {
      A: 'Completely reliable',
      B: 'Usually reliable',
      C: 'Fairly reliable',
      D: 'Not usually reliable',
      E: 'Unreliable',
      F: 'Reliability cannot be judged',
    },
    information: {
      '1': 'Confirmed by other sources',
      '2': 'Probably true',
      '3': 'Possibly true',
      '4': 'Doubtful',
      '5': 'Improbable',
      '6': 'Truth cannot be judged',
    },
  },
  'uk-3x5x2': {
    source: { A: 'Reliable', B: 'Untested', C: 'Not reliable' },
    information: {
      '1': 'Known directly to the source',
      '2': 'Known indirectly to the source but corroborated',
      '3': 'Known indirectly to the source',
      '4': 'Not known',
      '5': 'Suspected to be false or malicious',
    },
    handling: { P: 'Lawful sharing permitted', C: 'Lawful sharing permitted with conditions' },
  },
} as const;

export const Grading = Type.Union([
  Type.Object(
    {
      scheme: Type.Literal('europol-4x4'),
      source: literalUnion(EUROPOL_SOURCE_GRADES),
      information: literalUnion(EUROPOL_INFORMATION_GRADES),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      scheme: Type.Literal('admiralty-6x6'),
      source: literalUnion(ADMIRALTY_SOURCE_GRADES),
      information: literalUnion(ADMIRALTY_INFORMATION_GRADES),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      scheme: Type.Literal('uk-3x5x2'),
      source: literalUnion(UK_SOURCE_GRADES),
      information: literalUnion(UK_INTELLIGENCE_GRADES),
      handling: literalUnion(UK_HANDLING_CODES),
    },
    { additionalProperties: false },
  ),
]);
export type Grading = Static<typeof Grading>;

// ---------------------------------------------------------------------------------------------------------------
// Data protection (EU Directive 2016/680): data-subject categories (art. 6), fact or assessment (art. 7), logged
// operations (art. 25).
// ---------------------------------------------------------------------------------------------------------------

export const DATA_SUBJECT_CATEGORIES = ['suspect', 'convicted', 'victim', 'witness', 'other'] as const;
export type DataSubjectCategory = (typeof DATA_SUBJECT_CATEGORIES)[number];
export const DataSubjectCategory = literalUnion(DATA_SUBJECT_CATEGORIES, {
  description: 'Data-subject category (Directive 2016/680 art. 6)',
});
export const isDataSubjectCategory = (value: unknown): value is DataSubjectCategory =>
  isMember(DATA_SUBJECT_CATEGORIES, value);

export const FACT_OR_ASSESSMENT = ['fact', 'assessment'] as const;
export type FactOrAssessment = (typeof FACT_OR_ASSESSMENT)[number];
export const FactOrAssessment = literalUnion(FACT_OR_ASSESSMENT, {
  description: 'Whether a record states a fact or a personal assessment (Directive 2016/680 art. 7)',
});

export const LOGGED_OPERATIONS = [
  'collection',
  'alteration',
  'consultation',
  'disclosure',
  'combination',
  'erasure',
] as const;
export type LoggedOperation = (typeof LOGGED_OPERATIONS)[number];
export const LoggedOperation = literalUnion(LOGGED_OPERATIONS, {
  description: 'Processing operation logged under Directive 2016/680 art. 25',
});
/** Art. 25 asks for the justification (and, for disclosure, the recipients) of these operations. */
export const OPERATIONS_REQUIRING_JUSTIFICATION: readonly LoggedOperation[] = ['consultation', 'disclosure'];

// ---------------------------------------------------------------------------------------------------------------
// Media categories. Other schemes are mapped explicitly in media-category.ts, which keeps the source code.
// ---------------------------------------------------------------------------------------------------------------

export const MEDIA_CATEGORIES = ['uncategorised', 'non-pertinent', 'cam', 'cem', 'cgi', 'comparison'] as const;
export type MediaCategory = (typeof MEDIA_CATEGORIES)[number];
export const MediaCategory = literalUnion(MEDIA_CATEGORIES, { description: 'Tessera media category' });
export const MEDIA_CATEGORY_LABELS: Readonly<Record<MediaCategory, string>> = {
  uncategorised: 'Uncategorised',
  'non-pertinent': 'Non-pertinent',
  cam: 'Child-abuse material (CAM)',
  cem: 'Child-exploitation material (CEM)',
  cgi: 'Computer-generated / drawn (CGI)',
  comparison: 'Comparison',
};

export const MEDIA_CATEGORY_SCHEMES = ['tessera', 'vics-us', 'uk-caid'] as const;
export type MediaCategoryScheme = (typeof MEDIA_CATEGORY_SCHEMES)[number];
export const MediaCategoryScheme = literalUnion(MEDIA_CATEGORY_SCHEMES);

// ---------------------------------------------------------------------------------------------------------------
// Records and selectors.
// ---------------------------------------------------------------------------------------------------------------

export const RECORD_KINDS = ['report', 'observation', 'online-identity', 'post', 'message-excerpt', 'note'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
export const RecordKind = literalUnion(RECORD_KINDS, { description: 'Kind of intelligence record' });

export const SELECTOR_TYPES = [
  'handle',
  'onion',
  'email',
  'phone',
  'url',
  'ip',
  'btc',
  'eth',
  'xmr',
  'camera-serial',
  'file-digest',
  'pdq',
] as const;
export type SelectorType = (typeof SELECTOR_TYPES)[number];
export const SelectorType = literalUnion(SELECTOR_TYPES, { description: 'Selector type' });
export const isSelectorType = (value: unknown): value is SelectorType => isMember(SELECTOR_TYPES, value);
