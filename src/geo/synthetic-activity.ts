/**
 * Synthetic activity of a person living under a given IANA zone, for tests and the demo: events at local hours
 * drawn from a simple day routine, converted to UTC with the zone's real offset on each day (so daylight-saving
 * changes move the UTC times exactly as they would for a real person).
 */
import { zoneOffsetAt } from './time-zones.js';

export interface SyntheticOptions {
  zone: string;
  /** First day, unix seconds (any time of that UTC day). */
  from: number;
  days: number;
  /** Mean events per weekday; weekends get `weekendFactor` times as many. */
  perDay?: number;
  weekendFactor?: number;
  /** Relative activity per local hour 0..23; defaults to a day job with evening activity. */
  hours?: readonly number[];
  /**
   * Relative activity per local hour of the week (168, Monday 00:00 first), e.g. a learned routine; overrides
   * `hours` and `weekendFactor`, and `perDay` becomes the mean over all days.
   */
  hourOfWeek?: readonly number[];
  seed?: number;
}

export const DAY_JOB_HOURS = [0.3, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 1, 2, 4, 5, 5, 3, 4, 5, 5, 4, 3, 2.5, 3, 3.5, 3, 2, 0.8];
export const NIGHT_OWL_HOURS = [3, 2.5, 2, 1.2, 0.6, 0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1, 1.2, 1.5, 1.5, 1.8, 2, 2.5, 3, 3.5, 4, 4, 3.5];

/** A small deterministic generator (mulberry32): reproducible synthetic data, not for anything secret. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Local wall-clock time → UTC, using the zone's offset at that moment (twice, to settle across a change). */
export function localToUtc(zone: string, wallClockAsUtcSeconds: number): number {
  let t = wallClockAsUtcSeconds - zoneOffsetAt(zone, wallClockAsUtcSeconds) * 60;
  t = wallClockAsUtcSeconds - zoneOffsetAt(zone, t) * 60;
  return t;
}

export function syntheticTimes(options: SyntheticOptions): number[] {
  const random = seededRandom(options.seed ?? 1);
  const hours = options.hours ?? DAY_JOB_HOURS;
  const total = hours.reduce((a, b) => a + b, 0);
  const perDay = options.perDay ?? 3;
  const weekendFactor = options.weekendFactor ?? 0.6;
  const firstDay = Math.floor(options.from / 86400) * 86400;
  const weekTotal = options.hourOfWeek?.reduce((a, b) => a + b, 0) ?? 0;
  const out: number[] = [];
  for (let d = 0; d < options.days; d++) {
    const dayStart = firstDay + d * 86400;
    const weekday = new Date(dayStart * 1000).getUTCDay();
    const dayHours = options.hourOfWeek ? options.hourOfWeek.slice(((weekday + 6) % 7) * 24, ((weekday + 6) % 7) * 24 + 24) : hours;
    const dayTotal = dayHours.reduce((a, b) => a + b, 0);
    const mean = options.hourOfWeek ? (perDay * 7 * dayTotal) / weekTotal : weekday === 0 || weekday === 6 ? perDay * weekendFactor : perDay;
    // Events per day: a rounded draw around the mean, enough for a routine to show without being clockwork.
    const n = Math.floor(mean * 2 * random() + 0.5);
    for (let i = 0; i < n; i++) {
      let r = random() * (options.hourOfWeek ? dayTotal : total);
      let h = 0;
      while (h < 23 && (r -= dayHours[h]!) > 0) h++;
      const wall = dayStart + h * 3600 + Math.floor(random() * 3600);
      out.push(localToUtc(options.zone, wall));
    }
  }
  return out.sort((a, b) => a - b);
}
