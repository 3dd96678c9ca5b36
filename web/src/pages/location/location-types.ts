import type { Static } from 'typebox';
import type {
  AnalystItemInputSchema,
  AssessmentSchema,
  AssessmentSummarySchema,
  ComparisonSchema,
  NewAssessmentSchema,
  VersionSummarySchema,
} from '../../../../src/geo/assessment-schemas.js';

/* The location API's shapes, from the server's TypeBox schemas (type-only imports: no server code in the bundle). */
export type Assessment = Static<typeof AssessmentSchema>;
export type AssessmentSummary = Static<typeof AssessmentSummarySchema>;
export type NewAssessment = Static<typeof NewAssessmentSchema>;
export type AnalystItemInput = Static<typeof AnalystItemInputSchema>;
export type VersionSummary = Static<typeof VersionSummarySchema>;
export type Comparison = Static<typeof ComparisonSchema>;
export type EvidenceItem = Assessment['evidence'][number];
export type ActivityReport = Assessment['result']['activity'][number];
export type CountryResult = Assessment['result']['countries'][number];

export const AUDIENCE_LABELS: Record<Assessment['audience'], string> = {
  case: 'Every agency in the case',
  agency: 'Your agency only',
};

export const AUDIENCE_HINTS: Record<Assessment['audience'], string> = {
  case: 'Uses only records every participating agency may see (TLP:AMBER, GREEN, CLEAR), and other cases all of them take part in.',
  agency: 'Also uses your agency’s TLP:RED and TLP:AMBER+STRICT records and the other cases your agency takes part in; no other agency sees it.',
};

export const PRIOR_LABELS: Record<Assessment['countryPrior'], string> = {
  population: 'By population (a random person more likely lives in a populous country)',
  uniform: 'Every country alike',
};

export const KIND_LABELS: Record<EvidenceItem['kind'], string> = {
  activity: 'Activity times',
  language: 'Language',
  gps: 'GPS position',
  'capture-offset': 'Capture-time offset',
  'camera-serial': 'Camera serial',
  clue: 'Analyst clue',
};

export const ORIGIN_LABELS: Record<EvidenceItem['origin'], string> = {
  posts: 'from posts',
  media: 'from media metadata',
  'other-cases': 'from other cases',
  analyst: 'entered by an analyst',
};

export const REASON_LABELS: Record<VersionSummary['reason'], string> = {
  created: 'Created',
  edited: 'Edited',
  'evidence-changed': 'Evidence changed',
  recomputed: 'Recomputed',
};

/** A probability for people: more digits near 0 and 1, where "99 %" would hide what changed; never broken across lines. */
export function percent(p: number): string {
  const nb = '\u00a0%';
  if (p >= 0.9995) return `>99.9${nb}`;
  if (p >= 0.99) return `${(p * 100).toFixed(1)}${nb}`;
  if (p >= 0.1) return `${Math.round(p * 100)}${nb}`;
  if (p >= 0.001) return `${(p * 100).toFixed(1)}${nb}`;
  return `<0.1${nb}`;
}

/** "UTC+1", "UTC-3:30", as the engine writes offsets. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const m = abs % 60;
  return `UTC${sign}${Math.floor(abs / 60)}${m === 0 ? '' : `:${String(m).padStart(2, '0')}`}`;
}
