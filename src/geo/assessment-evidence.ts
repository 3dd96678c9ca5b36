/**
 * The case's data → evidence items for the engine, each with a stable id (so a toggle survives a recomputation and
 * versions can be compared item by item), a label for people and references to where it came from.
 *
 * Grouping is deliberate: the engine treats items as independent, and a hundred pictures from one holiday are not a
 * hundred independent facts. So posts make one activity item and one language item; GPS positions make one item per
 * country they fall in; capture offsets one item per offset and half-year; a camera serial one item per serial.
 */
import { createHash } from 'node:crypto';
import type { AnalystItemInput, EvidenceOrigin, ItemDetail, SourceRef } from './assessment-schemas.js';
import { countries, countryName } from './countries.js';
import { countryAt } from './country-shapes.js';
import { formatOffset } from './offsets.js';
import type { EvidenceKind, LocationEvidence } from './types.js';

export const MAX_SOURCE_REFS = 50;

// A serial seen on pictures whose GPS places them is a strong link; one known only from the seizing agency's
// country says where the device was found, which is weaker.
const SERIAL_CONFIDENCE_GPS = 0.8;
const SERIAL_CONFIDENCE_SEIZURE = 0.5;

export interface PostRow {
  id: string;
  occurredAt: string | null;
  text: string;
}

export interface MediaRow {
  id: string;
  gpsLat: number | null;
  gpsLon: number | null;
  captureTime: string | null;
  captureOffset: string | null;
  cameraSerial: string | null;
}

/** A media item of another case carrying a serial also seen in this case. */
export interface SerialLinkRow {
  serial: string;
  mediaId: string;
  caseId: string;
  caseReference: string;
  gpsLat: number | null;
  gpsLon: number | null;
  /** The country of the agency that ingested it (where the device was seized), when known. */
  originCountry: string | null;
}

export interface GatheredSources {
  posts: PostRow[];
  /** More posts exist than were read. */
  postsTruncated: boolean;
  /** Texts were read for the most recent posts only. */
  textsTruncated?: boolean;
  media: MediaRow[];
  serialLinks: SerialLinkRow[];
}

/** An analyst item as kept in the assessment: its input, and who added it when. */
export interface StoredAnalystItem {
  id: string;
  input: AnalystItemInput;
  addedBy: string;
  addedAt: string;
}

/** An item as a version keeps it: everything but its contribution, which lives in the version's result. */
export interface SnapshotItem {
  id: string;
  kind: EvidenceKind;
  origin: EvidenceOrigin;
  label: string;
  enabled: boolean;
  detail: ItemDetail;
  sources: SourceRef[];
  sourceCount: number;
  /** Analyst items keep their whole input, so any version can be read back exactly. */
  input?: AnalystItemInput;
}

export interface PreparedItem {
  snapshot: SnapshotItem;
  engine: LocationEvidence;
}

const toUnix = (iso: string) => Date.parse(iso) / 1000;

/** "+01:00" / "-0330" → minutes east of UTC. */
export function parseOffset(text: string): number | undefined {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (minutes > 14 * 60) return undefined;
  return m[1] === '-' ? -minutes : minutes;
}

/** A local EXIF capture time ("2021-03-04T05:06:07[.25]") with its offset → unix seconds, UTC. */
export function captureInstant(localTime: string | null, offsetMinutes: number): number | undefined {
  if (!localTime || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(localTime)) return undefined;
  const wall = Date.parse(`${localTime}Z`);
  return Number.isFinite(wall) ? wall / 1000 - offsetMinutes * 60 : undefined;
}

/** A URL-safe id derived from a value (serials may hold any character). */
function digestId(prefix: string, value: string): string {
  return `${prefix}-${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

function refs(list: SourceRef[]): { sources: SourceRef[]; sourceCount: number } {
  return { sources: list.slice(0, MAX_SOURCE_REFS), sourceCount: list.length };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function postItems(posts: PostRow[], truncated: boolean, textsTruncated: boolean, subjectLabel: string): PreparedItem[] {
  const out: PreparedItem[] = [];
  const timed = posts.filter((p) => p.occurredAt !== null && Number.isFinite(Date.parse(p.occurredAt)));
  const whose = `posts of ${subjectLabel}`;
  const more = truncated ? ' (the most recent read)' : '';
  if (timed.length > 0) {
    const times = timed.map((p) => toUnix(p.occurredAt!)).sort((a, b) => a - b);
    out.push({
      snapshot: {
        id: 'activity-posts',
        kind: 'activity',
        origin: 'posts',
        label: `Times of ${plural(timed.length, 'post')}${more} (${whose})`,
        enabled: true,
        detail: { events: timed.length, from: new Date(times[0]! * 1000).toISOString(), to: new Date(times.at(-1)! * 1000).toISOString() },
        ...refs(timed.map((p) => ({ type: 'record', id: p.id }))),
      },
      engine: { id: 'activity-posts', kind: 'activity', times },
    });
  }
  const written = posts.filter((p) => p.text.trim().length > 0);
  if (written.length > 0) {
    out.push({
      snapshot: {
        id: 'language-posts',
        kind: 'language',
        origin: 'posts',
        label: `Language of ${plural(written.length, 'post')}${textsTruncated ? ' (the most recent)' : more} (${whose})`,
        enabled: true,
        detail: { texts: written.length },
        ...refs(written.map((p) => ({ type: 'record', id: p.id }))),
      },
      engine: { id: 'language-posts', kind: 'language', texts: written.map((p) => p.text) },
    });
  }
  return out;
}

/**
 * The country of a position, looked up once per cell of about 100 m: a seized phone holds thousands of pictures
 * taken at a few places, and each outline lookup costs most of a millisecond. A border within the cell is the only
 * thing this can blur, for the pictures of that cell.
 */
function placer(): (lat: number, lon: number) => string | undefined {
  const cells = new Map<string, string | undefined>();
  return (lat, lon) => {
    const key = `${lat.toFixed(3)},${lon.toFixed(3)}`;
    if (!cells.has(key)) cells.set(key, countryAt(lat, lon)?.country);
    return cells.get(key);
  };
}

function gpsItems(media: MediaRow[], place: (lat: number, lon: number) => string | undefined): PreparedItem[] {
  const groups = new Map<string, MediaRow[]>();
  for (const m of media) {
    if (m.gpsLat === null || m.gpsLon === null) continue;
    const key = place(m.gpsLat, m.gpsLon) ?? 'unplaced';
    const group = groups.get(key);
    if (group) group.push(m);
    else groups.set(key, [m]);
  }
  return [...groups].map(([key, group]) => {
    // The first picture by capture time stands for the group: every member lies in the same country.
    const first = [...group].sort((a, b) => (a.captureTime ?? '9').localeCompare(b.captureTime ?? '9') || a.id.localeCompare(b.id))[0]!;
    const id = `gps-${key}`;
    const where = key === 'unplaced' ? 'in no country (at sea or invalid)' : `in ${countryName(key)}`;
    return {
      snapshot: {
        id,
        kind: 'gps' as const,
        origin: 'media' as const,
        label: `GPS of ${plural(group.length, 'media item')} ${where}`,
        enabled: true,
        detail: { lat: first.gpsLat!, lon: first.gpsLon!, country: key === 'unplaced' ? null : key, mediaCount: group.length },
        ...refs(group.map((m) => ({ type: 'media' as const, id: m.id }))),
      },
      engine: { id, kind: 'gps' as const, lat: first.gpsLat!, lon: first.gpsLon! },
    };
  });
}

function offsetItems(media: MediaRow[]): PreparedItem[] {
  const groups = new Map<string, { offset: number; season: string; items: { m: MediaRow; at: number | undefined }[] }>();
  for (const m of media) {
    const offset = m.captureOffset ? parseOffset(m.captureOffset) : undefined;
    if (offset === undefined) continue;
    const at = captureInstant(m.captureTime, offset);
    // Summer and winter offsets of one zone differ: a group per half-year keeps each group's instant representative.
    const month = m.captureTime ? Number(m.captureTime.slice(5, 7)) : 0;
    const season = at === undefined ? 'undated' : month >= 4 && month <= 9 ? 'apr-sep' : 'oct-mar';
    const key = `${offset}:${season}`;
    const g = groups.get(key) ?? { offset, season, items: [] };
    g.items.push({ m, at });
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const sorted = [...g.items].sort((a, b) => (a.at ?? 0) - (b.at ?? 0) || a.m.id.localeCompare(b.m.id));
    const at = sorted[0]!.at;
    const id = `offset-${g.offset < 0 ? 'm' : 'p'}${Math.abs(g.offset)}-${g.season}`;
    const when = g.season === 'apr-sep' ? ', April–September' : g.season === 'oct-mar' ? ', October–March' : ', capture time unknown';
    return {
      snapshot: {
        id,
        kind: 'capture-offset' as const,
        origin: 'media' as const,
        label: `Capture offset ${formatOffset(g.offset)} on ${plural(g.items.length, 'media item')}${when}`,
        enabled: true,
        detail: { offsetMinutes: g.offset, capturedAt: at === undefined ? null : new Date(at * 1000).toISOString(), mediaCount: g.items.length },
        ...refs(sorted.map((x) => ({ type: 'media' as const, id: x.m.id }))),
      },
      engine: { id, kind: 'capture-offset' as const, offsetMinutes: g.offset, ...(at === undefined ? {} : { capturedAt: at }) },
    };
  });
}

function serialItems(media: MediaRow[], links: SerialLinkRow[], place: (lat: number, lon: number) => string | undefined): PreparedItem[] {
  const out: PreparedItem[] = [];
  const bySerial = <T>(rows: T[], serialOf: (row: T) => string | null) => {
    const map = new Map<string, T[]>();
    for (const row of rows) {
      const serial = serialOf(row);
      if (!serial) continue;
      const list = map.get(serial);
      if (list) list.push(row);
      else map.set(serial, [row]);
    }
    return map;
  };
  const mediaBySerial = bySerial(media, (m) => m.cameraSerial);
  const linksBySerial = bySerial(links, (l) => l.serial);
  for (const serial of [...mediaBySerial.keys()].sort()) {
    const linked = linksBySerial.get(serial) ?? [];
    if (linked.length === 0) continue;
    const placed = [...new Set(linked.flatMap((l) => (l.gpsLat !== null && l.gpsLon !== null ? [place(l.gpsLat, l.gpsLon)] : [])).filter((c): c is string => !!c))];
    const seized = [...new Set(linked.map((l) => l.originCountry).filter((c): c is string => !!c && countries().has(c)))];
    const fromGps = placed.length > 0;
    const origin = fromGps ? placed : seized;
    if (origin.length === 0) continue;
    const confidence = fromGps ? SERIAL_CONFIDENCE_GPS : SERIAL_CONFIDENCE_SEIZURE;
    const cases = [...new Map(linked.map((l) => [l.caseId, l.caseReference])).entries()];
    const ours = mediaBySerial.get(serial)!;
    const id = digestId('serial', serial);
    const how = fromGps ? `pictures taken in ${origin.map(countryName).join(', ')}` : `seized by an agency of ${origin.map(countryName).join(', ')}`;
    out.push({
      snapshot: {
        id,
        kind: 'camera-serial',
        origin: 'other-cases',
        label: `Camera serial ${serial} (${plural(ours.length, 'media item')} here) also in case ${cases.map(([, r]) => r).join(', ')}: ${how}`,
        enabled: true,
        detail: { serial, countries: origin, confidence, cases: cases.map(([, r]) => r), mediaCount: ours.length },
        ...refs([...cases.map(([caseId, reference]) => ({ type: 'case' as const, id: caseId, label: reference })), ...ours.map((m) => ({ type: 'media' as const, id: m.id }))]),
      },
      engine: { id, kind: 'camera-serial', serial, countries: origin, confidence },
    });
  }
  return out;
}

/** The engine's form of an analyst item, and how it is shown. */
export function analystItem(stored: StoredAnalystItem): PreparedItem {
  const { id, input } = stored;
  const base = { id, origin: 'analyst' as const, enabled: true, sources: [], sourceCount: 0, input };
  switch (input.kind) {
    case 'clue':
      return {
        snapshot: { ...base, kind: 'clue', label: input.label ?? input.text, detail: { text: input.text, countries: input.countries, confidence: input.confidence } },
        engine: { id, kind: 'clue', text: input.text, countries: input.countries, confidence: input.confidence },
      };
    case 'gps':
      return {
        snapshot: { ...base, kind: 'gps', label: input.label ?? `Position ${input.lat.toFixed(4)}, ${input.lon.toFixed(4)}`, detail: { lat: input.lat, lon: input.lon, country: countryAt(input.lat, input.lon)?.country ?? null } },
        engine: { id, kind: 'gps', lat: input.lat, lon: input.lon },
      };
    case 'capture-offset': {
      const at = input.capturedAt ? toUnix(input.capturedAt) : undefined;
      return {
        snapshot: {
          ...base,
          kind: 'capture-offset',
          label: input.label ?? `Capture offset ${formatOffset(input.offsetMinutes)}`,
          detail: { offsetMinutes: input.offsetMinutes, capturedAt: at === undefined ? null : new Date(at * 1000).toISOString() },
        },
        engine: { id, kind: 'capture-offset', offsetMinutes: input.offsetMinutes, ...(at === undefined ? {} : { capturedAt: at }) },
      };
    }
    case 'camera-serial':
      return {
        snapshot: { ...base, kind: 'camera-serial', label: input.label ?? `Camera serial ${input.serial}`, detail: { serial: input.serial, countries: input.countries, confidence: input.confidence ?? 0.8 } },
        engine: { id, kind: 'camera-serial', serial: input.serial, countries: input.countries, ...(input.confidence === undefined ? {} : { confidence: input.confidence }) },
      };
    case 'activity': {
      const times = input.times.map(toUnix).sort((a, b) => a - b);
      return {
        snapshot: {
          ...base,
          kind: 'activity',
          label: input.label ?? `${plural(times.length, 'activity time')} entered by an analyst`,
          detail: { events: times.length, from: new Date(times[0]! * 1000).toISOString(), to: new Date(times.at(-1)! * 1000).toISOString() },
        },
        engine: { id, kind: 'activity', times },
      };
    }
    case 'language':
      return {
        snapshot: { ...base, kind: 'language', label: input.label ?? `${plural(input.texts.length, 'text')} entered by an analyst`, detail: { texts: input.texts.length } },
        engine: { id, kind: 'language', texts: input.texts },
      };
  }
}

/** Every item of an assessment, gathered ones first (posts, then media, then other cases), then the analyst's. */
export function prepareEvidence(
  gathered: GatheredSources,
  analyst: readonly StoredAnalystItem[],
  disabled: ReadonlySet<string>,
  subjectLabel: string,
): PreparedItem[] {
  const place = placer();
  const items = [
    ...postItems(gathered.posts, gathered.postsTruncated, gathered.textsTruncated ?? false, subjectLabel),
    ...gpsItems(gathered.media, place),
    ...offsetItems(gathered.media),
    ...serialItems(gathered.media, gathered.serialLinks, place),
    ...analyst.map(analystItem),
  ];
  for (const item of items) {
    const enabled = !disabled.has(item.snapshot.id);
    item.snapshot.enabled = enabled;
    item.engine.enabled = enabled;
    item.engine.label = item.snapshot.label;
  }
  return items;
}
