/**
 * Fits src/geo/activity-params.json from the TRAINING half of shared/data/tz-eval.jsonl (split by author hash, see
 * tz-data.ts): the hour-of-week routines (a mixture of multinomials fitted by EM), the prior over offsets, and the
 * tempering that calibrates the posterior. The temperature and prior smoothing are chosen by two-fold
 * cross-fitting inside the training half, so they are scored on authors the routines were not fitted on.
 *
 *   npx tsx bench/geo/fit-activity.ts [--k 3] [--out src/geo/activity-params.json]
 *   npx tsx bench/geo/fit-activity.ts --half evaluation --out bench/geo/activity-params-swapped.json
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  type ActivityParams,
  type ActivityProfile,
  dominantOffset,
  logSumExp,
  prepareEvents,
  prepareModel,
  routineLogLikelihoodsWithOffsets,
} from '../../src/geo/activity-model.js';
import { CLOCK_RULES, clockRuleOffsets } from '../../src/geo/clock-rules.js';
import { nearestGridOffset } from '../../src/geo/offsets.js';
import { HOURS_PER_WEEK, shiftMinuteOfWeek, utcMinuteOfWeek } from '../../src/geo/week-time.js';
import { type TzAuthor, isTrainingAuthor, loadAuthors, windowsOf } from './tz-data.js';

const WINDOW_SIZES = [10, 50, 100, 'all'] as const;
// An author's weight in the routine fit is capped so a few prolific committers do not define "normal".
const AUTHOR_MASS_CAP = 300;

/** Local hour-of-week histogram of an author, one count per active UTC hour, from the offsets the commits recorded. */
function localHistogram(author: TzAuthor): number[] {
  const hist = new Array<number>(HOURS_PER_WEEK).fill(0);
  const seen = new Set<number>();
  author.times.forEach((t, i) => {
    const offset = author.offsets[i]!;
    // Commits recorded at +0 are mostly machines set to UTC (see the data README); they would teach the routines
    // a shifted day, so they are left out of the routine fit (this also drops UK/Portuguese winter commits).
    if (offset === 0) return;
    const hourKey = Math.floor(t / 3600);
    if (seen.has(hourKey)) return;
    seen.add(hourKey);
    hist[Math.floor(shiftMinuteOfWeek(utcMinuteOfWeek(t), offset) / 60)]! += 1;
  });
  const total = hist.reduce((a, b) => a + b, 0);
  const scale = total > AUTHOR_MASS_CAP ? AUTHOR_MASS_CAP / total : 1;
  return hist.map((v) => v * scale);
}

function circularMeanHour(hist: readonly number[]): number {
  let x = 0;
  let y = 0;
  hist.forEach((v, h) => {
    const a = ((h % 24) / 24) * 2 * Math.PI;
    x += v * Math.cos(a);
    y += v * Math.sin(a);
  });
  return ((Math.atan2(y, x) / (2 * Math.PI)) * 24 + 24) % 24;
}

/** Light smoothing across neighbouring hours (wrapping around the week) against sparse bins. */
function smoothWeek(p: readonly number[]): number[] {
  const out = p.map((_, h) => 0.25 * p[(h + HOURS_PER_WEEK - 1) % HOURS_PER_WEEK]! + 0.5 * p[h]! + 0.25 * p[(h + 1) % HOURS_PER_WEEK]!);
  const s = out.reduce((a, b) => a + b, 0);
  return out.map((v) => v / s);
}

function fitRoutines(authors: TzAuthor[], k: number): ActivityProfile[] {
  if (k === 0) return exemplarRoutines(authors);
  const hists = authors.map(localHistogram).filter((h) => h.reduce((a, b) => a + b, 0) >= 20);
  // Deterministic start: authors ordered by the circular mean of their local hour, cut into k groups
  // (starting the circle at 05:00, when the fewest people are active).
  const order = hists.map((h, i) => [(circularMeanHour(h) + 19) % 24, i] as const).sort((a, b) => a[0] - b[0]);
  let resp = hists.map(() => new Array<number>(k).fill(0));
  order.forEach(([, i], rank) => {
    resp[i]![Math.min(k - 1, Math.floor((rank * k) / order.length))] = 1;
  });
  let profiles: number[][] = [];
  let weights: number[] = [];
  for (let iter = 0; iter < 60; iter++) {
    profiles = Array.from({ length: k }, (_, c) => {
      const acc = new Array<number>(HOURS_PER_WEEK).fill(0.5);
      hists.forEach((h, a) => h.forEach((v, b) => (acc[b]! += resp[a]![c]! * v)));
      const s = acc.reduce((x, y) => x + y, 0);
      return smoothWeek(acc.map((v) => v / s));
    });
    weights = Array.from({ length: k }, (_, c) => (resp.reduce((s, r) => s + r[c]!, 0) + 1) / (hists.length + k));
    resp = hists.map((h) => {
      const logs = profiles.map((p, c) => Math.log(weights[c]!) + h.reduce((s, v, b) => s + v * Math.log(p[b]!), 0));
      const z = logSumExp(logs);
      return logs.map((l) => Math.exp(l - z));
    });
  }
  return profiles.map((hourOfWeek, c) => ({ id: `routine-${c + 1}`, label: describeRoutine(hourOfWeek), weight: weights[c]!, hourOfWeek }));
}

/**
 * One routine per training author (k = 0): the population's variety of habits kept as it is instead of being
 * averaged into a few clusters. Each author's histogram is shrunk towards the population profile by
 * EXEMPLAR_SHRINK pseudo-hours, so thin histograms do not rule out hours the author simply never happened to use.
 */
const EXEMPLAR_SHRINK = 40;
function exemplarRoutines(authors: TzAuthor[]): ActivityProfile[] {
  const hists = authors.map(localHistogram).filter((h) => h.reduce((a, b) => a + b, 0) >= 30);
  const pooled = new Array<number>(HOURS_PER_WEEK).fill(0);
  for (const h of hists) {
    const s = h.reduce((a, b) => a + b, 0);
    h.forEach((v, b) => (pooled[b]! += v / s));
  }
  const population = pooled.map((v) => v / hists.length);
  return hists.map((h, i) => {
    const s = h.reduce((a, b) => a + b, 0);
    const p = smoothWeek(h.map((v, b) => (v + EXEMPLAR_SHRINK * population[b]!) / (s + EXEMPLAR_SHRINK)));
    return { id: `exemplar-${i + 1}`, label: describeRoutine(p), weight: 1, hourOfWeek: p };
  });
}

/** A name for a routine from where its weekday activity peaks and how much happens at night. */
function describeRoutine(p: readonly number[]): string {
  const day = new Array<number>(24).fill(0);
  for (let h = 0; h < 120; h++) day[h % 24]! += p[h]!;
  const total = day.reduce((a, b) => a + b, 0);
  const office = day.slice(9, 18).reduce((a, b) => a + b, 0) / total;
  const evening = day.slice(18, 24).reduce((a, b) => a + b, 0) / total;
  const night = day.slice(0, 6).reduce((a, b) => a + b, 0) / total;
  const peak = circularMeanHour(day);
  const kind = night > 0.2 ? 'evenings and nights' : office > 0.55 ? 'office hours' : evening > 0.3 ? 'evenings' : 'day and evening';
  return `${kind} (weekday activity centred near ${String(Math.round(peak) % 24).padStart(2, '0')}:00)`;
}

interface WindowScores {
  size: (typeof WINDOW_SIZES)[number];
  /** 1 / number of windows of this size the author has: every author counts the same in the fit. */
  weight: number;
  truth: number;
  effectiveCount: number;
  /** [rule][routine] untempered log-likelihood */
  routineLogLik: number[][];
  /** dominant offset of each rule over the window */
  ruleOffset: number[];
}

function scoreWindows(authors: TzAuthor[], params: ActivityParams): WindowScores[] {
  const model = prepareModel(params);
  const out: WindowScores[] = [];
  for (const author of authors) {
    for (const size of WINDOW_SIZES) {
      const windows = windowsOf(author, size);
      for (const w of windows) {
        const events = prepareEvents(w.times);
        const perRule = clockRuleOffsets(w.times);
        out.push({
          size,
          weight: 1 / windows.length,
          truth: nearestGridOffset(w.truth),
          effectiveCount: events.effectiveCount,
          routineLogLik: perRule.map((offsets) => routineLogLikelihoodsWithOffsets(model, events, offsets)),
          ruleOffset: perRule.map((offsets) => dominantOffset(offsets, events.weights)),
        });
      }
    }
  }
  return out;
}

/**
 * Where the authors were: each author's unit of mass goes to the clock rule(s) that reproduce the most of the
 * offsets their commits recorded, plus alpha for every rule.
 */
function rulePrior(authors: TzAuthor[], alpha: number): Record<string, number> {
  const mass = new Map<string, number>(CLOCK_RULES.map((r) => [r.zone, alpha]));
  for (const a of authors) {
    const perRule = clockRuleOffsets(a.times);
    const matches = perRule.map((offsets) => offsets.reduce((s, o, i) => s + (o === a.offsets[i] ? 1 : 0), 0));
    const best = Math.max(...matches);
    const winners = CLOCK_RULES.filter((_, i) => matches[i] === best);
    for (const r of winners) mass.set(r.zone, mass.get(r.zone)! + 1 / winners.length);
  }
  const total = [...mass.values()].reduce((x, y) => x + y, 0);
  return Object.fromEntries(CLOCK_RULES.map((r) => [r.zone, mass.get(r.zone)! / total]));
}

interface Quality {
  logScore: number;
  miss: number;
}

/**
 * How well a tempering/prior choice does on held-out windows, for each robustness share: the mean (over window
 * sizes) log posterior probability of the true offset, and the mean (over sizes) miss of the 50 % and 90 % credible
 * sets' coverage.
 */
function heldOutQuality(scores: WindowScores[], logWeights: number[], prior: Record<string, number>, scale: number, exponent: number, robustness: readonly number[]): Quality[] {
  const acc = robustness.map(() => new Map<string, { logScore: number; in50: number; in90: number; n: number }>());
  const logPrior = CLOCK_RULES.map((r) => Math.log(prior[r.zone]!));
  for (const w of scores) {
    const tau = Math.min(1, scale * Math.pow(Math.max(1, w.effectiveCount), -exponent));
    const logPost = w.routineLogLik.map((ll, i) => logPrior[i]! + logSumExp(ll.map((l, k) => logWeights[k]! + tau * l)));
    const z = logSumExp(logPost);
    const post = new Map<number, number>();
    const pri = new Map<number, number>();
    logPost.forEach((l, i) => {
      const o = w.ruleOffset[i]!;
      post.set(o, (post.get(o) ?? 0) + Math.exp(l - z));
      pri.set(o, (pri.get(o) ?? 0) + Math.exp(logPrior[i]!));
    });
    robustness.forEach((eps, e) => {
      const mixed = new Map<number, number>();
      for (const [o, p] of post) mixed.set(o, (1 - eps) * p + eps * pri.get(o)!);
      const pTruth = mixed.get(w.truth) ?? 0;
      // The truth is in the level-set when the mass of offsets more probable than it is below the level.
      let above = 0;
      for (const p of mixed.values()) if (p > pTruth) above += p;
      const key = String(w.size);
      const a = acc[e]!.get(key) ?? { logScore: 0, in50: 0, in90: 0, n: 0 };
      // Floor: a truth no rule produces (a rare historical offset) should not dominate the score.
      a.logScore += w.weight * Math.log(Math.max(pTruth, 1e-4));
      if (pTruth > 0 && above < 0.5) a.in50 += w.weight;
      if (pTruth > 0 && above < 0.9) a.in90 += w.weight;
      a.n += w.weight;
      acc[e]!.set(key, a);
    });
  }
  return acc.map((bySize) => {
    let logScore = 0;
    let miss = 0;
    for (const a of bySize.values()) {
      logScore += a.logScore / a.n / bySize.size;
      miss += (Math.abs(a.in90 / a.n - 0.9) + Math.abs(a.in50 / a.n - 0.5)) / bySize.size;
    }
    return { logScore, miss };
  });
}

function fit(train: TzAuthor[], k: number): ActivityParams {
  const floor = 0.02;
  const base = (profiles: ActivityProfile[], prior: Record<string, number>, scale = 1, exponent = 0, robustness = 0): ActivityParams => ({
    version: 1,
    fittedOn: `tz-eval.jsonl ${useTraining ? 'training' : 'evaluation'} half (${train.length} authors, split by salted author hash), k=${k}`,
    profiles,
    floor,
    temperature: { scale, exponent },
    robustness,
    rulePrior: prior,
  });
  // Two folds inside the training half: routines from one fold, tempering and prior scored on the other.
  const folds = [train.filter((_, i) => i % 2 === 0), train.filter((_, i) => i % 2 === 1)];
  const heldOut = folds.map((fold, f) => {
    const other = folds[1 - f]!;
    const params = base(fitRoutines(other, k), rulePrior(other, 1));
    return { scores: scoreWindows(fold, params), logWeights: prepareModel(params).logWeights, other };
  });
  // Calibration first (credible sets that mean what they say), sharpness (log score) second.
  let best = { score: -Infinity, scale: 1, exponent: 0, alpha: 1, robustness: 0, logScore: 0, miss: 0 };
  const robustness = [0, 0.05, 0.1, 0.2, 0.3, 0.4];
  for (const alpha of [0.03, 0.1, 0.3, 1, 3]) {
    const priors = heldOut.map((h) => rulePrior(h.other, alpha));
    for (const exponent of [0.5, 0.65, 0.8, 0.95, 1.1]) {
      for (const scale of [2, 3, 5, 8, 12, 18, 27]) {
        const q = heldOut.map((h, f) => heldOutQuality(h.scores, h.logWeights, priors[f]!, scale, exponent, robustness));
        robustness.forEach((eps, e) => {
          const logScore = (q[0]![e]!.logScore + q[1]![e]!.logScore) / 2;
          const miss = (q[0]![e]!.miss + q[1]![e]!.miss) / 2;
          const score = logScore - 10 * miss;
          if (score > best.score) best = { score, scale, exponent, alpha, robustness: eps, logScore, miss };
        });
      }
    }
  }
  console.log(`k=${k}: held-out log score ${best.logScore.toFixed(3)}, coverage miss ${(100 * best.miss).toFixed(1)} points, at scale ${best.scale}, exponent ${best.exponent}, prior alpha ${best.alpha}, robustness ${best.robustness}`);
  return base(fitRoutines(train, k), rulePrior(train, best.alpha), best.scale, best.exponent, best.robustness);
}

function round(params: ActivityParams): ActivityParams {
  const r = (v: number) => Number(v.toPrecision(4));
  return {
    ...params,
    profiles: params.profiles.map((p) => ({ ...p, weight: r(p.weight), hourOfWeek: p.hourOfWeek.map(r) })),
    rulePrior: Object.fromEntries(Object.entries(params.rulePrior).map(([key, v]) => [key, r(v)])),
  };
}

const { values } = parseArgs({
  options: {
    k: { type: 'string', default: '3' },
    out: { type: 'string', default: 'src/geo/activity-params.json' },
    // --half evaluation fits on the evaluation half instead, so eval:geo can also score the swapped split.
    half: { type: 'string', default: 'training' },
  },
});
const useTraining = values.half !== 'evaluation';
const train = loadAuthors().filter((a) => isTrainingAuthor(a.author) === useTraining);
const params = round(fit(train, Number(values.k)));
for (const p of params.profiles) console.log(`  ${p.id} ${(p.weight * 100).toFixed(0)} %: ${p.label}`);
writeFileSync(values.out!, `${JSON.stringify(params, null, 1)}\n`);
console.log(`wrote ${values.out}`);
