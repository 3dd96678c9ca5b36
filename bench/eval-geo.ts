/**
 * npm run eval:geo — activity-time location inference on real data nobody on the team wrote
 * (shared/data/tz-eval.jsonl), scored on the held-out half of the authors, next to the README's baseline
 * re-implemented and run on the same windows.
 *
 *   npm run eval:geo [-- --params src/geo/activity-params.json] [--data path/to/tz-eval.jsonl]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type ActivityParams, credibleSet, prepareModel } from '../src/geo/activity-model.js';
import { analyseOffsets } from '../src/geo/activity-offsets.js';
import { nearestGridOffset } from '../src/geo/offsets.js';
import { baselinePosterior } from './geo/baseline.js';
import { type TzAuthor, defaultDataPath, isTrainingAuthor, loadAuthors, windowsOf } from './geo/tz-data.js';

const SIZES = [10, 50, 100, 'all'] as const;

interface Tally {
  n: number;
  windows: number;
  exact: number;
  within1: number;
  within2: number;
  in50: number;
  in90: number;
  size90: number;
}

const empty = (): Tally => ({ n: 0, windows: 0, exact: 0, within1: 0, within2: 0, in50: 0, in90: 0, size90: 0 });

/**
 * The point estimate that is the Bayes decision for "within ±tolerance": the offset whose ±tolerance band holds the
 * most posterior mass (tolerance 0 gives the posterior mode).
 */
export function bandEstimate(offsets: readonly number[], posterior: readonly number[], tolerance: number): number {
  let best = offsets[0]!;
  let bestMass = -1;
  for (const centre of offsets) {
    let mass = 0;
    offsets.forEach((o, i) => {
      if (Math.abs(o - centre) <= tolerance) mass += posterior[i]!;
    });
    if (mass > bestMass) [best, bestMass] = [centre, mass];
  }
  return best;
}

function record(t: Tally, offsets: readonly number[], posterior: readonly number[], truth: number, weight: number, bayesBands: boolean): void {
  const set90 = credibleSet(offsets, posterior, 0.9);
  t.n += weight;
  t.windows += 1;
  if (bandEstimate(offsets, posterior, 0) === truth) t.exact += weight;
  if (Math.abs(bandEstimate(offsets, posterior, bayesBands ? 60 : 0) - truth) <= 60) t.within1 += weight;
  if (Math.abs(bandEstimate(offsets, posterior, bayesBands ? 120 : 0) - truth) <= 120) t.within2 += weight;
  if (credibleSet(offsets, posterior, 0.5).includes(truth)) t.in50 += weight;
  if (set90.includes(truth)) t.in90 += weight;
  t.size90 += weight * set90.length;
}

/** perAuthor: each author's windows share one unit of weight, so prolific committers do not dominate. */
function evaluate(authors: TzAuthor[], params: ActivityParams, perAuthor: boolean) {
  const model = prepareModel(params);
  const ours = new Map<string, Tally>();
  const base = new Map<string, Tally>();
  for (const size of SIZES) {
    const o = empty();
    const b = empty();
    for (const author of authors) {
      const windows = windowsOf(author, size);
      const weight = perAuthor ? 1 / windows.length : 1;
      for (const w of windows) {
        const truth = nearestGridOffset(w.truth);
        const analysis = analyseOffsets(w.times, { model });
        record(o, analysis.offsets.map((x) => x.offsetMinutes), analysis.offsets.map((x) => x.probability), truth, weight, true);
        // The baseline's own point estimate is its maximum-likelihood offset, as the data README defines it.
        const bp = baselinePosterior(w.times);
        record(b, [...bp.keys()], [...bp.values()], truth, weight, false);
      }
    }
    ours.set(String(size), o);
    base.set(String(size), b);
  }
  return { ours, base };
}

const pct = (x: number, n: number) => `${((100 * x) / Math.max(1, n)).toFixed(1).padStart(5)} %`;

function printTable(title: string, authors: TzAuthor[], params: ActivityParams, perAuthor: boolean): void {
  const { ours, base } = evaluate(authors, params, perAuthor);
  console.log(`\n${title} — ${authors.length} authors`);
  console.log('events  windows | exact            | within ±1 h      | within ±2 h      | truth in 50 % set | truth in 90 % set | 90 % set size');
  console.log('                | ours    baseline | ours    baseline | ours    baseline | ours    baseline  | ours    baseline  | ours  baseline');
  for (const size of SIZES) {
    const o = ours.get(String(size))!;
    const b = base.get(String(size))!;
    console.log(
      `${String(size).padStart(6)} ${String(o.windows).padStart(8)} | ${pct(o.exact, o.n)} ${pct(b.exact, b.n)} | ${pct(o.within1, o.n)} ${pct(b.within1, b.n)} | ` +
        `${pct(o.within2, o.n)} ${pct(b.within2, b.n)} | ${pct(o.in50, o.n)} ${pct(b.in50, b.n)}  | ${pct(o.in90, o.n)} ${pct(b.in90, b.n)}  | ` +
        `${(o.size90 / o.n).toFixed(1).padStart(4)}  ${(b.size90 / b.n).toFixed(1).padStart(4)}`,
    );
  }
}

const { values } = parseArgs({ options: { params: { type: 'string' }, data: { type: 'string' } } });
const paramsPath = values.params ?? new URL('../src/geo/activity-params.json', import.meta.url).pathname;
const params = JSON.parse(readFileSync(paramsPath, 'utf8')) as ActivityParams;
const all = loadAuthors(values.data ?? defaultDataPath());
const test = all.filter((a) => !isTrainingAuthor(a.author));
console.log(`tz-eval: ${all.length} authors; parameters ${paramsPath} (${params.fittedOn}); scored on the ${test.length} held-out authors.`);
console.log('Windows are runs of consecutive commits; the truth is the offset most commits of the window recorded; "ours" is the');
console.log('posterior mode over the offsets of 62 clock rules (with their daylight saving), the baseline the ML fit over 27 whole-hour offsets.');
const noZero = test.filter((a) => a.offsetMinutes !== 0);
printTable('Held-out authors, all; every window counts once (the README protocol)', test, params, false);
printTable('Held-out authors without offset-0 authors; every window counts once', noZero, params, false);
printTable('Held-out authors, all; every author counts once (windows weighted 1/their number)', test, params, true);
printTable('Held-out authors without offset-0 authors; every author counts once', noZero, params, true);
