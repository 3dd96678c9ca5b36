/**
 * Fits src/geo/language-weights.json: cue strengths and a pooling temperature per language, from the catalogs of
 * the TRAINING domains only (lang-data.ts); eval:lang scores the other domains.
 *
 *   npx tsx bench/geo/fit-language.ts [--out src/geo/language-weights.json]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CUES, VARIANTS, type VariantPair } from '../../src/geo/language-cues.js';
import { type LanguageWeights, cuesInText } from '../../src/geo/language-variants.js';
import { isTrainingDomain, labelledCatalogs } from './lang-data.js';
import { mulberry32, samplePools } from './sampling.js';

// Pseudo-occurrences pulling a learned strength towards the hand-set default: a cue seen a handful of times keeps
// most of its default, one seen hundreds of times is what the data says.
const SHRINK = 10;
const MAX_WEIGHT = 4;

const { values } = parseArgs({ options: { out: { type: 'string', default: 'src/geo/language-weights.json' } } });
const train = labelledCatalogs().filter((c) => isTrainingDomain(c.domain));
const weights: Record<string, number> = {};
const temperature: Record<string, number> = {};
const used: string[] = [];

for (const language of Object.keys(CUES) as VariantPair[]) {
  const [a, b] = VARIANTS[language];
  const catalogs = train.filter((c) => c.language === language);
  const textsA = catalogs.filter((c) => c.variant === a).flatMap((c) => c.texts);
  const textsB = catalogs.filter((c) => c.variant === b).flatMap((c) => c.texts);
  if (textsA.length < 200 || textsB.length < 200) {
    console.log(`${language}: no labelled contrast (${textsA.length} ${a} / ${textsB.length} ${b} training texts); default strengths kept`);
    continue;
  }
  used.push(...catalogs.map((c) => `${c.locale}/${c.domain}`));
  const count = (texts: string[]) => {
    const m = new Map<string, number>();
    for (const t of texts) for (const cue of cuesInText(t, language)) m.set(cue.id, (m.get(cue.id) ?? 0) + 1);
    return m;
  };
  const ca = count(textsA);
  const cb = count(textsB);
  for (const cue of CUES[language]) {
    const ka = ca.get(cue.id) ?? 0;
    const kb = cb.get(cue.id) ?? 0;
    const rateOwn = ((cue.variant === a ? ka : kb) + 0.5) / ((cue.variant === a ? textsA.length : textsB.length) + 1);
    const rateOther = ((cue.variant === a ? kb : ka) + 0.5) / ((cue.variant === a ? textsB.length : textsA.length) + 1);
    // A cue whose data points the other way is switched off rather than flipped: its direction is linguistics,
    // the catalogs only say how much it is worth here.
    const learned = Math.max(0, Math.min(MAX_WEIGHT, Math.log(rateOwn / rateOther)));
    const n = ka + kb;
    weights[cue.id] = Number(((n * learned + SHRINK * cue.weight) / (n + SHRINK)).toFixed(3));
  }
  // Temperature: the multiplier of the pooled ratio that maximises the log score of 5- and 20-text pools drawn
  // within training catalogs (one catalog ~ one translator ~ one person's habits).
  const rng = mulberry32(7);
  const pools = [5, 20].flatMap((k) => samplePools(catalogs, k, 300, rng));
  const raw = pools.map((p) => {
    let s = 0;
    for (const t of p.texts) for (const cue of cuesInText(t, language)) s += cue.variant === a ? weights[cue.id]! : -weights[cue.id]!;
    return { s, isA: p.variant === a };
  });
  let best = { t: 1, score: -Infinity };
  for (let t = 0.05; t <= 2.001; t += 0.05) {
    const score = raw.reduce((acc, r) => {
      const pA = 1 / (1 + Math.exp(-t * r.s));
      return acc + Math.log(Math.max(1e-9, r.isA ? pA : 1 - pA));
    }, 0);
    if (score > best.score) best = { t: Number(t.toFixed(2)), score };
  }
  temperature[language] = best.t;
  console.log(`${language}: ${textsA.length} ${a} and ${textsB.length} ${b} training texts; temperature ${best.t}`);
}

const out: LanguageWeights = {
  version: 1,
  fittedOn: `Debian translation catalogs of the training domains (salted hash of the domain name even): ${used.length} catalogs`,
  temperature,
  weights,
};
writeFileSync(values.out!, `${JSON.stringify(out, null, 1)}\n`);
console.log(`wrote ${values.out}`);
