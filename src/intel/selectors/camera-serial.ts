/**
 * Camera body serial numbers, as a selector fed from media metadata (EXIF BodySerialNumber / maker notes). A serial
 * is unique only within a maker, so the normalised form is `make:serial`: the make reduced to a canonical maker id
 * (EXIF writes "NIKON CORPORATION", "Canon", "OLYMPUS IMAGING CORP."…), the serial trimmed, spaces removed and upper
 * cased. Purely numeric serials lose leading zeros, which some tools pad to a fixed width. Values that cameras and
 * editors write when they know no serial ("0000000000", "unknown") are invalid: they would match every such file.
 */
import { bad, ok, type Normalised } from './types.js';

const MAKERS: readonly [RegExp, string][] = [
  [/^nikon/, 'nikon'],
  [/^canon/, 'canon'],
  [/^sony/, 'sony'],
  [/^fuji(?:film)?/, 'fujifilm'],
  [/^olympus/, 'olympus'],
  [/^om digital/, 'om-digital'],
  [/^panasonic|^matsushita/, 'panasonic'],
  [/^(?:pentax|ricoh)/, 'ricoh-pentax'],
  [/^leica/, 'leica'],
  [/^hasselblad/, 'hasselblad'],
  [/^sigma/, 'sigma'],
  [/^samsung/, 'samsung'],
  [/^apple/, 'apple'],
  [/^google/, 'google'],
  [/^huawei/, 'huawei'],
  [/^xiaomi/, 'xiaomi'],
  [/^gopro/, 'gopro'],
  [/^(?:dji|sz dji)/, 'dji'],
  [/^kodak|^eastman kodak/, 'kodak'],
  [/^casio/, 'casio'],
  [/^minolta|^konica/, 'konica-minolta'],
  [/^phase one/, 'phase-one'],
];

const PLACEHOLDERS = /^(?:0+|unknown|none|n\/?a|null|serial|123456789|1234567890|x+|-+|\?+)$/i;

export function normaliseMake(make: string): string {
  const lower = make.trim().toLowerCase().replace(/\s+/g, ' ');
  for (const [re, id] of MAKERS) if (re.test(lower)) return id;
  return lower
    .replace(/[,.]|\b(?:corporation|corp|co|ltd|inc|gmbh|ag|imaging|company|electronics|camera)\b/g, '')
    .trim()
    .replace(/\s+/g, '-');
}

/** `raw` is "make:serial" unless `make` is given separately (as it is when it comes from EXIF). */
export function normaliseCameraSerial(raw: string, make?: string): Normalised {
  let serial = raw;
  let maker = make;
  if (maker === undefined) {
    const colon = raw.indexOf(':');
    if (colon <= 0) return bad(raw.trim(), 'camera make required (give "make:serial")');
    maker = raw.slice(0, colon);
    serial = raw.slice(colon + 1);
  }
  const makeId = normaliseMake(maker);
  let s = serial.trim().replace(/\s+/g, '').toUpperCase();
  if (!makeId) return bad(`:${s}`, 'camera make required');
  if (!s || PLACEHOLDERS.test(s)) return bad(`${makeId}:${s}`, 'placeholder serial number');
  if (!/^[A-Z0-9._/-]{2,40}$/.test(s)) return bad(`${makeId}:${s}`, 'unexpected characters in serial number');
  if (/^\d+$/.test(s)) s = s.replace(/^0+(?=\d)/, '');
  return ok(`${makeId}:${s}`);
}
