/** The vocabulary of location inference: evidence items in, an assessment out (DESIGN §5 "Location assessment"). */
import type { ActivityCharts } from './activity-evidence.js';
import type { OffsetProbability, RoutineProbability, RuleProbability } from './activity-offsets.js';

interface EvidenceBase {
  /** Stable id chosen by the caller (a record id, a media id, ...), echoed in the contributions. */
  id: string;
  /** Disabled items are listed but do not count (the web toggles them to show each item's effect). */
  enabled?: boolean;
  /** What the item is, for people ("posts on forum X", "IMG_0042.jpg"). */
  label?: string;
}

/** Times (unix seconds, UTC) of posts, uploads, logins of one identity. */
export interface ActivityEvidence extends EvidenceBase {
  kind: 'activity';
  times: number[];
}

/** Texts written by the identity. */
export interface LanguageEvidence extends EvidenceBase {
  kind: 'language';
  texts: string[];
}

/** A GPS position from media metadata. Shows where a picture was taken, which is not always where someone lives. */
export interface GpsEvidence extends EvidenceBase {
  kind: 'gps';
  lat: number;
  lon: number;
}

/** The UTC offset a camera or phone recorded with a capture time (EXIF OffsetTimeOriginal). */
export interface CaptureOffsetEvidence extends EvidenceBase {
  kind: 'capture-offset';
  offsetMinutes: number;
  /** When the picture was taken (unix seconds, UTC); without it any season's offset of a zone counts. */
  capturedAt?: number;
}

/** A camera serial also seen on media of known origin: the countries where that other media came from. */
export interface CameraSerialEvidence extends EvidenceBase {
  kind: 'camera-serial';
  serial: string;
  countries: string[];
  /** How sure the link is (0..1); 0.8 when not given. */
  confidence?: number;
}

/** An analyst's clue: an object, brand, plug type, vehicle or sign, its candidate countries and a confidence. */
export interface ClueEvidence extends EvidenceBase {
  kind: 'clue';
  text: string;
  countries: string[];
  /** 0..1: how strongly the clue points to the listed countries rather than anywhere else. */
  confidence: number;
}

export type LocationEvidence =
  | ActivityEvidence
  | LanguageEvidence
  | GpsEvidence
  | CaptureOffsetEvidence
  | CameraSerialEvidence
  | ClueEvidence;

export type EvidenceKind = LocationEvidence['kind'];

export interface CountryProbability {
  code: string;
  name: string;
  probability: number;
}

export interface EvidenceContribution {
  id: string;
  kind: EvidenceKind;
  label?: string;
  enabled: boolean;
  /** False when the item could not be used (no texts recognised, GPS at sea, ...); `summary` says why. */
  usable: boolean;
  /** In words: what the item says. */
  summary: string;
  /** The countries this item alone favours most, with their likelihood relative to the item's best (1). */
  favours: { code: string; name: string; relativeLikelihood: number }[];
  /**
   * log10 of the Bayes factor this item gives the assessment's top country against the others (prior-weighted);
   * positive supports it. 0 for disabled or unusable items.
   */
  log10BayesFactorForTop: number;
  /** Probability of the assessment's top country if this item alone were left out (or added, when disabled). */
  topProbabilityWithoutThisItem: number;
}

export interface ActivityReport {
  evidenceId: string;
  eventCount: number;
  /** Distinct active UTC hours: bursts of events count once. */
  activeHours: number;
  period: { from: number; to: number };
  offsets: OffsetProbability[];
  /** Offsets holding 90 % of the probability. */
  offsetCredibleSet90: number[];
  clockRules: RuleProbability[];
  /** The competing routines (day-job, evening, night ...) and how well each explains the times. */
  routines: RoutineProbability[];
  temperature: number;
  charts: ActivityCharts;
}

export interface LocationAssessment {
  version: 1;
  /** Countries, most probable first; probabilities add up to 1. */
  countries: CountryProbability[];
  /** The smallest set of most probable countries holding at least `credibleLevel` of the probability. */
  credibleSet: string[];
  credibleLevel: number;
  evidence: EvidenceContribution[];
  /** One entry per enabled activity item. */
  activity: ActivityReport[];
  /** In words, the assessment's assumptions; shown with every result. */
  assumptions: string[];
  /** One line per usable enabled item, e.g. "posting hours fit UTC+0/+1 best; European Portuguese cues in 41 of 57 texts". */
  explanation: string;
}
