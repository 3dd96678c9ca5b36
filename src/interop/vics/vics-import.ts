/**
 * Project VIC (VICS) hash-set JSON, read tolerantly: producers differ in key case, in booleans ("true" or true) and in
 * numbers written as strings (shared/vectors/vics/README.md). Version 1.x and 2.0 shapes, cases holding media or media
 * directly. Categories are mapped explicitly per regional profile and the source code kept; an unknown code is kept
 * with the item as uncategorised, never guessed.
 */
import { cleanDigest, WarningTally, type HashSetEntryInput, type ParsedHashSet } from '../../ingest/hash-set-entry.js';
import { fromUkCaidCategory, fromVicsUsCategory } from '../../intel/media-category.js';
import type { MediaCategoryScheme } from '../../intel/vocabulary.js';

export type VicsProfile = 'US' | 'UK' | 'CUSTOM' | 'Default';

export class VicsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VicsFormatError';
  }
}

type Obj = Record<string, unknown>;

/** Case-insensitive field access. */
function field(o: Obj, name: string): unknown {
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}

function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1' || s === 'yes') return true;
    if (s === 'false' || s === '0' || s === 'no') return false;
  }
  return undefined;
}

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s ? s : undefined;
}

export function vicsProfile(context: string | undefined): { profile: VicsProfile; version: string } {
  const c = context ?? '';
  const version = /DataModels\/(\d+(?:\.\d+)*)\.xml/i.exec(c)?.[1] ?? (c ? 'unknown' : '2.0');
  const m = /\.xml\/(US|UK|CUSTOM|Default)\//i.exec(c);
  const raw = m?.[1]?.toUpperCase();
  const profile: VicsProfile = raw === 'UK' ? 'UK' : raw === 'CUSTOM' ? 'CUSTOM' : raw === 'DEFAULT' ? 'Default' : 'US';
  return { profile, version };
}

/** A PDQ value in a producer-specific place: a PDQ key, or a Tags entry "pdq:<hex>" / "PDQ=<hex>". */
function pdqOf(media: Obj): string | undefined {
  const direct = cleanDigest('pdq', field(media, 'PDQ') ?? field(media, 'PDQHash'));
  if (direct) return direct;
  const tags = field(media, 'Tags');
  const list = Array.isArray(tags) ? tags.map(String) : typeof tags === 'string' ? tags.split(/[,;\s]+/) : [];
  for (const t of list) {
    const m = /^pdq[:=]([0-9a-fA-F]{64})$/i.exec(t.trim());
    if (m) return m[1]!.toLowerCase();
  }
  return undefined;
}

function category(raw: unknown, profile: VicsProfile, tally: WarningTally): Pick<HashSetEntryInput, 'category' | 'scheme' | 'code'> {
  const scheme: MediaCategoryScheme = profile === 'UK' ? 'uk-caid' : 'vics-us';
  const code = text(raw);
  if (code === undefined) return { category: 'uncategorised', scheme, code: '' };
  const mapped = profile === 'UK' ? fromUkCaidCategory(code) : fromVicsUsCategory(code);
  if (mapped) return { category: mapped.category, scheme: mapped.sourceScheme, code: mapped.sourceCode };
  tally.add(`unknown ${profile} category code "${code}" kept as uncategorised`);
  return { category: 'uncategorised', scheme, code: code.slice(0, 32) };
}

const CARRIED = ['PhotoDNA', 'OffenderIdentified', 'IsDistributed', 'IsPrecategorized', 'PrecategorizationSource', 'IsSuspected', 'Tags', 'Comments', 'MediaSize', 'MimeType', 'RelativeFilePath', 'MediaID', 'DateUpdated'];

function entryOf(media: Obj, profile: VicsProfile, tally: WarningTally, caseNumber: string | undefined): HashSetEntryInput | undefined {
  const md5 = cleanDigest('md5', field(media, 'MD5'));
  const sha1 = cleanDigest('sha1', field(media, 'SHA1'));
  const sha256 = cleanDigest('sha256', field(media, 'SHA256'));
  const pdq = pdqOf(media);
  for (const [k, v, ok] of [['MD5', field(media, 'MD5'), md5], ['SHA1', field(media, 'SHA1'), sha1], ['SHA256', field(media, 'SHA256'), sha256]] as const) {
    if (text(v) && !ok) tally.add(`malformed ${k} value ignored`);
  }
  if (!md5 && !sha1 && !sha256 && !pdq) return undefined;
  const extra: Record<string, unknown> = {};
  for (const k of CARRIED) {
    const v = field(media, k);
    if (v !== undefined && v !== null && v !== '') extra[k] = v;
  }
  if (caseNumber) extra.CaseNumber = caseNumber;
  const victim = bool(field(media, 'VictimIdentified'));
  const series = text(field(media, 'Series'));
  return {
    ...(md5 ? { md5 } : {}),
    ...(sha1 ? { sha1 } : {}),
    ...(sha256 ? { sha256 } : {}),
    ...(pdq ? { pdq } : {}),
    ...category(field(media, 'Category'), profile, tally),
    ...(series ? { series: series.slice(0, 200) } : {}),
    ...(victim !== undefined ? { victimIdentified: victim } : {}),
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}

/** Parses a VICS JSON document (bytes or text). Throws VicsFormatError when it is not VICS at all. */
export function parseVics(input: Buffer | string): ParsedHashSet & { profile: VicsProfile; version: string } {
  const textIn = (typeof input === 'string' ? input : input.toString('utf8')).replace(/^\uFEFF/, '');
  let doc: unknown;
  try {
    doc = JSON.parse(textIn);
  } catch (e) {
    throw new VicsFormatError(`not JSON: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new VicsFormatError('a VICS document is a JSON object with a "value" list');
  const root = doc as Obj;
  const context = text(field(root, '@odata.context') ?? field(root, 'odata.metadata'));
  const { profile, version } = vicsProfile(context);
  const value = field(root, 'value');
  if (!Array.isArray(value)) throw new VicsFormatError('a VICS document has a "value" list of cases or media');
  const tally = new WarningTally();
  const entries: HashSetEntryInput[] = [];
  let skipped = 0;
  const take = (media: unknown, caseNumber?: string) => {
    if (!media || typeof media !== 'object') {
      skipped++;
      return;
    }
    const e = entryOf(media as Obj, profile, tally, caseNumber);
    if (e) entries.push(e);
    else skipped++;
  };
  for (const item of value) {
    if (!item || typeof item !== 'object') {
      skipped++;
      continue;
    }
    const media = field(item as Obj, 'Media');
    if (Array.isArray(media)) {
      const caseNumber = text(field(item as Obj, 'CaseNumber'));
      for (const m of media) take(m, caseNumber);
    } else take(item);
  }
  if (!context) tally.add('no @odata.context: read as VICS 2.0, US profile');
  return { entries, skipped, warnings: tally.list(), profile, version };
}
