/**
 * Pools variant cues over an identity's texts into a log-likelihood ratio between the two variants of a language
 * (pt-PT vs pt-BR, ...). Each cue counts once per text it occurs in; its strength is the learned weight where the
 * labelled catalogs gave one (language-weights.json), else its default. The pooled ratio is tempered because one
 * person's texts repeat the same habits, so they are not independent draws.
 */
import learnedJson from './language-weights.json' with { type: 'json' };
import { CUES, type Cue, VARIANTS, type VariantPair } from './language-cues.js';

export interface LanguageWeights {
  version: number;
  fittedOn: string;
  /** Multiplies the pooled log-likelihood ratio. */
  temperature: Record<string, number>;
  /** Cue id → strength in nats towards the cue's own variant. */
  weights: Record<string, number>;
}

export const DEFAULT_LANGUAGE_WEIGHTS = learnedJson as LanguageWeights;

export interface CueHit {
  id: string;
  variant: string;
  note: string;
  /** Number of texts in which the cue occurred. */
  texts: number;
  weight: number;
}

export interface VariantScore {
  language: VariantPair;
  variants: readonly [string, string];
  /** Pooled, tempered log-likelihood ratio, positive for variants[0]. */
  logRatio: number;
  /** Probability of each variant under equal prior odds. */
  probability: Record<string, number>;
  hits: CueHit[];
  /** Texts containing at least one cue of each variant. */
  textsWithCues: Record<string, number>;
  textCount: number;
}

export function normaliseText(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/[’ʼ]/g, "'");
}

/** Ids of the cues of `language` present in one text. */
export function cuesInText(text: string, language: VariantPair): Cue[] {
  const t = normaliseText(text);
  return CUES[language].filter((cue) => {
    cue.pattern.lastIndex = 0;
    return cue.pattern.test(t);
  });
}

export function cueWeight(cue: Cue, weights: LanguageWeights = DEFAULT_LANGUAGE_WEIGHTS): number {
  return weights.weights[cue.id] ?? cue.weight;
}

export function scoreVariants(texts: readonly string[], language: VariantPair, weights: LanguageWeights = DEFAULT_LANGUAGE_WEIGHTS): VariantScore {
  const variants = VARIANTS[language];
  const hits = new Map<string, CueHit>();
  const textsWithCues: Record<string, number> = { [variants[0]]: 0, [variants[1]]: 0 };
  let raw = 0;
  for (const text of texts) {
    const found = cuesInText(text, language);
    const seen = new Set<string>();
    for (const cue of found) {
      const w = cueWeight(cue, weights);
      raw += cue.variant === variants[0] ? w : -w;
      seen.add(cue.variant);
      const h = hits.get(cue.id) ?? { id: cue.id, variant: cue.variant, note: cue.note, texts: 0, weight: w };
      h.texts += 1;
      hits.set(cue.id, h);
    }
    for (const v of seen) textsWithCues[v]! += 1;
  }
  const logRatio = raw * (weights.temperature[language] ?? 1);
  const p0 = 1 / (1 + Math.exp(-logRatio));
  return {
    language,
    variants,
    logRatio,
    probability: { [variants[0]]: p0, [variants[1]]: 1 - p0 },
    hits: [...hits.values()].sort((a, b) => b.texts * b.weight - a.texts * a.weight),
    textsWithCues,
    textCount: texts.length,
  };
}
