/**
 * The location assessment: every enabled evidence item becomes a likelihood over countries, the items are
 * combined as independent evidence (each already calibrated: tempered activity likelihood, tempered language
 * ratio, reliability models for metadata and clues), multiplied by a prior over countries, and explained.
 */
import { type ActivityResult, activityCountryLikelihood, describeOffsets } from './activity-evidence.js';
import { credibleSet } from './activity-model.js';
import type { OffsetPriorChoice } from './activity-offsets.js';
import { countries, countryName } from './countries.js';
import { type LanguageResult, languageCountryLikelihood, languageName } from './language-evidence.js';
import { loadLanguageDetector } from './language-id.js';
import { type MetadataResult, cameraSerialLikelihood, captureOffsetLikelihood, clueLikelihood, gpsLikelihood } from './metadata-evidence.js';
import type { ActivityReport, CountryProbability, EvidenceContribution, LocationAssessment, LocationEvidence } from './types.js';

export interface AssessOptions {
  /**
   * Prior over countries: 'population' (a random person is more likely to live in a populous country; default),
   * 'uniform', or explicit weights (e.g. internet users) — missing countries get the smallest given weight.
   */
  countryPrior?: 'population' | 'uniform' | Record<string, number>;
  /** Prior of the offset-level activity picture: 'learned' (where the evaluation authors were) or 'uniform'. */
  offsetPrior?: OffsetPriorChoice;
  credibleLevel?: number;
}

// Bounds on what one assessment reads, so a caller passing untrusted bulk data cannot stall the node. Past a few
// thousand active hours the tempered activity likelihood hardly changes, so an even subsample loses nothing.
export const MAX_ACTIVITY_EVENTS = 20_000;
export const MAX_TEXTS = 5_000;
export const MAX_TEXT_LENGTH = 10_000;

/** Every k-th element so that at most `max` remain, spread over the whole period. */
function evenSubsample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)]!);
}

interface Scored {
  item: LocationEvidence;
  enabled: boolean;
  usable: boolean;
  summary: string;
  likelihood: Map<string, number>;
  activity?: ActivityResult;
}

const SPECIFIC_VARIANT_NAMES: Record<string, string> = {
  'pt-PT': 'European Portuguese',
  'pt-BR': 'Brazilian Portuguese',
  'en-GB': 'British English',
  'en-US': 'American English',
  'es-ES': 'Peninsular Spanish',
  'es-419': 'Latin American Spanish',
  'fr-FR': 'European French',
  'fr-CA': 'Canadian French',
};

function summariseLanguage(r: LanguageResult): string {
  if (r.mainLanguage === '') return `no language recognised in ${r.textCount} texts`;
  const main = `${languageName(r.mainLanguage)} in ${r.languages[r.mainLanguage]} of ${r.textCount} texts`;
  if (!r.variant) return main;
  const [a, b] = r.variant.variants;
  const na = SPECIFIC_VARIANT_NAMES[a] ?? a;
  const nb = SPECIFIC_VARIANT_NAMES[b] ?? b;
  const pa = r.variant.probability[a]!;
  const lead = pa >= 0.5 ? `${na} ${Math.round(pa * 100)} %` : `${nb} ${Math.round((1 - pa) * 100)} %`;
  const cues = r.variant.hits.slice(0, 3).map((h) => `${h.note} ×${h.texts}`).join(', ');
  return `${main}; ${na} cues in ${r.variant.textsWithCues[a]} texts, ${nb} cues in ${r.variant.textsWithCues[b]} (${lead})${cues ? `: ${cues}` : ''}`;
}

function scoreItem(item: LocationEvidence, options: AssessOptions): Scored {
  const enabled = item.enabled !== false;
  const done = (r: MetadataResult): Scored => ({ item, enabled, usable: r.usable, summary: r.summary, likelihood: r.likelihood });
  switch (item.kind) {
    case 'activity': {
      const valid = item.times.filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
      const times = evenSubsample(valid, MAX_ACTIVITY_EVENTS);
      if (times.length === 0) return { item, enabled, usable: false, summary: 'no valid times', likelihood: new Map([...countries().keys()].map((c) => [c, 1])) };
      const activity = activityCountryLikelihood(times, { prior: options.offsetPrior });
      const routine = [...activity.analysis.routines].sort((a, b) => b.probability - a.probability)[0]!;
      return {
        item,
        enabled,
        usable: true,
        activity,
        likelihood: activity.likelihood,
        summary:
          `${times.length}${valid.length > times.length ? ` (evenly sampled from ${valid.length})` : ''} times (${activity.analysis.effectiveCount} active hours) fit ${describeOffsets(activity.analysis)} best; ` +
          `best clock rule ${activity.analysis.rules[0]!.label}; most likely routine: ${routine.label} (${Math.round(routine.probability * 100)} %)`,
      };
    }
    case 'language': {
      const r = languageCountryLikelihood(evenSubsample(item.texts, MAX_TEXTS).map((t) => String(t).slice(0, MAX_TEXT_LENGTH)));
      return { item, enabled, usable: r.mainLanguage !== '', summary: summariseLanguage(r), likelihood: r.likelihood };
    }
    case 'gps':
      return done(gpsLikelihood(item.lat, item.lon));
    case 'capture-offset':
      return done(captureOffsetLikelihood(item.offsetMinutes, item.capturedAt));
    case 'camera-serial':
      return done(cameraSerialLikelihood(item.serial, item.countries, item.confidence));
    case 'clue':
      return done(clueLikelihood(item.text, item.countries, item.confidence));
  }
}

function priorOf(choice: AssessOptions['countryPrior']): Map<string, number> {
  const all = [...countries().values()];
  let raw: Map<string, number>;
  if (choice === 'uniform') raw = new Map(all.map((c) => [c.code, 1]));
  else if (choice && typeof choice === 'object') {
    const given = Object.values(choice).filter((v) => v > 0);
    const min = given.length > 0 ? Math.min(...given) : 1;
    raw = new Map(all.map((c) => [c.code, choice[c.code] && choice[c.code]! > 0 ? choice[c.code]! : min]));
  } else raw = new Map(all.map((c) => [c.code, Math.max(c.population, 1000)]));
  const total = [...raw.values()].reduce((a, b) => a + b, 0);
  return new Map([...raw].map(([c, v]) => [c, v / total]));
}

/** Posterior over countries from a prior and a set of likelihood maps (log domain for stability). */
function combine(prior: Map<string, number>, likelihoods: readonly Map<string, number>[]): Map<string, number> {
  const logs = new Map<string, number>();
  for (const [code, p] of prior) {
    let l = Math.log(p);
    for (const m of likelihoods) l += Math.log(Math.max(m.get(code) ?? 1, 1e-300));
    logs.set(code, l);
  }
  const max = Math.max(...logs.values());
  let total = 0;
  for (const l of logs.values()) total += Math.exp(l - max);
  return new Map([...logs].map(([c, l]) => [c, Math.exp(l - max) / total]));
}

function activityReport(id: string, r: ActivityResult): ActivityReport {
  const a = r.analysis;
  return {
    evidenceId: id,
    eventCount: r.eventCount,
    activeHours: a.effectiveCount,
    period: { from: r.firstEvent, to: r.lastEvent },
    offsets: a.offsets,
    offsetCredibleSet90: credibleSet(
      a.offsets.map((o) => o.offsetMinutes),
      a.offsets.map((o) => o.probability),
      0.9,
    ).sort((x, y) => x - y),
    clockRules: a.rules,
    routines: a.routines,
    temperature: a.temperature,
    charts: r.charts,
  };
}

export const ASSUMPTIONS = [
  'Evidence items are treated as independent; each is calibrated on its own (activity and language likelihoods are tempered, metadata and clues carry a reliability).',
  'Activity times: the identity keeps one routine (one of several learned routines: office hours, evenings, night) in local time, with Saturday and Sunday as the weekend; routines and tempering were fitted on public git commit times, which may differ from forum users.',
  'Daylight saving follows each zone\'s real rules (IANA data in the runtime) at the instant of each event.',
  'Country prior: population-weighted unless chosen otherwise; the same evidence favours large countries over small ones with the same clock and language.',
  'GPS shows where media were taken; a 10 % chance that this is not where the person lives is assumed.',
  'Language: the share of speakers per country comes from CLDR; people writing a language nobody around them speaks are rare but possible.',
  'Portugal and the United Kingdom share clock rules: activity times cannot separate them; only other evidence can.',
];

export async function assessLocation(evidence: readonly LocationEvidence[], options: AssessOptions = {}): Promise<LocationAssessment> {
  if (evidence.some((e) => e.kind === 'language' && e.enabled !== false)) await loadLanguageDetector();
  const level = options.credibleLevel ?? 0.9;
  const prior = priorOf(options.countryPrior);
  const scored = evidence.map((item) => scoreItem(item, options));
  const active = scored.filter((s) => s.enabled && s.usable);
  const posterior = combine(prior, active.map((s) => s.likelihood));
  const ranked: CountryProbability[] = [...posterior]
    .map(([code, probability]) => ({ code, name: countryName(code), probability }))
    .sort((a, b) => b.probability - a.probability);
  const top = ranked[0]!.code;

  const contributions: EvidenceContribution[] = scored.map((s) => {
    // Many countries share a clock or a language: among equals, the populous ones are the informative names.
    const favours = [...s.likelihood]
      .sort((a, b) => b[1] - a[1] || (countries().get(b[0])?.population ?? 0) - (countries().get(a[0])?.population ?? 0))
      .slice(0, 5)
      .map(([code, l]) => ({ code, name: countryName(code), relativeLikelihood: l }));
    const counts = s.enabled && s.usable;
    // Bayes factor for the top country against the rest, the rest weighted by the prior.
    let otherMass = 0;
    let otherLik = 0;
    for (const [code, p] of prior) {
      if (code === top) continue;
      otherMass += p;
      otherLik += p * (s.likelihood.get(code) ?? 1);
    }
    const bf = s.usable ? (s.likelihood.get(top) ?? 1) / (otherLik / otherMass) : 1;
    const others = active.filter((a) => a !== s).map((a) => a.likelihood);
    const alt = counts ? combine(prior, others) : s.usable ? combine(prior, [...others, s.likelihood]) : posterior;
    return {
      id: s.item.id,
      kind: s.item.kind,
      label: s.item.label,
      enabled: s.enabled,
      usable: s.usable,
      summary: s.summary,
      favours: s.usable ? favours : [],
      log10BayesFactorForTop: counts ? Math.log10(bf) : 0,
      topProbabilityWithoutThisItem: alt.get(top) ?? 0,
    };
  });

  return {
    version: 1,
    countries: ranked,
    credibleSet: credibleSet(
      ranked.map((c) => c.code),
      ranked.map((c) => c.probability),
      level,
    ),
    credibleLevel: level,
    evidence: contributions,
    activity: scored.filter((s) => s.enabled && s.activity).map((s) => activityReport(s.item.id, s.activity!)),
    assumptions: ASSUMPTIONS,
    explanation: active.map((s) => s.summary).join('; '),
  };
}
