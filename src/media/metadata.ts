/**
 * Camera metadata from EXIF/XMP (exifr), normalised for intelligence use.
 *
 * Capture times are kept as the camera wrote them: the local wall-clock time and, separately, the offset field it
 * recorded (OffsetTimeOriginal, "+02:00"). exifr is told not to revive dates, because turning "2019:05:01 12:00:00"
 * into a Date would silently apply the machine's time zone — the capture-time offset is evidence for where a camera
 * was, and the examiner's workstation zone must never leak into it.
 */
import exifr from 'exifr';

export interface ImageMetadata {
  make?: string;
  model?: string;
  /** Body serial number (BodySerialNumber, or the older SerialNumber / maker-specific fields exifr exposes). */
  serial?: string;
  lens?: string;
  lensSerial?: string;
  /** Wall-clock capture time as recorded, ISO 8601 without zone: "2019-05-01T12:34:56" (sub-seconds if recorded). */
  captureTime?: string;
  /** The recorded offset field verbatim ("+02:00"), absent when the camera wrote none. */
  captureOffset?: string;
  /** captureTime with captureOffset appended when both exist: an unambiguous instant. */
  captureTimeWithOffset?: string;
  gps?: { lat: number; lon: number; altitude?: number };
  software?: string;
  /** EXIF orientation 1..8 as stored (not applied to hashing). */
  orientation?: number;
}

const PICK_TAGS = [
  'Make', 'Model', 'BodySerialNumber', 'SerialNumber', 'InternalSerialNumber', 'CameraSerialNumber', 'LensModel',
  'LensMake', 'LensSerialNumber', 'Lens', 'DateTimeOriginal', 'CreateDate', 'DateTimeDigitized', 'ModifyDate', 'DateTime',
  'SubSecTimeOriginal', 'OffsetTimeOriginal', 'OffsetTime', 'OffsetTimeDigitized', 'GPSLatitude', 'GPSLatitudeRef',
  'GPSLongitude', 'GPSLongitudeRef', 'GPSAltitude', 'GPSAltitudeRef', 'Software', 'Orientation',
];

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : String(v)).replace(/\0+$/g, '').trim();
  return s && s !== 'undefined' ? s : undefined;
}

const EXIF_DATE = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?/;
const OFFSET = /^[+-](0\d|1[0-4]):[0-5]\d$/;

/** "2019:05:01 12:34:56" → "2019-05-01T12:34:56"; nonsense (all zeros, blanks) → undefined. */
export function exifDateToIso(raw: unknown, subSec?: unknown): string | undefined {
  const s = text(raw);
  const m = s ? EXIF_DATE.exec(s) : null;
  if (!m || m[1] === '0000') return undefined;
  const sub = m[7] ?? (text(subSec) && /^\d+$/.test(text(subSec)!) ? `.${text(subSec)}` : '');
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${sub}`;
}

function rationalList(v: unknown): number[] | undefined {
  if (Array.isArray(v)) return v.map(Number);
  if (typeof v === 'number') return [v];
  return undefined;
}

/** Degrees/minutes/seconds + hemisphere → signed decimal degrees; undefined when absent or out of range. */
export function dmsToDecimal(dms: unknown, ref: unknown, max: number): number | undefined {
  const parts = rationalList(dms);
  if (!parts || parts.length === 0 || parts.some((x) => !Number.isFinite(x))) return undefined;
  const [d = 0, m = 0, s = 0] = parts;
  let v = d + m / 60 + s / 3600;
  const r = text(ref)?.toUpperCase();
  if (r === 'S' || r === 'W') v = -v;
  if (Math.abs(v) > max) return undefined;
  return Math.round(v * 1e7) / 1e7;
}

/**
 * One options object for every call: exifr caches its parsed options by object identity, and a fresh literal per
 * picture made it rebuild them each time — half of what an ingest worker allocated.
 */
const EXIFR_OPTIONS = {
  tiff: true, exif: true, gps: true, ifd0: {}, ifd1: false, interop: false, xmp: true, icc: false, iptc: false,
  makerNote: false, userComment: false, reviveValues: false, translateValues: false, translateKeys: true,
  mergeOutput: true, sanitize: true, pick: PICK_TAGS,
};

/** Reads camera metadata from an untrusted image buffer; unreadable metadata gives {} (it never fails the file). */
export async function readImageMetadata(buf: Uint8Array): Promise<ImageMetadata> {
  let raw: Record<string, unknown> | undefined;
  try {
    raw = (await exifr.parse(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength), EXIFR_OPTIONS as never)) as Record<string, unknown> | undefined;
  } catch {
    return {};
  }
  if (!raw) return {};
  const out: ImageMetadata = {};
  const set = <K extends keyof ImageMetadata>(k: K, v: ImageMetadata[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('make', text(raw.Make));
  set('model', text(raw.Model));
  set('serial', text(raw.BodySerialNumber) ?? text(raw.SerialNumber) ?? text(raw.CameraSerialNumber) ?? text(raw.InternalSerialNumber));
  set('lens', text(raw.LensModel) ?? text(raw.Lens));
  set('lensSerial', text(raw.LensSerialNumber));
  const captureTime = exifDateToIso(raw.DateTimeOriginal, raw.SubSecTimeOriginal) ?? exifDateToIso(raw.CreateDate) ?? exifDateToIso(raw.DateTimeDigitized);
  set('captureTime', captureTime);
  const offset = text(raw.OffsetTimeOriginal) ?? (raw.DateTimeOriginal ? undefined : text(raw.OffsetTimeDigitized));
  if (offset && OFFSET.test(offset)) set('captureOffset', offset);
  if (out.captureTime && out.captureOffset) out.captureTimeWithOffset = out.captureTime + out.captureOffset;
  const lat = dmsToDecimal(raw.GPSLatitude, raw.GPSLatitudeRef, 90);
  const lon = dmsToDecimal(raw.GPSLongitude, raw.GPSLongitudeRef, 180);
  if (lat !== undefined && lon !== undefined && !(lat === 0 && lon === 0)) {
    const alt = typeof raw.GPSAltitude === 'number' && Number.isFinite(raw.GPSAltitude) ? (raw.GPSAltitudeRef === 1 ? -raw.GPSAltitude : raw.GPSAltitude) : undefined;
    out.gps = { lat, lon, ...(alt !== undefined ? { altitude: alt } : {}) };
  }
  set('software', text(raw.Software));
  if (typeof raw.Orientation === 'number' && raw.Orientation >= 1 && raw.Orientation <= 8) out.orientation = raw.Orientation;
  return out;
}
