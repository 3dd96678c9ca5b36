/**
 * Activity times → likelihood per country, through each country's real time zones and their daylight-saving
 * rules at the instants of the events, plus what the web charts need (histograms and the fitted profile).
 */
import { type PreparedModel, dominantOffset, prepareEvents, scoreHypotheses } from './activity-model.js';
import { type OffsetAnalysis, type OffsetPriorChoice, analyseOffsets, getModel } from './activity-offsets.js';
import { countries } from './countries.js';
import { formatOffset } from './offsets.js';
import { zoneOffsetAt, zoneOffsetsAt } from './time-zones.js';
import { HOURS_PER_WEEK, shiftMinuteOfWeek, utcMinuteOfWeek } from './week-time.js';

export interface ActivityCharts {
  /** Event counts per UTC hour of day (24) and hour of week (168, Monday 00:00 UTC first). */
  hourOfDayUtc: number[];
  hourOfWeekUtc: number[];
  /** The same events in local time under the most probable clock rule. */
  localZone: string;
  localOffsetMinutes: number;
  hourOfDayLocal: number[];
  hourOfWeekLocal: number[];
  /**
   * The fitted profile (routines mixed by their posterior weight) in local time, scaled to the number of events,
   * to draw over the local histograms.
   */
  fittedHourOfDayLocal: number[];
  fittedHourOfWeekLocal: number[];
}

export interface ActivityResult {
  /** Relative likelihood per country (largest = 1), robustness included. */
  likelihood: Map<string, number>;
  /** Relative likelihood per IANA zone (largest = 1), before robustness. */
  zoneLikelihood: Map<string, number>;
  analysis: OffsetAnalysis;
  charts: ActivityCharts;
  eventCount: number;
  firstEvent: number;
  lastEvent: number;
}

function histograms(times: readonly number[], offsetAt: (t: number) => number) {
  const day = new Array<number>(24).fill(0);
  const week = new Array<number>(HOURS_PER_WEEK).fill(0);
  for (const t of times) {
    const h = Math.floor(shiftMinuteOfWeek(utcMinuteOfWeek(t), offsetAt(t)) / 60);
    week[h]! += 1;
    day[h % 24]! += 1;
  }
  return { day, week };
}

export function activityCountryLikelihood(times: readonly number[], options: { prior?: OffsetPriorChoice; model?: PreparedModel } = {}): ActivityResult {
  if (times.length === 0) throw new Error('activity evidence needs at least one time');
  const model = options.model ?? getModel();
  const events = prepareEvents(times);
  const all = [...countries().values()];
  const zones = [...new Set(all.flatMap((c) => c.zones.map((z) => z.zone)))];
  const offsets = zones.map((z) => zoneOffsetsAt(z, times));
  const scores = scoreHypotheses(model, events, offsets);
  const byZone = new Map(zones.map((z, i) => [z, scores.logLik[i]!]));
  const maxLog = Math.max(...scores.logLik);
  const raw = new Map<string, number>();
  for (const c of all) raw.set(c.code, c.zones.reduce((s, z) => s + z.share * Math.exp(byZone.get(z.zone)! - maxLog), 0));
  // Robustness: the chance that the routines do not describe this person at all is a flat likelihood, mixed in at
  // the share fitted on held-out authors (relative to the population-weighted average, so it is prior-neutral).
  const eps = model.params.robustness;
  let avg = 0;
  let pop = 0;
  for (const c of all) {
    avg += c.population * raw.get(c.code)!;
    pop += c.population;
  }
  avg /= pop;
  const likelihood = new Map<string, number>();
  for (const [code, l] of raw) likelihood.set(code, (1 - eps) * (l / avg) + eps);
  const top = Math.max(...likelihood.values());
  for (const [code, l] of likelihood) likelihood.set(code, l / top);

  const analysis = analyseOffsets(times, { model, prior: options.prior });
  const best = analysis.rules[0]!;
  const utc = histograms(times, () => 0);
  const local = histograms(times, (t) => zoneOffsetAt(best.zone, t));
  const fittedWeek = new Array<number>(HOURS_PER_WEEK).fill(0);
  model.params.profiles.forEach((p, k) => {
    // Stored profiles are rounded; renormalise so the fitted curve has exactly as many events as the histogram.
    const w = analysis.routines[k]!.probability / p.hourOfWeek.reduce((a, b) => a + b, 0);
    p.hourOfWeek.forEach((v, h) => (fittedWeek[h]! += w * v * times.length));
  });
  const fittedDay = new Array<number>(24).fill(0);
  fittedWeek.forEach((v, h) => (fittedDay[h % 24]! += v));
  return {
    likelihood,
    zoneLikelihood: new Map(zones.map((z, i) => [z, Math.exp(scores.logLik[i]! - maxLog)])),
    analysis,
    charts: {
      hourOfDayUtc: utc.day,
      hourOfWeekUtc: utc.week,
      localZone: best.zone,
      localOffsetMinutes: dominantOffset(zoneOffsetsAt(best.zone, times)),
      hourOfDayLocal: local.day,
      hourOfWeekLocal: local.week,
      fittedHourOfDayLocal: fittedDay,
      fittedHourOfWeekLocal: fittedWeek,
    },
    eventCount: times.length,
    firstEvent: Math.min(...times),
    lastEvent: Math.max(...times),
  };
}

/** "UTC+0/+1" style summary of the most probable offsets (those holding half of the mass, at most three). */
export function describeOffsets(analysis: OffsetAnalysis): string {
  const sorted = [...analysis.offsets].sort((a, b) => b.probability - a.probability);
  const picked: typeof sorted = [];
  let mass = 0;
  for (const o of sorted) {
    if (mass >= 0.5 || picked.length >= 3) break;
    picked.push(o);
    mass += o.probability;
  }
  return picked.map((o) => `${formatOffset(o.offsetMinutes)} (${Math.round(o.probability * 100)} %)`).join(', ');
}
