/**
 * The activity model: how likely a set of event times is under each UTC offset (or each real time zone), given
 * hour-of-week activity profiles learned from people whose offsets are known.
 *
 * Several profiles are kept as competing hypotheses about the person's routine (an office-hours person, an evening
 * person, ...). A window of events is assumed to come from one routine throughout, so the likelihood of an offset
 * is a mixture over routines of the product over events, and the posterior weight of each routine is reported.
 *
 * Events are not independent (people work in bursts, and a real routine never matches a population profile
 * exactly), so the per-routine log-likelihood is tempered by tau(n) = min(1, scale * n^-exponent), fitted on held-out
 * authors so that credible sets have their stated coverage.
 */
import { HOURS_PER_WEEK, MINUTES_PER_WEEK, shiftMinuteOfWeek, utcMinuteOfWeek } from './week-time.js';

export interface ActivityProfile {
  id: string;
  label: string;
  /** Prior weight of this routine among the people the profiles were fitted on. */
  weight: number;
  /** 168 probabilities, local hour of week, Monday 00:00 first. */
  hourOfWeek: number[];
}

export interface ActivityParams {
  version: number;
  fittedOn: string;
  profiles: ActivityProfile[];
  /** Share of a flat profile mixed into every profile so a single odd event cannot veto an offset. */
  floor: number;
  temperature: { scale: number; exponent: number };
  /**
   * Share of the posterior handed back to the prior because the routines may not describe this person at all
   * (shift work, travel, a shared account); it keeps confident mistakes from being fatal.
   */
  robustness: number;
  /** Clock rule (IANA zone of clock-rules.ts) to prior probability, learned from where the training authors were. */
  rulePrior: Record<string, number>;
}

/** Prepared profiles: log density per local minute of the week, linearly interpolated between hour centres. */
export interface PreparedModel {
  params: ActivityParams;
  logDensity: Float64Array[];
  logWeights: number[];
}

export function prepareModel(params: ActivityParams): PreparedModel {
  const logDensity = params.profiles.map((profile) => {
    const p = profile.hourOfWeek.map((v) => (1 - params.floor) * v + params.floor / HOURS_PER_WEEK);
    const table = new Float64Array(MINUTES_PER_WEEK);
    for (let minute = 0; minute < MINUTES_PER_WEEK; minute++) {
      // Position relative to hour centres (minute 30 of each hour), so the density varies smoothly through the hour.
      const x = (minute - 30) / 60;
      const lo = Math.floor(x);
      const frac = x - lo;
      const a = p[(lo + HOURS_PER_WEEK) % HOURS_PER_WEEK]!;
      const b = p[(lo + 1) % HOURS_PER_WEEK]!;
      // Divide by 60 so the table is a density per minute; the constant is shared by all profiles.
      table[minute] = Math.log(((1 - frac) * a + frac * b) / 60);
    }
    return table;
  });
  const totalWeight = params.profiles.reduce((s, p) => s + p.weight, 0);
  return { params, logDensity, logWeights: params.profiles.map((p) => Math.log(p.weight / totalWeight)) };
}

export interface PreparedEvents {
  /** UTC minute of the week of each event. */
  minuteOfWeek: Int32Array;
  times: readonly number[];
  /** Weight of each event: 1 / number of events in the same UTC clock hour, so a burst counts as one active hour. */
  weights: Float64Array;
  /** Sum of the weights: the number of distinct active hours. */
  effectiveCount: number;
}

export function prepareEvents(times: readonly number[]): PreparedEvents {
  const perHour = new Map<number, number>();
  for (const t of times) {
    const h = Math.floor(t / 3600);
    perHour.set(h, (perHour.get(h) ?? 0) + 1);
  }
  const weights = new Float64Array(times.length);
  const minuteOfWeek = new Int32Array(times.length);
  times.forEach((t, i) => {
    weights[i] = 1 / perHour.get(Math.floor(t / 3600))!;
    minuteOfWeek[i] = utcMinuteOfWeek(t);
  });
  return { minuteOfWeek, times, weights, effectiveCount: perHour.size };
}

export function temperatureFor(params: ActivityParams, effectiveCount: number): number {
  const { scale, exponent } = params.temperature;
  return Math.min(1, scale * Math.pow(Math.max(1, effectiveCount), -exponent));
}

/** Per-routine log-likelihood (untempered) when every event is shifted by the same offset. */
export function routineLogLikelihoodsAtOffset(model: PreparedModel, events: PreparedEvents, offsetMinutes: number): number[] {
  return model.logDensity.map((table) => {
    let s = 0;
    for (let i = 0; i < events.minuteOfWeek.length; i++) {
      s += events.weights[i]! * table[shiftMinuteOfWeek(events.minuteOfWeek[i]!, offsetMinutes)]!;
    }
    return s;
  });
}

/** Per-routine log-likelihood (untempered) when each event has its own offset (a zone with daylight saving). */
export function routineLogLikelihoodsWithOffsets(model: PreparedModel, events: PreparedEvents, offsets: ArrayLike<number>): number[] {
  return model.logDensity.map((table) => {
    let s = 0;
    for (let i = 0; i < events.minuteOfWeek.length; i++) {
      s += events.weights[i]! * table[shiftMinuteOfWeek(events.minuteOfWeek[i]!, offsets[i]!)]!;
    }
    return s;
  });
}

export function logSumExp(values: readonly number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (const v of values) s += Math.exp(v - max);
  return max + Math.log(s);
}

/** Marginal tempered log-likelihood over routines, and each routine's share of it. */
export function marginaliseRoutines(model: PreparedModel, routineLogLik: readonly number[], tau: number): { logLik: number; routineShare: number[] } {
  const terms = routineLogLik.map((l, k) => model.logWeights[k]! + tau * l);
  const logLik = logSumExp(terms);
  return { logLik, routineShare: terms.map((t) => Math.exp(t - logLik)) };
}

/** Normalises log weights into probabilities. */
export function normaliseLog(logs: readonly number[]): number[] {
  const z = logSumExp(logs);
  return logs.map((l) => (z === -Infinity ? 1 / logs.length : Math.exp(l - z)));
}

export interface HypothesisScores {
  /** Tempered marginal log-likelihood of each hypothesis (a clock rule or a zone). */
  logLik: number[];
  /** Posterior weight of each routine within each hypothesis. */
  routineShare: number[][];
  tau: number;
}

/**
 * Scores clock hypotheses, each given as the offset it had at every event. Hypotheses with identical offset
 * sequences (most zones of one country, most zones in one period) are computed once.
 */
export function scoreHypotheses(model: PreparedModel, events: PreparedEvents, offsetsPerHypothesis: readonly ArrayLike<number>[]): HypothesisScores {
  const tau = temperatureFor(model.params, events.effectiveCount);
  const memo = new Map<string, { logLik: number; routineShare: number[] }>();
  const logLik: number[] = [];
  const routineShare: number[][] = [];
  for (const offsets of offsetsPerHypothesis) {
    const key = runLengthKey(offsets);
    let m = memo.get(key);
    if (!m) {
      m = marginaliseRoutines(model, routineLogLikelihoodsWithOffsets(model, events, offsets), tau);
      memo.set(key, m);
    }
    logLik.push(m.logLik);
    routineShare.push(m.routineShare);
  }
  return { logLik, routineShare, tau };
}

/** A short key identifying an offset sequence: offsets change rarely, so run-length encoding is tiny. */
function runLengthKey(offsets: ArrayLike<number>): string {
  let key = '';
  let i = 0;
  while (i < offsets.length) {
    let j = i;
    while (j < offsets.length && offsets[j] === offsets[i]) j++;
    key += `${offsets[i]}x${j - i},`;
    i = j;
  }
  return key;
}

/** The offset a hypothesis showed most often over the events (what a clock in that zone mostly read). */
export function dominantOffset(offsets: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < offsets.length; i++) counts.set(offsets[i]!, (counts.get(offsets[i]!) ?? 0) + (weights ? weights[i]! : 1));
  let best = offsets[0] ?? 0;
  let bestCount = -1;
  for (const [o, c] of counts) if (c > bestCount || (c === bestCount && o < best)) [best, bestCount] = [o, c];
  return best;
}

/** Smallest set of most probable items whose probabilities add up to at least `level`. */
export function credibleSet<T>(items: readonly T[], probabilities: readonly number[], level: number): T[] {
  const order = probabilities.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0]);
  const out: T[] = [];
  let sum = 0;
  for (const [p, i] of order) {
    if (sum >= level) break;
    out.push(items[i]!);
    sum += p;
  }
  return out;
}
