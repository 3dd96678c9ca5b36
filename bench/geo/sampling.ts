/** Deterministic sampling for the language fit and evaluation. */

export { seededRandom as mulberry32 } from '../../src/geo/synthetic-activity.js';

export interface Pool {
  variant: string;
  domain: string;
  texts: string[];
}

/**
 * `count` pools of k texts per variant, each drawn without replacement from one catalog that has at least k texts
 * (catalogs chosen with probability proportional to their size), as one person writes in one consistent style.
 */
export function samplePools(catalogs: readonly { variant: string; domain: string; texts: string[] }[], k: number, count: number, rng: () => number): Pool[] {
  const out: Pool[] = [];
  for (const variant of [...new Set(catalogs.map((c) => c.variant))].sort()) {
    const eligible = catalogs.filter((c) => c.variant === variant && c.texts.length >= k);
    const total = eligible.reduce((s, c) => s + c.texts.length, 0);
    if (total === 0) continue;
    for (let i = 0; i < count; i++) {
      let r = rng() * total;
      const catalog = eligible.find((c) => (r -= c.texts.length) < 0) ?? eligible[eligible.length - 1]!;
      const idx = catalog.texts.map((_, j) => j);
      for (let j = 0; j < k; j++) {
        const pick = j + Math.floor(rng() * (idx.length - j));
        [idx[j], idx[pick]] = [idx[pick]!, idx[j]!];
      }
      out.push({ variant, domain: catalog.domain, texts: idx.slice(0, k).map((j) => catalog.texts[j]!) });
    }
  }
  return out;
}
