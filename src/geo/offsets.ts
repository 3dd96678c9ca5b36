/**
 * The UTC offsets (minutes east of UTC) that clocks in use have shown in recent decades: every whole hour from
 * UTC-12 to UTC+14 plus the fractional ones (Marquesas -9:30, Newfoundland -3:30/-2:30, Iran +3:30, Afghanistan +4:30,
 * India +5:30, Nepal +5:45, Myanmar +6:30, Eucla +8:45, South Australia +9:30/+10:30, Chatham +12:45/+13:45).
 */
export const UTC_OFFSETS: readonly number[] = [
  -720, -660, -600, -570, -540, -480, -420, -360, -300, -240, -210, -180, -150, -120, -60, 0, 60, 120, 180, 210, 240,
  270, 300, 330, 345, 360, 390, 420, 480, 525, 540, 570, 600, 630, 660, 720, 765, 780, 825, 840,
];

export const WHOLE_HOUR_OFFSETS: readonly number[] = UTC_OFFSETS.filter((o) => o % 60 === 0);

/** "UTC+5:30", "UTC-3", "UTC+0". */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return `UTC${sign}${h}${m === 0 ? '' : `:${String(m).padStart(2, '0')}`}`;
}

/** Offsets on the grid nearest to an arbitrary offset in minutes (used when evidence reports e.g. +05:29). */
export function nearestGridOffset(minutes: number): number {
  let best = UTC_OFFSETS[0]!;
  for (const o of UTC_OFFSETS) if (Math.abs(o - minutes) < Math.abs(best - minutes)) best = o;
  return best;
}
