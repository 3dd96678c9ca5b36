/**
 * UTC offsets of IANA time zones at given instants, from the ICU data built into Node through `Intl` (no network,
 * no tz database package). Offsets change rarely, so each zone's transitions are found once per calendar year by
 * sampling every few days and bisecting to the minute, then looked up from that table.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset', year: 'numeric' });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether the runtime knows this IANA zone name. */
export function isKnownZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** Offset east of UTC in minutes of `zone` at `unixSeconds`, asked directly of Intl. */
export function zoneOffsetDirect(zone: string, unixSeconds: number): number {
  const part = formatterFor(zone)
    .formatToParts(new Date(unixSeconds * 1000))
    .find((p) => p.type === 'timeZoneName')?.value;
  // "GMT" for UTC itself, otherwise "GMT+05:30" / "GMT-03:00".
  const m = /^GMT(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$/.exec(part ?? '');
  if (!m) throw new Error(`cannot read the UTC offset of ${zone} from "${part}"`);
  if (!m[1]) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

interface Segment {
  start: number;
  offset: number;
}

// Transitions are never closer together than this in practice (Morocco's Ramadan suspensions are about a month).
const SAMPLE_STEP = 3 * 86400;
const yearCache = new Map<string, Segment[]>();

function yearStart(year: number): number {
  return Date.UTC(year, 0, 1) / 1000;
}

function segmentsOfYear(zone: string, year: number): Segment[] {
  const key = `${zone}|${year}`;
  const cached = yearCache.get(key);
  if (cached) return cached;
  const from = yearStart(year);
  const to = yearStart(year + 1);
  const segments: Segment[] = [{ start: from, offset: zoneOffsetDirect(zone, from) }];
  let prevT = from;
  let prevOffset = segments[0]!.offset;
  for (let t = Math.min(from + SAMPLE_STEP, to); ; t = Math.min(t + SAMPLE_STEP, to)) {
    const offset = zoneOffsetDirect(zone, t);
    if (offset !== prevOffset) {
      // Bisect to the minute: lo has the old offset, hi the new one.
      let lo = prevT;
      let hi = t;
      while (hi - lo > 60) {
        const mid = lo + Math.floor((hi - lo) / 120) * 60;
        if (zoneOffsetDirect(zone, mid) === prevOffset) lo = mid;
        else hi = mid;
      }
      segments.push({ start: hi, offset });
      prevOffset = offset;
    }
    prevT = t;
    if (t >= to) break;
  }
  yearCache.set(key, segments);
  return segments;
}

/** Offset east of UTC in minutes of `zone` at `unixSeconds`, from the cached transition table. */
export function zoneOffsetAt(zone: string, unixSeconds: number): number {
  const year = new Date(unixSeconds * 1000).getUTCFullYear();
  const segments = segmentsOfYear(zone, year);
  let offset = segments[0]!.offset;
  for (const s of segments) {
    if (s.start > unixSeconds) break;
    offset = s.offset;
  }
  return offset;
}

/** Offsets of `zone` at each of `times` (unix seconds). */
export function zoneOffsetsAt(zone: string, times: readonly number[]): Int16Array {
  const out = new Int16Array(times.length);
  for (let i = 0; i < times.length; i++) out[i] = zoneOffsetAt(zone, times[i]!);
  return out;
}
