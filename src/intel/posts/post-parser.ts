/**
 * Reading captured posts from untrusted files: CSV (RFC 4180, with a header row) or JSON lines, one post each:
 * `{author, time, text, thread?, url?}`. A malformed line is reported with its line number and skipped; the rest of
 * the file goes on. Input is read as a stream, so a file of any size is parsed in bounded memory, and each field is
 * bounded in length.
 */
import { StringDecoder } from 'node:string_decoder';

export type PostFormat = 'csv' | 'jsonl';

export interface CapturedPost {
  author: string;
  /** ISO 8601 UTC. */
  time: string;
  text: string;
  thread: string | null;
  url: string | null;
}

export type ParsedLine = { line: number; post: CapturedPost; error?: undefined } | { line: number; post?: undefined; error: string };

export interface ParseOptions {
  /** Read times written without a zone ("2026-03-01 21:15") as UTC instead of refusing them. */
  naiveTimesAreUtc?: boolean;
}

export const LIMITS = { author: 300, text: 100_000, thread: 500, url: 2048, line: 1_000_000 };

// 1990-01-01 to 2100-01-01: anything outside is a unit mistake (milliseconds read as seconds) or garbage.
const MIN_MS = Date.UTC(1990, 0, 1);
const MAX_MS = Date.UTC(2100, 0, 1);
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * A post time: ISO 8601 with a zone ("2026-03-01T21:15:00+01:00", "...Z"), or epoch seconds or milliseconds (a
 * number, or digits in a string). Epoch values of 10^11 and above are milliseconds: as seconds they would lie
 * beyond the year 5000.
 */
export function parsePostTime(value: unknown, options: ParseOptions = {}): { iso: string } | { error: string } {
  let ms: number;
  if (typeof value === 'number' || (typeof value === 'string' && /^\s*\d{9,16}(?:\.\d+)?\s*$/.test(value))) {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) return { error: 'time is not a valid epoch value' };
    ms = n >= 1e11 ? n : n * 1000;
  } else if (typeof value === 'string') {
    const m = ISO_RE.exec(value.trim());
    if (!m) return { error: `time "${value.slice(0, 40)}" is neither ISO 8601 nor epoch seconds/milliseconds` };
    const [, y, mo, d, h, mi, s = '0', frac = '0', zone] = m;
    if (!zone && !options.naiveTimesAreUtc) return { error: `time "${value.slice(0, 40)}" has no time zone (add Z or an offset such as +01:00)` };
    const month = Number(mo);
    const day = Number(d);
    if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) {
      return { error: `time "${value.slice(0, 40)}" is not a real date and time` };
    }
    let offsetMin = 0;
    if (zone && zone.toUpperCase() !== 'Z') {
      const digits = zone.replace(':', '');
      offsetMin = (digits[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || '0'));
    }
    ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0').slice(0, 3))) - offsetMin * 60_000;
    if (new Date(Date.UTC(Number(y), month - 1, day)).getUTCDate() !== day) return { error: `time "${value.slice(0, 40)}" is not a real date` };
  } else {
    return { error: 'time is missing' };
  }
  if (ms < MIN_MS || ms > MAX_MS) return { error: 'time is outside 1990–2100 (seconds and milliseconds mixed up?)' };
  return { iso: new Date(ms).toISOString() };
}

function optionalText(value: unknown, name: string, max: number): { value: string | null } | { error: string } {
  if (value === undefined || value === null || value === '') return { value: null };
  if (typeof value !== 'string' && typeof value !== 'number') return { error: `${name} must be text` };
  const s = String(value).trim();
  if (s.length > max) return { error: `${name} is longer than ${max} characters` };
  return { value: s || null };
}

/** Checks one post's fields; the same rules for both formats. */
export function validatePost(raw: Record<string, unknown>, options: ParseOptions = {}): CapturedPost | { error: string } {
  const author = typeof raw.author === 'string' ? raw.author.trim() : typeof raw.author === 'number' ? String(raw.author) : '';
  if (!author) return { error: 'author is missing' };
  if (author.length > LIMITS.author) return { error: `author is longer than ${LIMITS.author} characters` };
  if (typeof raw.text !== 'string') return { error: raw.text === undefined ? 'text is missing' : 'text must be text' };
  if (raw.text.length > LIMITS.text) return { error: `text is longer than ${LIMITS.text} characters` };
  const time = parsePostTime(raw.time, options);
  if ('error' in time) return time;
  const thread = optionalText(raw.thread, 'thread', LIMITS.thread);
  if ('error' in thread) return thread;
  const url = optionalText(raw.url, 'url', LIMITS.url);
  if ('error' in url) return url;
  return { author, time: time.iso, text: raw.text, thread: thread.value, url: url.value };
}

/** Guesses the format from the file name, else from the first non-blank character. */
export function detectFormat(fileName: string | undefined, head: string): PostFormat {
  const lower = (fileName ?? '').toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (/\.(jsonl|ndjson|json)$/.test(lower)) return 'jsonl';
  return head.trimStart().startsWith('{') ? 'jsonl' : 'csv';
}

async function* decode(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let first = true;
  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && text.length > 0) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

async function* parseJsonLines(text: AsyncIterable<string>, options: ParseOptions): AsyncGenerator<ParsedLine> {
  let buffer = '';
  let line = 0;
  // After a runaway line has been reported, its remainder is skipped up to the next newline.
  let skipping = false;
  const one = (raw: string): ParsedLine | null => {
    line++;
    const trimmed = raw.trim();
    if (!trimmed) return null;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return { line, error: 'not valid JSON' };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { line, error: 'not a JSON object' };
    const post = validatePost(value as Record<string, unknown>, options);
    return 'error' in post ? { line, error: post.error } : { line, post };
  };
  for await (const piece of text) {
    buffer += piece;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const raw = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (skipping) {
        skipping = false;
        line++;
        continue;
      }
      const parsed = one(raw);
      if (parsed) yield parsed;
    }
    if (!skipping && buffer.length > LIMITS.line) {
      yield { line: line + 1, error: 'line is longer than 1 000 000 characters' };
      skipping = true;
    }
    if (skipping) buffer = '';
  }
  if (!skipping) {
    const last = one(buffer);
    if (last) yield last;
  }
}

/** RFC 4180 records with the physical line each starts on. Quotes may span lines; CRLF and LF both end a record. */
async function* csvRecords(text: AsyncIterable<string>): AsyncGenerator<{ line: number; fields: string[]; error?: string }> {
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let afterQuote = false;
  let line = 1;
  let startLine = 1;
  let size = 0;
  let broken: string | undefined;
  const endRecord = (): { line: number; fields: string[]; error?: string } => {
    fields.push(field);
    const record = broken ? { line: startLine, fields, error: broken } : { line: startLine, fields };
    fields = [];
    field = '';
    size = 0;
    broken = undefined;
    afterQuote = false;
    return record;
  };
  for await (const piece of text) {
    for (let i = 0; i < piece.length; i++) {
      const c = piece[i]!;
      if (inQuotes) {
        if (c === '"') {
          if (piece[i + 1] === '"') {
            field += '"';
            i++;
          } else {
            // Closing, unless the next character (perhaps in the next chunk) is a second quote: see below.
            inQuotes = false;
            afterQuote = true;
          }
        } else {
          if (c === '\n') line++;
          if (size++ < LIMITS.line) field += c;
          else broken ??= 'record is longer than 1 000 000 characters';
        }
        continue;
      }
      if (afterQuote && c === '"') {
        // A doubled quote split across two chunks: a literal quote, and the field is still quoted.
        field += '"';
        inQuotes = true;
        afterQuote = false;
        continue;
      }
      if (c === ',') {
        fields.push(field);
        field = '';
        afterQuote = false;
      } else if (c === '\n') {
        line++;
        const rec = endRecord();
        if (!(rec.fields.length === 1 && rec.fields[0] === '')) yield rec;
        startLine = line;
      } else if (c === '\r') {
        // CR of CRLF: ignored; a lone CR inside a field is kept only when quoted.
      } else if (c === '"' && field === '' && !afterQuote) {
        inQuotes = true;
      } else {
        if (afterQuote) broken ??= 'text after a closing quote';
        if (size++ < LIMITS.line) field += c;
        else broken ??= 'record is longer than 1 000 000 characters';
      }
    }
  }
  if (inQuotes) broken ??= 'a quoted field is not closed';
  if (field !== '' || fields.length > 0) yield endRecord();
}

async function* parseCsv(text: AsyncIterable<string>, options: ParseOptions): AsyncGenerator<ParsedLine> {
  let columns: Map<string, number> | null = null;
  for await (const rec of csvRecords(text)) {
    if (!columns) {
      columns = new Map(rec.fields.map((name, i) => [name.trim().toLowerCase(), i]));
      const missing = ['author', 'time', 'text'].filter((c) => !columns!.has(c));
      if (missing.length > 0) {
        yield { line: rec.line, error: `the header row lacks the column(s) ${missing.join(', ')} (expected author,time,text[,thread][,url])` };
        return;
      }
      continue;
    }
    if (rec.error) {
      yield { line: rec.line, error: rec.error };
      continue;
    }
    if (rec.fields.length < columns.size) {
      yield { line: rec.line, error: `${rec.fields.length} field(s) where the header has ${columns.size}` };
      continue;
    }
    const get = (name: string) => (columns!.has(name) ? rec.fields[columns!.get(name)!] : undefined);
    const post = validatePost({ author: get('author'), time: get('time'), text: get('text'), thread: get('thread'), url: get('url') }, options);
    yield 'error' in post ? { line: rec.line, error: post.error } : { line: rec.line, post };
  }
}

/** Parses a stream of bytes (or strings) in the given format. */
export function parsePosts(input: AsyncIterable<Buffer | string>, format: PostFormat, options: ParseOptions = {}): AsyncGenerator<ParsedLine> {
  const text = decode(input);
  return format === 'csv' ? parseCsv(text, options) : parseJsonLines(text, options);
}
