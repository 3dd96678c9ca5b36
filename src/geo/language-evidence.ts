/**
 * Texts → language (eld) → variant (cues) → likelihood per country, weighted by how many people in each country
 * speak the language (CLDR territory data: languagePopulation).
 */
import { cldrTerritoryInfo } from './cldr.js';
import { countries } from './countries.js';
import { VARIANTS, type VariantPair } from './language-cues.js';
import { detectLanguage } from './language-id.js';
import { type VariantScore, scoreVariants } from './language-variants.js';

// Someone may write a language nobody around them speaks (an expatriate, a learner): the floor keeps any country
// possible, at a rate well below any real speaker community.
const SPEAKER_FLOOR = 0.002;
// The cues may still mislead (a quoted text, a translator's habit): no country drops below this variant factor.
const VARIANT_FLOOR = 0.02;

/** Countries whose own variant is the second of the pair (pt-BR, en-US, es-419, fr-CA); the rest use the first. */
const SECOND_VARIANT: Record<VariantPair, (country: string) => number> = {
  pt: (c) => (c === 'BR' ? 1 : 0),
  en: (c) => (['US', 'PR', 'UM', 'VI', 'AS', 'GU', 'MP', 'PH', 'LR', 'MH', 'FM', 'PW'].includes(c) ? 1 : c === 'CA' ? 0.5 : 0),
  es: (c) => (['ES', 'GQ', 'AD'].includes(c) ? 0 : 1),
  fr: (c) => (c === 'CA' ? 1 : 0),
};

export interface LanguageResult {
  likelihood: Map<string, number>;
  /** Texts per detected language (ISO 639-1), '' for unrecognised. */
  languages: Record<string, number>;
  mainLanguage: string;
  variant?: VariantScore;
  textCount: number;
}

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language' });
export function languageName(code: string): string {
  return code === '' ? 'unrecognised' : (LANGUAGE_NAMES.of(code) ?? code);
}

/** Share of each country's population speaking `language` (0..1), from CLDR. */
export function speakerShare(language: string): Map<string, number> {
  const info = cldrTerritoryInfo();
  const out = new Map<string, number>();
  for (const code of countries().keys()) {
    const entry = info[code]?.languagePopulation?.[language];
    out.set(code, entry?._populationPercent ? Math.min(1, Number(entry._populationPercent) / 100) : 0);
  }
  return out;
}

/** Requires loadLanguageDetector() to have completed. */
export function languageCountryLikelihood(texts: readonly string[]): LanguageResult {
  const usable = texts.map((t) => t.trim()).filter((t) => t.length > 0);
  const languages: Record<string, number> = {};
  const byLanguage = new Map<string, string[]>();
  for (const text of usable) {
    const { language } = detectLanguage(text);
    languages[language] = (languages[language] ?? 0) + 1;
    const list = byLanguage.get(language) ?? [];
    list.push(text);
    byLanguage.set(language, list);
  }
  const mainLanguage = Object.entries(languages)
    .filter(([l]) => l !== '')
    .sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  const likelihood = new Map<string, number>();
  if (mainLanguage === '') {
    for (const code of countries().keys()) likelihood.set(code, 1);
    return { likelihood, languages, mainLanguage, textCount: usable.length };
  }
  const shares = speakerShare(mainLanguage);
  const variant = mainLanguage in VARIANTS ? scoreVariants(byLanguage.get(mainLanguage)!, mainLanguage as VariantPair) : undefined;
  for (const [code, share] of shares) {
    let l = share + SPEAKER_FLOOR;
    if (variant) {
      const second = SECOND_VARIANT[variant.language](code);
      const [a, b] = variant.variants;
      const v = (1 - second) * variant.probability[a]! + second * variant.probability[b]!;
      l *= Math.max(VARIANT_FLOOR, v);
    }
    likelihood.set(code, l);
  }
  const top = Math.max(...likelihood.values());
  for (const [code, l] of likelihood) likelihood.set(code, l / top);
  return { likelihood, languages, mainLanguage, variant, textCount: usable.length };
}
