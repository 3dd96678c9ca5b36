/**
 * npm run eval:geo — activity-time location inference on real data nobody on the team wrote
 * (shared/data/tz-eval.jsonl), scored on the held-out half of the authors, next to the README's baseline
 * re-implemented and run on the same windows.
 *
 *   npm run eval:geo [-- --params src/geo/activity-params.json] [--data path/to/tz-eval.jsonl]
 */
import { existsSync, readFileSync } from 'node:fs';
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
  /** within ±1 h when the point estimate is the posterior mode, for comparison with the band decision */
  within1Mode: number;
  within2: number;
  in50: number;
  in90: number;
  size90: number;
}

const empty = (): Tally => ({ n: 0, windows: 0, exact: 0, within1: 0, within1Mode: 0, within2: 0, in50: 0, in90: 0, size90: 0 });

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
  if (Math.abs(bandEstimate(offsets, posterior, 0) - truth) <= 60) t.within1Mode += weight;
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

type Tallies = ReturnType<typeof evaluate>;

function printTallies(title: string, authorCount: number, { ours, base }: Tallies): void {
  console.log(`\n${title} — ${authorCount} authors`);
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
  console.log(`  (ours within ±1 h with the posterior mode as the estimate: ${SIZES.map((k) => `${k}: ${pct(ours.get(String(k))!.within1Mode, ours.get(String(k))!.n).trim()}`).join(', ')})`);
}

function addTallies(x: Tallies, y: Tallies): Tallies {
  const merge = (a: Map<string, Tally>, b: Map<string, Tally>) =>
    new Map([...a].map(([k, t]) => {
      const u = b.get(k)!;
      return [k, { n: t.n + u.n, windows: t.windows + u.windows, exact: t.exact + u.exact, within1: t.within1 + u.within1, within1Mode: t.within1Mode + u.within1Mode, within2: t.within2 + u.within2, in50: t.in50 + u.in50, in90: t.in90 + u.in90, size90: t.size90 + u.size90 }];
    }));
  return { ours: merge(x.ours, y.ours), base: merge(x.base, y.base) };
}

const VIEWS = [
  ['All authors; every window counts once (the README protocol)', false, false],
  ['Without offset-0 authors; every window counts once', true, false],
  ['All authors; every author counts once (windows weighted 1/their number)', false, true],
  ['Without offset-0 authors; every author counts once', true, true],
] as const;

function report(heading: string, authors: TzAuthor[], p: ActivityParams): Tallies[] {
  console.log(`\n=== ${heading}`);
  return VIEWS.map(([title, dropZero, perAuthor]) => {
    const chosen = dropZero ? authors.filter((a) => a.offsetMinutes !== 0) : authors;
    const t = evaluate(chosen, p, perAuthor);
    printTallies(title, chosen.length, t);
    return t;
  });
}

const { values } = parseArgs({ options: { params: { type: 'string' }, data: { type: 'string' } } });
const paramsPath = values.params ?? new URL('../src/geo/activity-params.json', import.meta.url).pathname;
const params = JSON.parse(readFileSync(paramsPath, 'utf8')) as ActivityParams;
const all = loadAuthors(values.data ?? defaultDataPath());
const test = all.filter((a) => !isTrainingAuthor(a.author));
console.log(`tz-eval: ${all.length} authors; parameters ${paramsPath} (${params.fittedOn}).`);
console.log('Windows: runs of consecutive commits; truth: the offset most commits of the window recorded.');
console.log('Ours: a posterior over the offsets of 62 clock rules (with their daylight saving); the point estimate is the posterior');
console.log('mode for "exact" and the centre of the ±1 h (±2 h) band holding the most probability for "within ±1 h (±2 h)".');
console.log('Baseline (data README): maximum-likelihood whole-hour offset of a fixed working-day profile, used for all three;');
console.log('its credible sets come from its likelihood normalised under a flat prior.');

const main = report(`Parameters fitted on the training half, scored on the ${test.length} held-out authors`, test, params);

// The same method with the halves swapped: parameters fitted on the evaluation half, scored on the training half.
// Per-window figures swing with which prolific authors land on which side; the two folds show by how much, and
// pooled they score every author once with parameters fitted without them.
const swappedPath = new URL('./geo/activity-params-swapped.json', import.meta.url).pathname;
if (!values.params && existsSync(swappedPath)) {
  const swapped = JSON.parse(readFileSync(swappedPath, 'utf8')) as ActivityParams;
  const train = all.filter((a) => isTrainingAuthor(a.author));
  const other = report(`Swapped split: parameters fitted on the evaluation half (${swapped.fittedOn}), scored on the ${train.length} training authors`, train, swapped);
  console.log('\n=== Both folds pooled: every author scored once, by parameters fitted on the other half');
  VIEWS.forEach(([title, dropZero], v) => {
    const count = dropZero ? all.filter((a) => a.offsetMinutes !== 0).length : all.length;
    printTallies(title, count, addTallies(main[v]!, other[v]!));
  });
}
