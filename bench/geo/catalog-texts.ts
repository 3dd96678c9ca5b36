/**
 * Labelled texts for the language-variant evaluation, assembled from the translation catalogs Debian installs
 * under /usr/share/locale/<locale>/LC_MESSAGES/*.mo. A "text" is one translated message after removing what is
 * not prose (format directives, accelerator marks, markup), kept when it has at least MIN_WORDS words.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readMo } from './mo-file.js';

export const LOCALE_ROOT = process.env.LOCALE_ROOT ?? '/usr/share/locale';
const MIN_WORDS = 4;

export function cleanMessage(s: string): string {
  return s
    .replace(/<[^>]{1,80}>/g, ' ') // markup
    .replace(/%(\d+\$)?[-+ #0']*(\d+|\*)?(\.(\d+|\*))?(hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcspnm%]/g, ' ') // printf
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{[A-Za-z0-9_]*\}/g, ' ') // shell/python placeholders
    .replace(/(^|\s)[_&~](?=\p{L})/gu, '$1') // accelerators
    .replace(/(?<=\p{L})[_&](?=\p{L})/gu, '')
    .replace(/\\[ntr]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function isProse(s: string): boolean {
  return (s.match(/\p{L}{2,}/gu) ?? []).length >= MIN_WORDS;
}

export function catalogsOf(locale: string): string[] {
  const dir = join(LOCALE_ROOT, locale, 'LC_MESSAGES');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.mo'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** Translated texts of one catalog (domain) of one locale. */
export function translatedTexts(locale: string, domain: string): string[] {
  const entries = readMo(join(LOCALE_ROOT, locale, 'LC_MESSAGES', `${domain}.mo`));
  return dedupe(entries.flatMap((e) => e.translation).map(cleanMessage).filter(isProse));
}

/** The English source strings of a catalog: gettext sources are written in US English. */
export function sourceTexts(locale: string, domain: string): string[] {
  const entries = readMo(join(LOCALE_ROOT, locale, 'LC_MESSAGES', `${domain}.mo`));
  return dedupe(entries.flatMap((e) => e.source).map(cleanMessage).filter(isProse));
}

function dedupe(texts: string[]): string[] {
  return [...new Set(texts)];
}
