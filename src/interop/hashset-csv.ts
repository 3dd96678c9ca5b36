/**
 * Hash sets as CSV: a header row naming the columns (md5, sha1, sha256, pdq, category; optionally series and
 * victim_identified), then one entry per row. Comma, semicolon or tab separated, RFC 4180 quoting. A category may be a
 * Tessera category (cam, cem …), a VICS US code (0–4) or a UK CAID grade (A, B, C, non-indecent); the scheme is
 * recognised per value and kept with the code.
 */
import { cleanDigest, WarningTally, type HashSetEntryInput, type ParsedHashSet } from '../ingest/hash-set-entry.js';
import { fromUkCaidCategory, fromVicsUsCategory, tesseraCategory } from '../intel/media-category.js';
import { MEDIA_CATEGORIES, type MediaCategory } from '../intel/vocabulary.js';

export class HashSetCsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HashSetCsvError';
  }
}

/** Splits CSV text into rows of fields (quoted fields may hold separators, quotes and newlines). */
export function parseCsvRows(text: string, separator: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === separator) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

function categoryOf(raw: string, tally: WarningTally): Pick<HashSetEntryInput, 'category' | 'scheme' | 'code'> {
  const v = raw.trim();
  if (!v) return { category: 'uncategorised', scheme: 'tessera', code: 'uncategorised' };
  const lower = v.toLowerCase();
  if ((MEDIA_CATEGORIES as readonly string[]).includes(lower)) {
    const t = tesseraCategory(lower as MediaCategory);
    return { category: t.category, scheme: t.sourceScheme, code: t.sourceCode };
  }
  const mapped = /^\d+$/.test(v) ? fromVicsUsCategory(v) : fromUkCaidCategory(v);
  if (mapped) return { category: mapped.category, scheme: mapped.sourceScheme, code: mapped.sourceCode };
  tally.add(`unknown category "${v.slice(0, 40)}" kept as uncategorised`);
  return { category: 'uncategorised', scheme: 'tessera', code: v.slice(0, 32) };
}

type Column = 'md5' | 'sha1' | 'sha256' | 'pdq' | 'category' | 'series' | 'victim_identified';
const ALIASES: Record<string, Column> = { 'sha-1': 'sha1', 'sha-256': 'sha256', 'md-5': 'md5', victimidentified: 'victim_identified', 'victim-identified': 'victim_identified', pdqhash: 'pdq' };

export function parseHashSetCsv(input: Buffer | string): ParsedHashSet {
  const text = (typeof input === 'string' ? input : input.toString('utf8')).replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const separator = [',', ';', '\t'].sort((a, b) => firstLine.split(b).length - firstLine.split(a).length)[0]!;
  const rows = parseCsvRows(text, separator);
  if (rows.length === 0) throw new HashSetCsvError('the file is empty');
  const header = rows[0]!.map((h) => {
    const k = h.trim().toLowerCase();
    return ALIASES[k] ?? k;
  });
  const col = (name: Column) => header.indexOf(name);
  if (!['md5', 'sha1', 'sha256', 'pdq'].some((c) => header.includes(c))) {
    throw new HashSetCsvError(`the first row must name the columns, with at least one of md5, sha1, sha256, pdq (found: ${rows[0]!.join(', ').slice(0, 200)})`);
  }
  const tally = new WarningTally();
  const entries: HashSetEntryInput[] = [];
  let skipped = 0;
  for (const r of rows.slice(1)) {
    const get = (name: Column) => (col(name) >= 0 ? (r[col(name)] ?? '') : '');
    const digests = {
      md5: cleanDigest('md5', get('md5')),
      sha1: cleanDigest('sha1', get('sha1')),
      sha256: cleanDigest('sha256', get('sha256')),
      pdq: cleanDigest('pdq', get('pdq')),
    };
    for (const k of ['md5', 'sha1', 'sha256', 'pdq'] as const) if (get(k).trim() && !digests[k]) tally.add(`malformed ${k} value ignored`);
    if (!digests.md5 && !digests.sha1 && !digests.sha256 && !digests.pdq) {
      skipped++;
      continue;
    }
    const series = get('series').trim();
    const victim = get('victim_identified').trim().toLowerCase();
    entries.push({
      ...(Object.fromEntries(Object.entries(digests).filter(([, v]) => v)) as Partial<Record<'md5' | 'sha1' | 'sha256' | 'pdq', string>>),
      ...categoryOf(get('category'), tally),
      ...(series ? { series: series.slice(0, 200) } : {}),
      ...(victim ? { victimIdentified: ['true', '1', 'yes', 'y'].includes(victim) } : {}),
    });
  }
  return { entries, skipped, warnings: tally.list() };
}

function quote(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function formatHashSetCsv(entries: { md5?: string | null; sha1?: string | null; sha256?: string | null; pdq?: string | null; category: string; series?: string | null; victimIdentified?: boolean | null }[]): string {
  const lines = ['md5,sha1,sha256,pdq,category,series,victim_identified'];
  for (const e of entries) {
    lines.push([e.md5 ?? '', e.sha1 ?? '', e.sha256 ?? '', e.pdq ?? '', e.category, e.series ?? '', e.victimIdentified === null || e.victimIdentified === undefined ? '' : String(e.victimIdentified)].map(quote).join(','));
  }
  return `${lines.join('\n')}\n`;
}
