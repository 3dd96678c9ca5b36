/**
 * npm run eval:lang — language-variant accuracy on labelled texts assembled from this machine's Debian translation
 * catalogs (/usr/share/locale/<locale>/LC_MESSAGES/*.mo), scored on the catalogs (domains) that the cue strengths
 * were NOT fitted on. Pools of 1, 5, 20 and 50 texts are drawn within one catalog, as one person's texts.
 * The machine decides which variants can be scored; the script lists the catalogs it used.
 *
 *   npm run eval:lang [-- --pools 500]
 */
import { parseArgs } from 'node:util';
import { VARIANTS, type VariantPair } from '../src/geo/language-cues.js';
import { detectLanguage, loadLanguageDetector } from '../src/geo/language-id.js';
import { scoreVariants } from '../src/geo/language-variants.js';
import { catalogsOf, translatedTexts } from './geo/catalog-texts.js';
import { isTrainingDomain, labelledCatalogs } from './geo/lang-data.js';
import { mulberry32, samplePools } from './geo/sampling.js';

await loadLanguageDetector();
const SIZES = [1, 5, 20, 50];
const { values } = parseArgs({ options: { pools: { type: 'string', default: '500' } } });
const poolsPerVariant = Number(values.pools);

const all = labelledCatalogs();
const test = all.filter((c) => !isTrainingDomain(c.domain));
console.log(`Labelled catalogs found: ${all.length}; held-out (test) domains: ${test.length} catalogs.`);
for (const [language, [a, b]] of Object.entries(VARIANTS)) {
  const list = (v: string) => test.filter((c) => c.variant === v).map((c) => `${c.locale}/${c.domain}(${c.texts.length})`);
  console.log(`  ${language}: ${a}: ${list(a).join(' ') || 'none'}`);
  console.log(`  ${' '.repeat(language.length)}  ${b}: ${list(b).join(' ') || 'none'}`);
}

const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)} %`;

for (const language of Object.keys(VARIANTS) as VariantPair[]) {
  const [a, b] = VARIANTS[language];
  const catalogs = test.filter((c) => c.language === language);
  if (!catalogs.some((c) => c.variant === a) || !catalogs.some((c) => c.variant === b)) {
    console.log(`\n${a} vs ${b}: not scored — this machine has no held-out catalogs of ${catalogs.some((c) => c.variant === a) ? b : a}.`);
    continue;
  }
  console.log(`\n${a} vs ${b} (ties, i.e. pools without any cue, count as half right)`);
  console.log(' texts | accuracy ' + `${a.padEnd(7)} ${b.padEnd(7)} balanced | no cue at all | mean p(truth)`);
  const rng = mulberry32(2024);
  for (const k of SIZES) {
    const pools = samplePools(catalogs, k, poolsPerVariant, rng);
    const acc: Record<string, { right: number; n: number; ties: number; p: number }> = { [a]: { right: 0, n: 0, ties: 0, p: 0 }, [b]: { right: 0, n: 0, ties: 0, p: 0 } };
    for (const pool of pools) {
      const s = scoreVariants(pool.texts, language);
      const t = acc[pool.variant]!;
      t.n += 1;
      t.p += s.probability[pool.variant]!;
      if (s.logRatio === 0) {
        t.ties += 1;
        t.right += 0.5;
      } else if ((s.logRatio > 0) === (pool.variant === a)) t.right += 1;
    }
    const ra = acc[a]!.right / Math.max(1, acc[a]!.n);
    const rb = acc[b]!.right / Math.max(1, acc[b]!.n);
    const ties = (acc[a]!.ties + acc[b]!.ties) / Math.max(1, acc[a]!.n + acc[b]!.n);
    const meanP = (acc[a]!.p + acc[b]!.p) / Math.max(1, acc[a]!.n + acc[b]!.n);
    console.log(`${String(k).padStart(6)} |          ${pct(ra)} ${pct(rb)} ${pct((ra + rb) / 2)} | ${pct(ties)}       | ${meanP.toFixed(3)}`);
  }
}

// One-sided checks: generic Debian "es" and "fr" catalogs are written for Spain and France by convention; with no
// catalogs of the other variant this only shows how often the cues wrongly point to the other side.
for (const [language, locale, expected] of [['es', 'es', 'es-ES'], ['fr', 'fr', 'fr-FR']] as const) {
  const domains = catalogsOf(locale).filter((d) => !isTrainingDomain(d));
  const catalogs = domains.map((domain) => ({ variant: expected, domain, texts: translatedTexts(locale, domain) })).filter((c) => c.texts.length > 0);
  if (catalogs.length === 0) continue;
  const rng = mulberry32(99);
  const parts = SIZES.map((k) => {
    const pools = samplePools(catalogs, k, poolsPerVariant, rng);
    let right = 0;
    let wrong = 0;
    for (const p of pools) {
      const s = scoreVariants(p.texts, language);
      if (s.logRatio > 0) right += 1;
      else if (s.logRatio < 0) wrong += 1;
    }
    return `${k}: ${pct(right / pools.length)} ${expected}, ${pct(wrong / pools.length)} other, rest no cue`;
  });
  console.log(`\nOne-sided check on generic "${locale}" catalogs (assumed ${expected}; ${catalogs.length} held-out catalogs): ${parts.join(' | ')}`);
}

// Language identification (eld) of single held-out texts, which decides which cue list applies.
console.log('\nLanguage identification (eld) of single held-out texts:');
for (const [locale, expected] of [['pt', 'pt'], ['pt_BR', 'pt'], ['en_GB', 'en'], ['es', 'es'], ['fr', 'fr']] as const) {
  const texts = catalogsOf(locale)
    .filter((d) => !isTrainingDomain(d))
    .flatMap((d) => translatedTexts(locale, d));
  if (texts.length === 0) continue;
  const sample = texts.slice(0, 2000);
  const right = sample.filter((t) => detectLanguage(t).language === expected).length;
  console.log(`  ${locale.padEnd(6)} → ${expected}: ${pct(right / sample.length)} of ${sample.length} texts`);
}
