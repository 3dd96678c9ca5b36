/**
 * A reader for GNU gettext .mo catalogs (the binary format: a header with the string count and the offsets of two
 * tables of [length, offset] pairs, one for the original strings and one for the translations). Written for the
 * language evaluation; it reads local files under /usr/share/locale and bounds what it accepts.
 */
import { readFileSync } from 'node:fs';

export interface MoEntry {
  context?: string;
  /** The source string (English) and its plural if any. */
  source: string[];
  /** The translation and its plural forms. */
  translation: string[];
}

const MAX_BYTES = 64 * 1024 * 1024;

export function parseMo(bytes: Buffer): MoEntry[] {
  if (bytes.length < 28 || bytes.length > MAX_BYTES) throw new Error('not a .mo file (size)');
  const magic = bytes.readUInt32LE(0);
  const little = magic === 0x950412de;
  if (!little && magic !== 0xde120495) throw new Error('not a .mo file (magic)');
  const u32 = (at: number) => {
    if (at + 4 > bytes.length) throw new Error('truncated .mo file');
    return little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at);
  };
  const count = u32(8);
  const originals = u32(12);
  const translations = u32(16);
  if (count > 1_000_000) throw new Error('implausible .mo string count');
  const read = (table: number, i: number) => {
    const length = u32(table + i * 8);
    const offset = u32(table + i * 8 + 4);
    if (offset + length > bytes.length) throw new Error('truncated .mo file');
    return bytes.toString('utf8', offset, offset + length);
  };
  const out: MoEntry[] = [];
  for (let i = 0; i < count; i++) {
    const original = read(originals, i);
    if (original === '') continue; // the header entry
    const [context, source] = original.includes('\u0004') ? (original.split('\u0004', 2) as [string, string]) : [undefined, original];
    out.push({ context, source: source.split('\u0000'), translation: read(translations, i).split('\u0000') });
  }
  return out;
}

export function readMo(path: string): MoEntry[] {
  return parseMo(readFileSync(path));
}
