/**
 * The labelled variant data sets the language fit and evaluation use, and their split by catalog (domain): a domain
 * is in the training part when a salted hash of its name is even, so the same package's strings never sit on both
 * sides, whatever the locale.
 */
import { createHash } from 'node:crypto';
import type { VariantPair } from '../../src/geo/language-cues.js';
import { catalogsOf, sourceTexts, translatedTexts } from './catalog-texts.js';

export interface LabelledCatalog {
  language: VariantPair;
  variant: string;
  locale: string;
  domain: string;
  texts: string[];
}

export function isTrainingDomain(domain: string): boolean {
  return (createHash('sha256').update(`tessera-lang-split-v1:${domain}`).digest()[0]! & 1) === 0;
}

/** Locales whose catalogs are labelled with a variant; `source` means the English source strings (US English). */
const SOURCES: { language: VariantPair; variant: string; locale: string; source?: boolean }[] = [
  { language: 'pt', variant: 'pt-PT', locale: 'pt' },
  { language: 'pt', variant: 'pt-PT', locale: 'pt_PT' },
  { language: 'pt', variant: 'pt-BR', locale: 'pt_BR' },
  { language: 'en', variant: 'en-GB', locale: 'en_GB' },
  { language: 'en', variant: 'en-GB', locale: 'en_AU' },
  { language: 'en', variant: 'en-US', locale: 'en_US' },
  { language: 'es', variant: 'es-ES', locale: 'es_ES' },
  ...['es_419', 'es_MX', 'es_AR', 'es_CO', 'es_CL', 'es_VE', 'es_PE', 'es_UY', 'es_EC', 'es_CR', 'es_GT', 'es_US'].map((locale) => ({
    language: 'es' as const,
    variant: 'es-419',
    locale,
  })),
  { language: 'fr', variant: 'fr-FR', locale: 'fr_FR' },
  { language: 'fr', variant: 'fr-CA', locale: 'fr_CA' },
];

export function labelledCatalogs(): LabelledCatalog[] {
  const out: LabelledCatalog[] = [];
  for (const s of SOURCES) {
    for (const domain of catalogsOf(s.locale)) {
      const texts = translatedTexts(s.locale, domain);
      if (texts.length > 0) out.push({ language: s.language, variant: s.variant, locale: s.locale, domain, texts });
    }
  }
  // en-US: real en_US catalogs are rare, so the English source strings of the en_GB catalogs stand in for them.
  for (const domain of catalogsOf('en_GB')) {
    const texts = sourceTexts('en_GB', domain);
    if (texts.length > 0) out.push({ language: 'en', variant: 'en-US', locale: 'en_GB (msgid)', domain, texts });
  }
  return out;
}
