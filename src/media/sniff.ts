/**
 * File type from content (magic bytes), never from the name: seized media are routinely renamed, and a wrong
 * extension must neither hide a picture nor send non-media bytes into a decoder.
 */

export type MediaKind = 'image' | 'video' | 'other';

export interface SniffedType {
  /** Short type name, e.g. jpeg, png, heic, mp4, webm, pdf, unknown. */
  type: string;
  mime: string;
  kind: MediaKind;
}

/** Bytes needed from the start of a file to sniff it. */
export const SNIFF_BYTES = 4096;

const ascii = (b: Uint8Array, at: number, s: string) => {
  if (b.length < at + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
};
const bytes = (b: Uint8Array, at: number, sig: number[]) => sig.every((v, i) => b[at + i] === v);

const t = (type: string, mime: string, kind: MediaKind): SniffedType => ({ type, mime, kind });

const HEIF_BRANDS: Record<string, SniffedType> = {
  heic: t('heic', 'image/heic', 'image'),
  heix: t('heic', 'image/heic', 'image'),
  heim: t('heic', 'image/heic', 'image'),
  heis: t('heic', 'image/heic', 'image'),
  hevc: t('heic', 'image/heic-sequence', 'image'),
  hevx: t('heic', 'image/heic-sequence', 'image'),
  mif1: t('heif', 'image/heif', 'image'),
  msf1: t('heif', 'image/heif-sequence', 'image'),
  avif: t('avif', 'image/avif', 'image'),
  avis: t('avif', 'image/avif', 'image'),
};

function isoBmff(b: Uint8Array): SniffedType | undefined {
  if (!ascii(b, 4, 'ftyp') || b.length < 12) return undefined;
  const major = String.fromCharCode(...b.subarray(8, 12));
  if (HEIF_BRANDS[major]) return HEIF_BRANDS[major];
  if (major === 'qt  ') return t('mov', 'video/quicktime', 'video');
  if (major.startsWith('3g')) return t('3gp', 'video/3gpp', 'video');
  if (major === 'crx ') return t('cr3', 'image/x-canon-cr3', 'other');
  const boxSize = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  // Compatible brands can name HEIF even when the major brand is generic.
  for (let at = 16; at + 4 <= Math.min(boxSize, b.length); at += 4) {
    const brand = String.fromCharCode(...b.subarray(at, at + 4));
    if (brand === 'heic' || brand === 'avif') return HEIF_BRANDS[brand];
  }
  return t('mp4', 'video/mp4', 'video');
}

export function sniffType(head: Uint8Array): SniffedType {
  const b = head;
  if (bytes(b, 0, [0xff, 0xd8, 0xff])) return t('jpeg', 'image/jpeg', 'image');
  if (bytes(b, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return t('png', 'image/png', 'image');
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return t('gif', 'image/gif', 'image');
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return t('webp', 'image/webp', 'image');
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'AVI ')) return t('avi', 'video/x-msvideo', 'video');
  if (bytes(b, 0, [0x49, 0x49, 0x2a, 0x00]) || bytes(b, 0, [0x4d, 0x4d, 0x00, 0x2a])) return t('tiff', 'image/tiff', 'image');
  if (ascii(b, 0, 'BM') && b.length >= 26 && b[14]! >= 12 && b[15] === 0) return t('bmp', 'image/bmp', 'image');
  if (bytes(b, 0, [0xff, 0x0a]) || bytes(b, 0, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return t('jxl', 'image/jxl', 'image');
  if (bytes(b, 0, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20])) return t('jp2', 'image/jp2', 'image');
  const iso = isoBmff(b);
  if (iso) return iso;
  if (bytes(b, 0, [0x1a, 0x45, 0xdf, 0xa3])) {
    const text = String.fromCharCode(...b.subarray(0, Math.min(b.length, 64)));
    return text.includes('webm') ? t('webm', 'video/webm', 'video') : t('mkv', 'video/x-matroska', 'video');
  }
  if (ascii(b, 0, 'FLV\x01')) return t('flv', 'video/x-flv', 'video');
  if (bytes(b, 0, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])) return t('wmv', 'video/x-ms-asf', 'video');
  if (bytes(b, 0, [0x00, 0x00, 0x01, 0xba])) return t('mpeg', 'video/mpeg', 'video');
  if (b.length >= 377 && b[0] === 0x47 && b[188] === 0x47 && b[376] === 0x47) return t('mpegts', 'video/mp2t', 'video');
  if (ascii(b, 0, '%PDF-')) return t('pdf', 'application/pdf', 'other');
  if (bytes(b, 0, [0x50, 0x4b, 0x03, 0x04])) return t('zip', 'application/zip', 'other');
  return t('unknown', 'application/octet-stream', 'other');
}
