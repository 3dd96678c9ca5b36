import { describe, expect, it } from 'vitest';
import { formatHashSetCsv, HashSetCsvError, parseCsvRows, parseHashSetCsv } from './hashset-csv.js';

const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const PDQ = '0'.repeat(63) + '1';

describe('hash-set CSV', () => {
  it('reads digests and categories of every scheme, skipping rows without a usable digest', () => {
    const csv = [
      'MD5,SHA-1,sha256,pdq,category,series,victim_identified',
      `${MD5.toUpperCase()},,,,cam,"Series, with comma",yes`,
      `,,${'c'.repeat(64)},,1,,`,
      `,,,${PDQ},B,,no`,
      `,,,,cam,,`,
      `zz,,,,cem,,`,
      `${'a'.repeat(32)},,,,weird,,`,
    ].join('\r\n');
    const r = parseHashSetCsv(csv);
    expect(r.entries.map((e) => [e.md5 ?? e.sha256 ?? e.pdq, e.category, e.scheme, e.code])).toEqual([
      [MD5, 'cam', 'tessera', 'cam'],
      ['c'.repeat(64), 'cam', 'vics-us', '1'],
      [PDQ, 'cam', 'uk-caid', 'B'],
      ['a'.repeat(32), 'uncategorised', 'tessera', 'weird'],
    ]);
    expect(r.entries[0]).toMatchObject({ series: 'Series, with comma', victimIdentified: true });
    expect(r.entries[2]!.victimIdentified).toBe(false);
    expect(r.skipped).toBe(2);
    expect(r.warnings.join(' ')).toMatch(/malformed md5/);
    expect(r.warnings.join(' ')).toMatch(/unknown category "weird"/);
  });

  it('detects semicolon and tab separators and handles quotes and newlines in fields', () => {
    expect(parseHashSetCsv(`md5;category\n${MD5};cgi\n`).entries[0]).toMatchObject({ md5: MD5, category: 'cgi' });
    expect(parseHashSetCsv(`sha256\tcategory\n${'d'.repeat(64)}\t3\n`).entries[0]).toMatchObject({ category: 'cgi', scheme: 'vics-us' });
    expect(parseCsvRows('a,"b ""q""\nline",c\n', ',')).toEqual([['a', 'b "q"\nline', 'c']]);
  });

  it('refuses a file without a header naming a digest column', () => {
    expect(() => parseHashSetCsv(`${MD5},cam\n`)).toThrow(HashSetCsvError);
    expect(() => parseHashSetCsv('')).toThrow(/empty/);
  });

  it('writes what it reads', () => {
    const text = formatHashSetCsv([{ md5: MD5, sha1: null, sha256: null, pdq: PDQ, category: 'cem', series: 'a "quoted", series', victimIdentified: true }]);
    const back = parseHashSetCsv(text);
    expect(back.entries[0]).toMatchObject({ md5: MD5, pdq: PDQ, category: 'cem', series: 'a "quoted", series', victimIdentified: true });
  });
});
