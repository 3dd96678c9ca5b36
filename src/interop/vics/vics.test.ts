import { describe, expect, it } from 'vitest';
import { exportVics } from './vics-export.js';
import { parseVics, vicsProfile, VicsFormatError } from './vics-import.js';

const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const PDQ = 'f'.repeat(16) + '0'.repeat(48);

describe('VICS import', () => {
  it('reads 2.0 cases with media, tolerating key case, string booleans and numbers as strings', () => {
    const doc = {
      '@odata.context': 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases',
      value: [
        {
          CaseID: 'x',
          CaseNumber: 'PT-2017-0042',
          Media: [
            { MediaID: 1, Category: 1, MD5: MD5.toUpperCase(), SHA1, Series: 'Blue room', VictimIdentified: 'true', PhotoDNA: 'AAAA', Tags: `pdq:${PDQ}` },
            { mediaid: '2', category: '0', md5: 'a'.repeat(32), victimidentified: false },
            { MediaID: 3, Category: '4', SHA1: 'b'.repeat(40), SHA256: 'c'.repeat(64) },
            { MediaID: 4, Category: 9, MD5: 'e'.repeat(32) },
            { MediaID: 5, Category: 1, MD5: 'not-a-digest' },
          ],
        },
      ],
    };
    const r = parseVics(JSON.stringify(doc));
    expect(r.profile).toBe('US');
    expect(r.version).toBe('2.0');
    expect(r.entries).toHaveLength(4);
    expect(r.skipped).toBe(1);
    expect(r.entries[0]).toMatchObject({ md5: MD5, sha1: SHA1, pdq: PDQ, category: 'cam', scheme: 'vics-us', code: '1', series: 'Blue room', victimIdentified: true });
    expect(r.entries[0]!.extra).toMatchObject({ PhotoDNA: 'AAAA', CaseNumber: 'PT-2017-0042' });
    expect(r.entries[1]).toMatchObject({ category: 'non-pertinent', code: '0', victimIdentified: false });
    expect(r.entries[2]).toMatchObject({ sha1: 'b'.repeat(40), sha256: 'c'.repeat(64), category: 'comparison' });
    expect(r.entries[3]).toMatchObject({ category: 'uncategorised', code: '9' });
    expect(r.warnings.join(' ')).toMatch(/unknown US category code "9"/);
    expect(r.warnings.join(' ')).toMatch(/malformed MD5/);
  });

  it('reads media listed directly (#Media), the UK profile and version 1.x metadata', () => {
    const uk = parseVics(JSON.stringify({
      '@odata.context': 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Media',
      value: [{ MD5: MD5, Category: 'Cat B' }, { MD5: 'a'.repeat(32), Category: 'non-indecent' }],
    }));
    expect(uk.profile).toBe('UK');
    expect(uk.entries.map((e) => [e.category, e.scheme, e.code])).toEqual([['cam', 'uk-caid', 'B'], ['non-pertinent', 'uk-caid', 'NON-INDECENT']]);
    expect(vicsProfile('http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Cases')).toEqual({ profile: 'US', version: '1.3' });
    const v1 = parseVics(JSON.stringify({ 'odata.metadata': 'http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Cases', value: [{ Media: [{ MD5, Category: 2 }] }] }));
    expect(v1.entries[0]).toMatchObject({ md5: MD5, category: 'cem' });
  });

  it('refuses what is not VICS with a reason', () => {
    expect(() => parseVics('{not json')).toThrow(VicsFormatError);
    expect(() => parseVics('[1,2]')).toThrow(/object/);
    expect(() => parseVics('{"cases": []}')).toThrow(/value/);
  });
});

describe('VICS export', () => {
  it('writes 2.0 US JSON that reads back to the same digests and categories', () => {
    const doc = exportVics({
      caseId: 'c1',
      caseNumber: 'PT-1',
      at: '2024-01-01T00:00:00Z',
      media: [
        { md5: MD5, sha1: SHA1, sha256: 'c'.repeat(64), pdq: PDQ, size: 10, mime: 'image/jpeg', category: 'cam', categoryScheme: 'tessera', categoryCode: 'cam', precategorisedFrom: 'NCMEC', files: [{ path: 'phone/DCIM/a.jpg', modified: '2020-01-01T00:00:00Z' }], exif: { Make: 'Canon', Model: undefined } },
        { md5: 'a'.repeat(32), sha1: 'b'.repeat(40), sha256: 'd'.repeat(64), pdq: null, size: 5, mime: 'video/mp4', category: 'uncategorised', categoryScheme: 'tessera', categoryCode: 'uncategorised', files: [] },
      ],
    }) as { value: { Media: Record<string, unknown>[] }[] };
    const media = doc.value[0]!.Media;
    expect(media[0]).toMatchObject({ Category: 1, MD5: MD5.toUpperCase(), IsPrecategorized: true, PrecategorizationSource: 'NCMEC', RelativeFilePath: 'phone/DCIM/a.jpg' });
    expect(media[0]!.Exifs).toEqual([{ MD5: MD5.toUpperCase(), PropertyName: 'Make', PropertyValue: 'Canon' }]);
    expect(media[0]!.MediaFiles).toEqual([{ FileName: 'a.jpg', FilePath: 'phone/DCIM/a.jpg', Written: '2020-01-01T00:00:00Z', Unallocated: false, MD5: MD5.toUpperCase() }]);
    expect('Category' in media[1]!).toBe(false);
    const back = parseVics(JSON.stringify(doc));
    expect(back.entries.map((e) => [e.md5, e.sha1, e.sha256, e.pdq ?? null, e.category])).toEqual([
      [MD5, SHA1, 'c'.repeat(64), PDQ, 'cam'],
      ['a'.repeat(32), 'b'.repeat(40), 'd'.repeat(64), null, 'uncategorised'],
    ]);
  });
});
