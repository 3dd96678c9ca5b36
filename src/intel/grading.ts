/**
 * Source/information grading: parse and format the compact written forms (`B2`, `A1P`).
 *
 * The scheme is never inferred from the text: "B2" is valid Europol 4x4 and valid Admiralty 6x6 and means different
 * things in each, so the caller names the scheme (Europol 4x4 by default) and the grading is stored with it.
 */
import {
  ADMIRALTY_INFORMATION_GRADES,
  ADMIRALTY_SOURCE_GRADES,
  EUROPOL_INFORMATION_GRADES,
  EUROPOL_SOURCE_GRADES,
  GRADE_LABELS,
  UK_HANDLING_CODES,
  UK_INTELLIGENCE_GRADES,
  UK_SOURCE_GRADES,
  type Grading,
  type GradingScheme,
} from './vocabulary.js';

const has = (values: readonly string[], v: string): boolean => values.includes(v);

/**
 * Parses a written grading in the given scheme. Case and separators between the parts are tolerated
 * ("b2", "B-2", "B / 2", "a 1 p"); anything outside the scheme's scales returns undefined.
 */
export function parseGrading(text: string, scheme: GradingScheme = 'europol-4x4'): Grading | undefined {
  const compact = text.trim().toUpperCase().replace(/[\s/\-_.]+/g, '');
  if (scheme === 'uk-3x5x2') {
    const m = /^([A-Z])(\d)([A-Z])$/.exec(compact);
    if (!m) return undefined;
    const [, source = '', information = '', handling = ''] = m;
    if (!has(UK_SOURCE_GRADES, source) || !has(UK_INTELLIGENCE_GRADES, information)) return undefined;
    if (!has(UK_HANDLING_CODES, handling)) return undefined;
    return {
      scheme,
      source: source as (typeof UK_SOURCE_GRADES)[number],
      information: information as (typeof UK_INTELLIGENCE_GRADES)[number],
      handling: handling as (typeof UK_HANDLING_CODES)[number],
    };
  }
  const m = /^([A-Z])(\d)$/.exec(compact);
  if (!m) return undefined;
  const [, source = '', information = ''] = m;
  if (scheme === 'europol-4x4') {
    if (!has(EUROPOL_SOURCE_GRADES, source) || !has(EUROPOL_INFORMATION_GRADES, information)) return undefined;
    return {
      scheme,
      source: source as (typeof EUROPOL_SOURCE_GRADES)[number],
      information: information as (typeof EUROPOL_INFORMATION_GRADES)[number],
    };
  }
  if (!has(ADMIRALTY_SOURCE_GRADES, source) || !has(ADMIRALTY_INFORMATION_GRADES, information)) return undefined;
  return {
    scheme,
    source: source as (typeof ADMIRALTY_SOURCE_GRADES)[number],
    information: information as (typeof ADMIRALTY_INFORMATION_GRADES)[number],
  };
}

/** The compact written form: `B2` (Europol, Admiralty) or `A1P` (UK 3x5x2). The scheme is not part of it. */
export function formatGrading(grading: Grading): string {
  return grading.scheme === 'uk-3x5x2'
    ? `${grading.source}${grading.information}${grading.handling}`
    : `${grading.source}${grading.information}`;
}

/** Human-readable meaning of each part, for tooltips and exports. */
export function describeGrading(grading: Grading): { source: string; information: string; handling?: string } {
  if (grading.scheme === 'uk-3x5x2') {
    const labels = GRADE_LABELS['uk-3x5x2'];
    return {
      source: labels.source[grading.source],
      information: labels.information[grading.information],
      handling: labels.handling[grading.handling],
    };
  }
  if (grading.scheme === 'europol-4x4') {
    const labels = GRADE_LABELS['europol-4x4'];
    return { source: labels.source[grading.source], information: labels.information[grading.information] };
  }
  const labels = GRADE_LABELS['admiralty-6x6'];
  return { source: labels.source[grading.source], information: labels.information[grading.information] };
}
