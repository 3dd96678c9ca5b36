/** Location inference (DESIGN §10): the public API of src/geo for services, routes and the CLI. */
export { assessLocation, ASSUMPTIONS, type AssessOptions } from './assess-location.js';
export type {
  ActivityEvidence,
  ActivityReport,
  CameraSerialEvidence,
  CaptureOffsetEvidence,
  ClueEvidence,
  CountryProbability,
  EvidenceContribution,
  EvidenceKind,
  GpsEvidence,
  LanguageEvidence,
  LocationAssessment,
  LocationEvidence,
} from './types.js';
export type { ActivityCharts } from './activity-evidence.js';
export { analyseOffsets, type OffsetAnalysis, type OffsetProbability, type RoutineProbability, type RuleProbability } from './activity-offsets.js';
export { countries, countryCodes, countryName, type Country } from './countries.js';
export { countryAt } from './country-shapes.js';
export { formatOffset, UTC_OFFSETS } from './offsets.js';
export { loadLanguageDetector } from './language-id.js';
export { scoreVariants, type VariantScore } from './language-variants.js';
export { syntheticTimes } from './synthetic-activity.js';
